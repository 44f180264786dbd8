package bindbench.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/** What every framework module's tests need: a learnable image set in the data cache's format, and a runner's events. */
public final class RunnerTesting {
  private RunnerTesting() {}

  /** The zoo's LeNet-1 spec (docs/models.md), as a request carries it. */
  public static final String LENET1 = """
      {"id": "lenet1", "dataset": "mnist", "input_shape": [28, 28, 1], "classes": 10, "layers": [
        {"kind": "conv2d", "name": "conv1", "filters": 4, "kernel": 5, "padding": "same", "activation": "tanh", "bias": true},
        {"kind": "maxpool2d", "size": 2},
        {"kind": "conv2d", "name": "conv2", "filters": 12, "kernel": 5, "padding": "valid", "activation": "tanh", "bias": true},
        {"kind": "maxpool2d", "size": 2},
        {"kind": "flatten"},
        {"kind": "dense", "name": "fc1", "units": 10, "activation": "linear", "bias": true}]}""";

  /**
   * A real 4-epoch LeNet-1 training run on the synthetic set learns it (above 90 % test accuracy) and writes canonical
   * safetensors, whose states load in the same runner reproduces the trained model's correct count, stably.
   */
  public static void assertTrainsAndReloads(Runner.Work work, Path dir, String binding) throws Exception {
    String request = trainRequest(dir, binding, LENET1, "native", null);
    List<JsonObject> events = run(work, Request.parse(request));
    List<JsonObject> epochs = ofType(events, "epoch");
    assertEquals(4, epochs.size());
    assertEquals(2, ofType(events, "step").size());
    double accuracy = epochs.get(3).get("test_accuracy").getAsDouble();
    assertTrue(accuracy > 0.9, "learned the synthetic classes: " + accuracy);
    Path model = dir.resolve("out").resolve("model.safetensors");
    assertTrue(Files.exists(model));

    List<JsonObject> passes = ofType(run(work, inferRequest(request, "safetensors", model)), "inference");
    assertEquals(2, passes.size());
    assertEquals(Math.round(accuracy * 200), passes.get(0).get("correct").getAsLong(), "the loaded model classifies as the trained one did");
    assertEquals(passes.get(0).get("logits_sha256"), passes.get(1).get("logits_sha256"), "repetitions are stable");
  }

  /** The request's work, in this JVM, with its events parsed back from the protocol's JSON lines. */
  public static List<JsonObject> run(Runner.Work work, Request request) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Events events = new Events(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    work.start(request);
    work.run(request, events);
    List<JsonObject> out = new ArrayList<>();
    for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) if (!line.isBlank()) out.add(JsonParser.parseString(line).getAsJsonObject());
    return out;
  }

  public static List<JsonObject> ofType(List<JsonObject> events, String type) {
    return events.stream().filter(e -> e.get("type").getAsString().equals(type)).toList();
  }

  /**
   * n images [n, 28, 28, 1] U8 with labels I64, as the data cache writes them. Class k lights a 7x5 block at one of
   * 10 places: learnable in a few epochs, deterministic to generate.
   */
  public static Path split(Path path, int n, long seed) throws Exception {
    Random random = new Random(seed);
    byte[] x = new byte[n * 28 * 28];
    long[] y = new long[n];
    for (int i = 0; i < n; i++) {
      int k = i % 10;
      y[i] = k;
      int top = (k / 5) * 14 + 3, left = (k % 5) * 5;
      for (int r = 0; r < 7; r++) for (int c = 0; c < 5; c++) x[i * 784 + (top + r) * 28 + left + c] = (byte) (200 + random.nextInt(55));
    }
    String header = "{\"x\":{\"dtype\":\"U8\",\"shape\":[" + n + ",28,28,1],\"data_offsets\":[0," + x.length + "]},\"y\":{\"dtype\":\"I64\",\"shape\":[" + n + "],\"data_offsets\":[" + x.length + "," + (x.length + 8 * n) + "]}}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer buf = ByteBuffer.allocate(8 + h.length + x.length + 8 * n).order(ByteOrder.LITTLE_ENDIAN);
    buf.putLong(h.length).put(h).put(x);
    for (long v : y) buf.putLong(v);
    Files.write(path, buf.array());
    return path;
  }

  public static String sha(Path path) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(path)));
  }

  /** A train request for LeNet-1-like `model` on two synthetic splits in `dir`, with `binding`'s name. */
  public static String trainRequest(Path dir, String binding, String model, String init, String initPath) throws Exception {
    Path train = split(dir.resolve("train.safetensors"), 400, 1);
    Path test = split(dir.resolve("test.safetensors"), 200, 2);
    Path out = Files.createDirectories(dir.resolve("out"));
    String initWeights = initPath == null ? "null" : "{\"path\": \"" + initPath + "\", \"sha256\": \"" + sha(Path.of(initPath)) + "\"}";
    return """
        {"protocol": 2, "run_id": "t/lenet1", "binding": "%s", "mode": "train", "seed": 3, "device": "cpu", "style": "minimal",
         "model": %s,
         "hyper": {"epochs": 4, "batch_size": 32, "optimizer": {"name": "adam", "learning_rate": 0.01}, "loss": "sparse_categorical_crossentropy"},
         "data": {"id": "synthetic", "train": {"path": "%s", "sha256": "%s"}, "test": {"path": "%s", "sha256": "%s"}, "train_limit": null},
         "data_order": "native", "order": null, "init": "%s", "init_weights": %s, "artifacts": ["safetensors"], "output_dir": "%s",
         "weights": null, "record_step_losses": 2, "inference": {"warmup": 1, "repetitions": 2, "batch_size": 64, "include_train": false}}
        """.formatted(binding, model, train, sha(train), test, sha(test), init, initWeights, out);
  }

  /** The same request in mode infer, loading `format` from `path`. */
  public static Request inferRequest(String trainRequest, String format, Path path) throws Exception {
    JsonObject infer = JsonParser.parseString(trainRequest).getAsJsonObject();
    infer.addProperty("mode", "infer");
    infer.add("artifacts", new com.google.gson.JsonArray());
    JsonObject weights = new JsonObject();
    weights.addProperty("format", format);
    weights.addProperty("path", path.toString());
    infer.add("weights", weights);
    return Request.parse(infer.toString());
  }
}
