package bindbench.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProtocolTest {
  static final String REQUEST = """
      {"protocol": 2, "run_id": "c/k", "binding": "pytorch/java", "mode": "train", "seed": 7, "device": "cpu",
       "style": "minimal", "threads": 1, "model": {"id": "lenet1", "classes": 10, "layers": []},
       "hyper": {"epochs": 1, "batch_size": 2, "optimizer": {"name": "sgd", "learning_rate": 0.1}, "loss": "sparse_categorical_crossentropy"},
       "data": {"id": "mnist", "train": {"path": "/d/train", "sha256": "ab"}, "test": {"path": "/d/test", "sha256": "cd"}, "train_limit": 5},
       "artifacts": ["safetensors"], "output_dir": "/tmp/out", "weights": null,
       "inference": {"warmup": 1, "repetitions": 2, "batch_size": 10, "include_train": false}}""";

  @Test
  void aRequestIsReadAndChecked() throws Exception {
    Request r = Request.parse(REQUEST);
    assertEquals("train", r.mode);
    assertEquals(7, r.seed);
    assertEquals(1, r.threads);
    assertEquals(5, r.limit("train_limit"));
    assertEquals(null, r.limit("test_limit"));
    assertEquals("/d/train", r.file("data", "train").get("path").getAsString());
    assertEquals(null, r.file("weights"));
    assertEquals(java.util.List.of("safetensors"), r.artifacts());
  }

  @Test
  void aBadRequestIsABadRequest() {
    assertEquals("bad_request", assertThrows(RunnerError.class, () -> Request.parse("{not json")).kind);
    RunnerError other = assertThrows(RunnerError.class, () -> Request.parse(REQUEST.replace("\"protocol\": 2", "\"protocol\": 1")));
    assertEquals("bad_request", other.kind);
    assertTrue(other.getMessage().contains("protocol 1 is not this runner's (2)"));
    assertEquals("bad_request", assertThrows(RunnerError.class, () -> Request.parse(REQUEST.replace("\"mode\": \"train\"", "\"mode\": \"dance\""))).kind);
  }

  @Test
  void testEveryPicksEveryKthEpochAndTheLast() throws Exception {
    Request every = Request.parse(REQUEST);
    assertTrue(every.evaluatesTestAfter(1, 7) && every.evaluatesTestAfter(2, 7), "absent: every epoch");
    Request third = Request.parse(REQUEST.replace("\"threads\": 1,", "\"threads\": 1, \"test_every\": 3,"));
    java.util.List<Integer> after = new java.util.ArrayList<>();
    for (int e = 1; e <= 7; e++) if (third.evaluatesTestAfter(e, 7)) after.add(e);
    assertEquals(java.util.List.of(3, 6, 7), after);
    RunnerError zero = assertThrows(RunnerError.class, () -> Request.parse(REQUEST.replace("\"threads\": 1,", "\"threads\": 1, \"test_every\": 0,")));
    assertEquals("bad_request", zero.kind);
    assertTrue(zero.getMessage().contains("test_every"));
  }

  @Test
  void eventsAreOneJsonObjectPerLineTypeFirstNullsKept() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Events events = new Events(new PrintStream(out, true, StandardCharsets.UTF_8));
    events.epoch(1, 0.5, 0.25, 1.5, 2.0, 0.5);
    events.emit("start", Events.ordered("settings", Events.ordered("threads_requested", null)));
    events.epoch(2, 0.5, null, 1.5, 2.0, 0.5);
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(3, lines.length);
    assertTrue(lines[0].startsWith("{\"type\":\"epoch\",\"epoch\":1,"));
    assertTrue(JsonParser.parseString(lines[2]).getAsJsonObject().get("test_accuracy").isJsonNull(), "a skipped test evaluation is written as null");
    JsonObject start = JsonParser.parseString(lines[1]).getAsJsonObject();
    assertTrue(start.getAsJsonObject("settings").has("threads_requested"));
    assertThrows(IllegalArgumentException.class, () -> events.step(0, Double.NaN));
  }

  @Test
  void safetensorsRoundTrip(@TempDir Path dir) throws Exception {
    Map<String, float[]> values = new LinkedHashMap<>();
    values.put("conv1.weight", new float[] {1f, -2.5f, 3f, 0f, 1e-7f, 6f});
    values.put("conv1.bias", new float[] {0.5f});
    Path path = dir.resolve("m.safetensors");
    Safetensors.writeF32(path, values, Map.of("conv1.weight", new long[] {1, 1, 2, 3}, "conv1.bias", new long[] {1}));
    long headerLength = java.nio.ByteBuffer.wrap(Files.readAllBytes(path), 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, (8 + headerLength) % 8, "data starts 8-byte aligned");
    Map<String, Safetensors.Tensor> back = Safetensors.read(path);
    assertArrayEquals(new long[] {1, 1, 2, 3}, back.get("conv1.weight").shape());
    assertArrayEquals(values.get("conv1.weight"), back.get("conv1.weight").floats());
    assertArrayEquals(values.get("conv1.bias"), back.get("conv1.bias").floats());
  }

  @Test
  void logitsHashIsOfLittleEndianFloat32() {
    // sha256 of the 8 bytes 00 00 80 3f 00 00 00 40 (1.0f, 2.0f), as every runner computes it.
    assertEquals(Data.logitsSha256(new float[] {1f, 2f}), sha256(new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, 0x40}));
  }

  private static String sha256(byte[] bytes) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
