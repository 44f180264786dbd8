package bindbench.pytorch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.util.Pair;
import bindbench.protocol.RunnerError;
import bindbench.protocol.Safetensors;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The zoo's model spec (docs/models.md) built from DJL's own blocks, and the one place that maps canonical parameter
 * names to DJL's: a SequentialBlock names each child `<01..><class>` and its parameters `<child>_<weight|bias>`.
 * DJL keeps convolution (OIHW) and dense ([out, in]) weights in PyTorch's layout, which is the canonical one, and
 * flattens NCHW channel-major, as the canonical dense layer after a flatten expects: no transposes.
 */
final class Net {
  final SequentialBlock block;
  /** Canonical name (`conv1.weight`) -> DJL's (`01Conv2d_weight`), in the model's order. */
  final Map<String, String> names = new LinkedHashMap<>();
  final int classes;

  private Net(SequentialBlock block, int classes) {
    this.block = block;
    this.classes = classes;
  }

  static Net build(JsonObject model) throws RunnerError {
    SequentialBlock block = new SequentialBlock();
    List<String> parametric = new ArrayList<>();
    for (JsonElement e : model.getAsJsonArray("layers")) {
      JsonObject layer = e.getAsJsonObject();
      String kind = layer.get("kind").getAsString();
      switch (kind) {
        case "conv2d" -> {
          int k = layer.get("kernel").getAsInt();
          String padding = layer.has("padding") ? layer.get("padding").getAsString() : "valid";
          if (!padding.equals("same") && !padding.equals("valid")) throw RunnerError.notSupported("conv2d padding '" + padding + "'");
          if (padding.equals("same") && k % 2 == 0) throw RunnerError.notSupported("'same' padding with an even kernel (" + k + ") has no symmetric DJL padding");
          int pad = padding.equals("same") ? (k - 1) / 2 : 0;
          int stride = layer.has("stride") ? layer.get("stride").getAsInt() : 1;
          block.add(Conv2d.builder().setKernelShape(new Shape(k, k)).setFilters(layer.get("filters").getAsInt()).optStride(new Shape(stride, stride)).optPadding(new Shape(pad, pad)).optBias(bias(layer)).build());
          parametric.add(layer.get("name").getAsString());
          activation(block, layer);
        }
        case "maxpool2d" -> {
          int s = layer.get("size").getAsInt();
          block.add(Pool.maxPool2dBlock(new Shape(s, s), new Shape(s, s)));
        }
        case "flatten" -> block.add(Blocks.batchFlattenBlock());
        case "dense" -> {
          block.add(Linear.builder().setUnits(layer.get("units").getAsInt()).optBias(bias(layer)).build());
          parametric.add(layer.get("name").getAsString());
          activation(block, layer);
        }
        default -> throw RunnerError.notSupported("the pytorch/java runner builds conv2d, maxpool2d, flatten and dense layers from DJL's blocks; layer kind '" + kind + "' (model " + model.get("id").getAsString() + ") is not built yet");
      }
    }
    Net net = new Net(block, model.get("classes").getAsInt() == 2 && isSigmoid(model) ? 1 : model.get("classes").getAsInt());
    int i = 0;
    for (Pair<String, Block> child : block.getChildren()) {
      if (!(child.getValue() instanceof Conv2d) && !(child.getValue() instanceof Linear)) continue;
      String canonical = parametric.get(i++);
      for (Pair<String, Parameter> p : child.getValue().getParameters()) net.names.put(canonical + "." + p.getKey(), child.getKey() + "_" + p.getKey());
    }
    return net;
  }

  private static boolean isSigmoid(JsonObject model) {
    var layers = model.getAsJsonArray("layers");
    JsonObject last = layers.get(layers.size() - 1).getAsJsonObject();
    return last.has("activation") && last.get("activation").getAsString().equals("sigmoid");
  }

  private static boolean bias(JsonObject layer) {
    return !layer.has("bias") || layer.get("bias").getAsBoolean();
  }

  private static void activation(SequentialBlock block, JsonObject layer) throws RunnerError {
    String a = layer.has("activation") ? layer.get("activation").getAsString() : "linear";
    switch (a) {
      case "linear" -> {}
      case "tanh" -> block.add(Activation::tanh);
      case "relu" -> block.add(Activation::relu);
      default -> throw RunnerError.notSupported("activation '" + a + "' is not built yet in the pytorch/java runner");
    }
  }

  void initialize(NDManager manager, int channels, int height, int width) {
    block.initialize(manager, DataType.FLOAT32, new Shape(1, channels, height, width));
  }

  /** Copies canonical safetensors into the initialised block; every canonical parameter must be there. */
  void load(Path path, NDManager manager) throws RunnerError {
    Map<String, Safetensors.Tensor> tensors = Safetensors.read(path);
    var params = block.getParameters();
    for (Map.Entry<String, String> e : names.entrySet()) {
      Safetensors.Tensor t = tensors.get(e.getKey());
      if (t == null) throw RunnerError.badRequest(path + " has no parameter '" + e.getKey() + "'");
      NDArray target = params.get(e.getValue()).getArray();
      if (!java.util.Arrays.equals(t.shape(), target.getShape().getShape())) throw RunnerError.badRequest(e.getKey() + " in " + path + " is " + java.util.Arrays.toString(t.shape()) + ", the model's is " + target.getShape());
      try (NDArray src = manager.create(t.floats(), target.getShape())) {
        src.copyTo(target);
      }
    }
  }

  /** The block's parameters under their canonical names and layouts. */
  void save(Path path) throws RunnerError {
    Map<String, float[]> values = new LinkedHashMap<>();
    Map<String, long[]> shapes = new LinkedHashMap<>();
    var params = block.getParameters();
    for (Map.Entry<String, String> e : names.entrySet()) {
      NDArray a = params.get(e.getValue()).getArray();
      values.put(e.getKey(), a.toFloatArray());
      shapes.put(e.getKey(), a.getShape().getShape());
    }
    try {
      Safetensors.writeF32(path, values, shapes);
    } catch (java.io.IOException ex) {
      throw RunnerError.failed("cannot write " + path + ": " + ex.getMessage());
    }
  }
}
