package bindbench.pytorch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import static bindbench.protocol.RunnerTesting.LENET1;
import static bindbench.protocol.RunnerTesting.assertTrainsAndReloads;
import static bindbench.protocol.RunnerTesting.run;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonParser;
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
    assertTrainsAndReloads(new Main(), dir, "pytorch/java");
  }
}
