package bindbench.pytorch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static bindbench.protocol.RunnerTesting.inferRequest;
import static bindbench.protocol.RunnerTesting.ofType;
import static bindbench.protocol.RunnerTesting.run;
import static bindbench.protocol.RunnerTesting.trainRequest;

import ai.djl.ndarray.NDManager;
import bindbench.protocol.Request;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    String request = trainRequest(dir, "pytorch/java", LENET1, "native", null);
    Main main = new Main();
    List<JsonObject> events = run(main, Request.parse(request));
    List<JsonObject> epochs = ofType(events, "epoch");
    assertEquals(4, epochs.size());
    assertEquals(2, ofType(events, "step").size());
    double accuracy = epochs.get(3).get("test_accuracy").getAsDouble();
    assertTrue(accuracy > 0.9, "learned the synthetic classes: " + accuracy);
    Path model = dir.resolve("out").resolve("model.safetensors");
    assertTrue(Files.exists(model));

    List<JsonObject> passes = ofType(run(main, inferRequest(request, "safetensors", model)), "inference");
    assertEquals(2, passes.size());
    assertEquals(Math.round(accuracy * 200), passes.get(0).get("correct").getAsLong(), "the loaded model classifies as the trained one did");
    assertEquals(passes.get(0).get("logits_sha256"), passes.get(1).get("logits_sha256"), "repetitions are stable");
  }
}
