package bindbench.protocol;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The runner's side of the conversation: one JSON object per line on stdout, flushed as it happens (the
 * orchestrator reads where the time went from when each line arrives). Non-finite numbers are never written.
 */
public final class Events {
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();
  private final PrintStream out;

  public Events(PrintStream out) {
    this.out = out;
  }

  public void emit(String type, Map<String, Object> fields) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("type", type);
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      Object v = e.getValue();
      if (v instanceof Double d && !Double.isFinite(d)) throw new IllegalArgumentException("non-finite " + e.getKey() + " in a " + type + " event");
      event.put(e.getKey(), v);
    }
    out.println(GSON.toJson(event));
    out.flush();
  }

  public void log(String message) {
    emit("log", Map.of("message", message));
  }

  public void step(int step, double loss) {
    emit("step", ordered("step", step, "loss", loss));
  }

  /** `testAccuracy` null (written as null) on an epoch whose test evaluation the request's test_every skips. */
  public void epoch(int epoch, double trainAccuracy, Double testAccuracy, double loss, double trainSeconds, double evalSeconds) {
    emit("epoch", ordered("epoch", epoch, "train_accuracy", trainAccuracy, "test_accuracy", testAccuracy, "loss", loss, "train_seconds", trainSeconds, "eval_seconds", evalSeconds));
  }

  public void artifact(String format, String path) {
    emit("artifact", ordered("format", format, "path", path));
  }

  public void end(double trainSeconds, double wallSeconds) {
    emit("end", ordered("train_seconds", trainSeconds, "wall_seconds", wallSeconds));
  }

  public void error(RunnerError e) {
    emit("error", ordered("kind", e.kind, "message", e.getMessage() == null ? e.toString() : e.getMessage()));
  }

  /** A map that keeps the order its pairs are given in. */
  public static Map<String, Object> ordered(Object... pairs) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) m.put((String) pairs[i], pairs[i + 1]);
    return m;
  }
}
