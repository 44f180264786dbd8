package bindbench.protocol;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Mode `infer`'s measurement plan, the same as every runner's: untimed warm-up passes over the test split, timed
 * repetitions, optionally an untimed count on the training split, each reported with the hash of its logits and
 * the logits saved once per split. A framework supplies its batches and one pass.
 */
public final class Inference {
  private Inference() {}

  /** One pass as the framework measured it; the logits stay in its own form (copying them is not timed). */
  public record Pass<L>(double seconds, int correct, L logits) {}

  public interface Backend<B, L> {
    B batches(Data.ImageSplit split, int batchSize) throws RunnerError;

    /** One timed pass: the clock stops only after the work and the count of correct predictions are done. */
    Pass<L> pass(B batches) throws RunnerError;

    /** The pass's logits as row-major float32 [n, classes]. */
    float[] hostLogits(L logits) throws RunnerError;

    /** Whether the framework takes images NHWC (TensorFlow) rather than NCHW (PyTorch). */
    default boolean channelsLast() {
      return false;
    }
  }

  /** Per-batch logits joined in batch order, as hostLogits returns them. */
  public static float[] concat(java.util.List<float[]> parts) {
    int total = 0;
    for (float[] f : parts) total += f.length;
    float[] out = new float[total];
    int at = 0;
    for (float[] f : parts) {
      System.arraycopy(f, 0, out, at, f.length);
      at += f.length;
    }
    return out;
  }

  public static <B, L> void run(Request request, Backend<B, L> backend, int classes, Events events) throws RunnerError {
    JsonObject settings = request.inference();
    int batchSize = settings.get("batch_size").getAsInt();
    Data.ImageSplit test = Data.images(request, "test", backend.channelsLast());
    B batches = backend.batches(test, batchSize);
    for (int i = 0; i < settings.get("warmup").getAsInt(); i++) backend.pass(batches);
    int repetitions = settings.get("repetitions").getAsInt();
    for (int r = 0; r < repetitions; r++) report(request, events, "test", r, backend.pass(batches), backend, test.n(), classes, r == 0);
    if (settings.has("include_train") && settings.get("include_train").getAsBoolean()) {
      Data.ImageSplit train = Data.images(request, "train", backend.channelsLast());
      report(request, events, "train", -1, backend.pass(backend.batches(train, batchSize)), backend, train.n(), classes, true);
    }
  }

  private static <B, L> void report(Request request, Events events, String split, int repetition, Pass<L> pass, Backend<B, L> backend, int n, int classes, boolean save) throws RunnerError {
    float[] logits = backend.hostLogits(pass.logits());
    if (logits.length != n * classes) throw RunnerError.failed("the model returned " + logits.length + " logits for " + n + " examples, expected " + n + " x " + classes);
    Map<String, Object> e = Events.ordered("split", split, "repetition", repetition, "seconds", pass.seconds(), "correct", pass.correct(), "n", n, "logits_sha256", Data.logitsSha256(logits));
    Path out = request.outputDir();
    if (save && out != null) {
      Path path = out.resolve("logits-" + split + ".safetensors").toAbsolutePath();
      Map<String, float[]> t = new LinkedHashMap<>();
      t.put("logits", logits);
      try {
        Safetensors.writeF32(path, t, Map.of("logits", new long[] {n, classes}));
      } catch (IOException ex) {
        throw RunnerError.failed("cannot write " + path + ": " + ex.getMessage());
      }
      e.put("logits_path", path.toString());
    }
    events.emit("inference", e);
  }
}
