package bindbench.protocol;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The request (docs/protocol.md), read once and checked; the runner reads only what it needs from here. */
public final class Request {
  public static final int PROTOCOL = 2;

  public final JsonObject json;
  public final String binding;
  public final String mode;
  public final JsonObject model;
  public final long seed;
  public final String device;
  public final String style;
  public final Integer threads;
  /** Train mode: the test set is evaluated after every k-th epoch and the last (absent: 1, every epoch). */
  public final int testEvery;

  private Request(JsonObject json) throws RunnerError {
    this.json = json;
    int protocol = integer(json, "protocol");
    if (protocol != PROTOCOL) throw RunnerError.badRequest("protocol " + protocol + " is not this runner's (" + PROTOCOL + ")");
    binding = text(json, "binding");
    mode = text(json, "mode");
    if (!List.of("train", "infer", "export").contains(mode)) throw RunnerError.badRequest("mode '" + mode + "' is not train, infer or export");
    model = object(json, "model");
    seed = json.get("seed").getAsLong();
    device = text(json, "device");
    style = json.has("style") && !json.get("style").isJsonNull() ? json.get("style").getAsString() : "minimal";
    threads = json.has("threads") && !json.get("threads").isJsonNull() ? json.get("threads").getAsInt() : null;
    testEvery = json.has("test_every") ? json.get("test_every").getAsInt() : 1;
    if (testEvery < 1) throw RunnerError.badRequest("test_every must be a whole number of at least 1 (absent: every epoch), got " + testEvery);
  }

  /** Whether the test set is evaluated after this 1-based epoch of `epochs`: every testEvery-th, and the last. */
  public boolean evaluatesTestAfter(int epoch, int epochs) {
    return epoch == epochs || epoch % testEvery == 0;
  }

  public static Request read(Path path) throws RunnerError {
    try {
      return parse(Files.readString(path));
    } catch (IOException e) {
      throw RunnerError.badRequest("cannot read the request " + path + ": " + e.getMessage());
    }
  }

  public static Request parse(String text) throws RunnerError {
    JsonElement root;
    try {
      root = JsonParser.parseString(text);
    } catch (RuntimeException e) {
      throw RunnerError.badRequest("the request is not JSON: " + e.getMessage());
    }
    if (!root.isJsonObject()) throw RunnerError.badRequest("the request is not a JSON object");
    try {
      return new Request(root.getAsJsonObject());
    } catch (RuntimeException e) {
      throw RunnerError.badRequest("the request is malformed: " + e.getMessage());
    }
  }

  public JsonObject hyper() throws RunnerError {
    return object(json, "hyper");
  }

  public JsonObject inference() throws RunnerError {
    return object(json, "inference");
  }

  /** `{path, sha256}` of a data split, or of the order / init weights file; null when the request has none. */
  public JsonObject file(String... keys) {
    JsonElement at = json;
    for (String k : keys) {
      if (at == null || !at.isJsonObject() || !at.getAsJsonObject().has(k)) return null;
      at = at.getAsJsonObject().get(k);
    }
    return at == null || at.isJsonNull() ? null : at.getAsJsonObject();
  }

  public List<String> artifacts() {
    List<String> out = new ArrayList<>();
    JsonArray a = json.has("artifacts") ? json.getAsJsonArray("artifacts") : new JsonArray();
    for (JsonElement e : a) out.add(e.getAsString());
    return out;
  }

  public Path outputDir() {
    return json.has("output_dir") && !json.get("output_dir").isJsonNull() ? Path.of(json.get("output_dir").getAsString()) : null;
  }

  public int recordStepLosses() {
    return json.has("record_step_losses") ? json.get("record_step_losses").getAsInt() : 0;
  }

  public Integer limit(String key) {
    JsonObject data = json.getAsJsonObject("data");
    return data != null && data.has(key) && !data.get(key).isJsonNull() ? data.get(key).getAsInt() : null;
  }

  public String text(String key) {
    return json.has(key) && !json.get(key).isJsonNull() ? json.get(key).getAsString() : null;
  }

  static String text(JsonObject o, String key) throws RunnerError {
    if (!o.has(key) || o.get(key).isJsonNull()) throw RunnerError.badRequest("the request has no '" + key + "'");
    return o.get(key).getAsString();
  }

  static int integer(JsonObject o, String key) throws RunnerError {
    if (!o.has(key) || o.get(key).isJsonNull()) throw RunnerError.badRequest("the request has no '" + key + "'");
    return o.get(key).getAsInt();
  }

  static JsonObject object(JsonObject o, String key) throws RunnerError {
    if (!o.has(key) || !o.get(key).isJsonObject()) throw RunnerError.badRequest("the request has no object '" + key + "'");
    return o.getAsJsonObject(key);
  }
}
