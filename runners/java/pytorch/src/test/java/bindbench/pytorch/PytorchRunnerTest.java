package bindbench.pytorch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import bindbench.protocol.Events;
import bindbench.protocol.Request;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner with DJL's real PyTorch engine: LeNet-1's parameters under canonical names, a short real training run
 * on a small learnable image set, and a states load of the trained model that reproduces its correct count.
 */
class PytorchRunnerTest {
  static final String LENET1 = """
      {"id": "lenet1", "dataset": "mnist", "input_shape": [28, 28, 1], "classes": 10, "layers": [
        {"kind": "conv2d", "name": "conv1", "filters": 4, "kernel": 5, "padding": "same", "activation": "tanh", "bias": true},
        {"kind": "maxpool2d", "size": 2},
        {"kind": "conv2d", "name": "conv2", "filters": 12, "kernel": 5, "padding": "valid", "activation": "tanh", "bias": true},
        {"kind": "maxpool2d", "size": 2},
        {"kind": "flatten"},
        {"kind": "dense", "name": "fc1", "units": 10, "activation": "linear", "bias": true}]}""";

  @Test
  void lenet1HasTheZooParametersUnderCanonicalNames() throws Exception {
    Net net = Net.build(JsonParser.parseString(LENET1).getAsJsonObject());
    try (NDManager manager = NDManager.newBaseManager()) {
      net.initialize(manager, 1, 28, 28);
      assertEquals(List.of("conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias"), new ArrayList<>(net.names.keySet()));
      long count = 0;
      for (String djl : net.names.values()) count += net.block.getParameters().get(djl).getArray().size();
      // docs/models.md: LeNet-1 has 4,326 parameters; conv weights OIHW, dense [out, in] over the channel-major flatten.
      assertEquals(4326, count);
      assertEquals("(12, 4, 5, 5)", net.block.getParameters().get(net.names.get("conv2.weight")).getArray().getShape().toString());
      assertEquals("(10, 300)", net.block.getParameters().get(net.names.get("fc1.weight")).getArray().getShape().toString());
    }
  }

  @Test
  void aShortTrainingRunLearnsAndItsStatesLoadReproducesTheCount(@TempDir Path dir) throws Exception {
    // Class k lights a 7x7 block at one of 10 places: learnable in a few epochs, deterministic to generate.
    Path train = split(dir.resolve("train.safetensors"), 400, 1);
    Path test = split(dir.resolve("test.safetensors"), 200, 2);
    Path out = Files.createDirectories(dir.resolve("out"));
    String request = """
        {"protocol": 2, "run_id": "t/lenet1", "binding": "pytorch/java", "mode": "train", "seed": 3, "device": "cpu", "style": "minimal",
         "model": %s,
         "hyper": {"epochs": 4, "batch_size": 32, "optimizer": {"name": "adam", "learning_rate": 0.01}, "loss": "sparse_categorical_crossentropy"},
         "data": {"id": "synthetic", "train": {"path": "%s", "sha256": "%s"}, "test": {"path": "%s", "sha256": "%s"}, "train_limit": null},
         "data_order": "native", "order": null, "init": "native", "init_weights": null, "artifacts": ["safetensors"], "output_dir": "%s",
         "weights": null, "record_step_losses": 2, "inference": {"warmup": 1, "repetitions": 2, "batch_size": 64, "include_train": false}}
        """.formatted(LENET1, train, sha(train), test, sha(test), out);
    Main main = new Main();
    Request trainRequest = Request.parse(request);
    List<JsonObject> events = run(main, trainRequest);
    List<JsonObject> epochs = events.stream().filter(e -> e.get("type").getAsString().equals("epoch")).toList();
    assertEquals(4, epochs.size());
    assertEquals(2, events.stream().filter(e -> e.get("type").getAsString().equals("step")).count());
    double accuracy = epochs.get(3).get("test_accuracy").getAsDouble();
    assertTrue(accuracy > 0.9, "learned the synthetic classes: " + accuracy);
    Path model = out.resolve("model.safetensors");
    assertTrue(Files.exists(model));

    JsonObject infer = JsonParser.parseString(request).getAsJsonObject();
    infer.addProperty("mode", "infer");
    infer.add("artifacts", new com.google.gson.JsonArray());
    JsonObject weights = new JsonObject();
    weights.addProperty("format", "safetensors");
    weights.addProperty("path", model.toString());
    infer.add("weights", weights);
    List<JsonObject> passes = run(main, Request.parse(infer.toString())).stream().filter(e -> e.get("type").getAsString().equals("inference")).toList();
    assertEquals(2, passes.size());
    assertEquals(Math.round(accuracy * 200), passes.get(0).get("correct").getAsLong(), "the loaded model classifies as the trained one did");
    assertEquals(passes.get(0).get("logits_sha256"), passes.get(1).get("logits_sha256"), "repetitions are stable");
  }

  private static List<JsonObject> run(Main main, Request request) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Events events = new Events(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    main.start(request);
    main.run(request, events);
    List<JsonObject> out = new ArrayList<>();
    for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) if (!line.isBlank()) out.add(JsonParser.parseString(line).getAsJsonObject());
    return out;
  }

  /** n images [n, 28, 28, 1] U8 with labels I64, as the data cache writes them. */
  private static Path split(Path path, int n, long seed) throws Exception {
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

  private static String sha(Path path) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(path)));
  }
}
