package bindbench.tensorflow;

import bindbench.protocol.RunnerError;
import bindbench.protocol.Safetensors;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.framework.initializers.Glorot;
import org.tensorflow.framework.initializers.VarianceScaling;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The zoo's model spec (docs/models.md) as a TensorFlow graph built from raw ops: TensorFlow Java 1.1.0 has no layers,
 * so each layer is the ops Keras's layer runs (conv2d + bias_add, max_pool, reshape, mat_mul + bias_add). It is also
 * the one place that converts canonical layouts to TensorFlow's: conv OIHW -> HWIO, dense [out, in] -> [in, out], and
 * a dense layer after a flatten reorders its inputs from the canonical (C, H, W) flatten to NHWC's (H, W, C).
 */
final class Net {
  private enum Layout { AS_IS, CONV, DENSE }

  /** One canonical parameter held as a variable, with what it needs to be set from a canonical file. */
  private record Param(String name, long[] canonicalShape, long[] shape, Layout layout, int[] flattenedFrom, Variable<TFloat32> variable, Placeholder<TFloat32> value, Op assign) {}

  private interface LayerOp {
    Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x);
  }

  private final Ops tf;
  private final List<Param> params = new ArrayList<>();
  private final List<LayerOp> layers = new ArrayList<>();
  final int classes;
  final long[] inputShape;

  private Net(Ops tf, int classes, long[] inputShape) {
    this.tf = tf;
    this.classes = classes;
    this.inputShape = inputShape;
  }

  static Net build(Ops tf, JsonObject model) throws RunnerError {
    var input = model.getAsJsonArray("input_shape");
    if (input.size() != 3) throw RunnerError.notSupported("the tensorflow/java runner builds image models (H, W, C input); " + model.get("id").getAsString() + " takes " + input);
    long[] shape = {input.get(0).getAsLong(), input.get(1).getAsLong(), input.get(2).getAsLong()};
    Net net = new Net(tf, model.get("classes").getAsInt(), shape.clone());
    int[] flattened = null;
    for (JsonElement e : model.getAsJsonArray("layers")) {
      JsonObject layer = e.getAsJsonObject();
      String kind = layer.get("kind").getAsString();
      switch (kind) {
        case "conv2d" -> {
          String name = layer.get("name").getAsString();
          long k = layer.get("kernel").getAsLong();
          long filters = layer.get("filters").getAsLong();
          String padding = layer.has("padding") ? layer.get("padding").getAsString() : "valid";
          if (!padding.equals("same") && !padding.equals("valid")) throw RunnerError.notSupported("conv2d padding '" + padding + "'");
          long stride = layer.has("stride") ? layer.get("stride").getAsLong() : 1;
          if (stride != 1) throw RunnerError.notSupported("conv2d stride " + stride + " is not built yet in the tensorflow/java runner");
          Variable<TFloat32> w = net.param(name + ".weight", new long[] {filters, shape[2], k, k}, new long[] {k, k, shape[2], filters}, Layout.CONV, null);
          Variable<TFloat32> b = bias(layer) ? net.param(name + ".bias", new long[] {filters}, new long[] {filters}, Layout.AS_IS, null) : null;
          String pad = padding.toUpperCase();
          net.layers.add((t, x) -> {
            Operand<TFloat32> y = t.nn.conv2d(x, w, List.of(1L, 1L, 1L, 1L), pad);
            return b == null ? y : t.nn.biasAdd(y, b);
          });
          shape = padding.equals("same") ? new long[] {shape[0], shape[1], filters} : new long[] {shape[0] - k + 1, shape[1] - k + 1, filters};
          net.activation(layer);
        }
        case "maxpool2d" -> {
          int s = layer.get("size").getAsInt();
          net.layers.add((t, x) -> t.nn.maxPool(x, t.constant(new int[] {1, s, s, 1}), t.constant(new int[] {1, s, s, 1}), "VALID"));
          shape = new long[] {shape[0] / s, shape[1] / s, shape[2]};
        }
        case "flatten" -> {
          flattened = new int[] {(int) shape[0], (int) shape[1], (int) shape[2]};
          long size = shape[0] * shape[1] * shape[2];
          net.layers.add((t, x) -> t.reshape(x, t.constant(new long[] {-1, size})));
          shape = new long[] {size};
        }
        case "dense" -> {
          if (shape.length != 1) throw RunnerError.badRequest("dense layer " + layer.get("name").getAsString() + " needs a flat input (add a flatten)");
          String name = layer.get("name").getAsString();
          long units = layer.get("units").getAsLong();
          Variable<TFloat32> w = net.param(name + ".weight", new long[] {units, shape[0]}, new long[] {shape[0], units}, Layout.DENSE, flattened);
          Variable<TFloat32> b = bias(layer) ? net.param(name + ".bias", new long[] {units}, new long[] {units}, Layout.AS_IS, null) : null;
          net.layers.add((t, x) -> {
            Operand<TFloat32> y = t.linalg.matMul(x, w);
            return b == null ? y : t.nn.biasAdd(y, b);
          });
          flattened = null;
          shape = new long[] {units};
          net.activation(layer);
        }
        default -> throw RunnerError.notSupported("the tensorflow/java runner builds conv2d, maxpool2d, flatten and dense layers from raw TensorFlow ops; layer kind '" + kind + "' (model " + model.get("id").getAsString() + ") is not built yet");
      }
    }
    return net;
  }

  private static boolean bias(JsonObject layer) {
    return !layer.has("bias") || layer.get("bias").getAsBoolean();
  }

  private void activation(JsonObject layer) throws RunnerError {
    String a = layer.has("activation") ? layer.get("activation").getAsString() : "linear";
    switch (a) {
      case "linear" -> {}
      case "tanh" -> layers.add((t, x) -> t.math.tanh(x));
      case "relu" -> layers.add((t, x) -> t.nn.relu(x));
      default -> throw RunnerError.notSupported("activation '" + a + "' is not built yet in the tensorflow/java runner");
    }
  }

  private Variable<TFloat32> param(String name, long[] canonicalShape, long[] shape, Layout layout, int[] flattenedFrom) {
    Variable<TFloat32> v = tf.withName(name.replace('.', '_')).variable(Shape.of(shape), TFloat32.class);
    Placeholder<TFloat32> value = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(shape)));
    params.add(new Param(name, canonicalShape, shape, layout, flattenedFrom, v, value, tf.assign(v, value)));
    return v;
  }

  /** The logits of a batch of NHWC images; every call shares the same variables. */
  Operand<TFloat32> forward(Operand<TFloat32> x) {
    Operand<TFloat32> y = x;
    for (LayerOp layer : layers) y = layer.apply(tf, y);
    return y;
  }

  static final String NATIVE_INIT = "tensorflow-framework Glorot(UNIFORM, seed) for kernels and zeros for biases, as shipped in 1.1.0: it draws from [0, limit) instead of [-limit, limit) and counts a conv kernel's input channels twice in its fans (docs/runners-java.md)";

  /**
   * Ops that set every variable to TensorFlow Java's own initial values: the framework's Glorot-uniform initialiser
   * (what it offers as Keras's default for kernels) and zero biases, seeded. Used as shipped, since that is what a
   * TensorFlow Java user gets: in 1.1.0 it draws only non-negative values and miscounts a conv kernel's fans
   * (NATIVE_INIT), which the shared-init step of the attribution ladder exposes.
   */
  List<Op> nativeInitializers(long seed) {
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < params.size(); i++) {
      Param p = params.get(i);
      Operand<TFloat32> value = p.name.endsWith(".bias")
          ? tf.zeros(tf.constant(p.shape), TFloat32.class)
          : new Glorot<TFloat32>(VarianceScaling.Distribution.UNIFORM, seed + i).call(tf, tf.constant(p.shape), TFloat32.class);
      ops.add(tf.assign(p.variable, value));
    }
    return ops;
  }

  /** Sets every variable from canonical safetensors; every canonical parameter must be there, in its canonical shape. */
  void load(Session session, Path path) throws RunnerError {
    Map<String, Safetensors.Tensor> tensors = Safetensors.read(path);
    var runner = session.runner();
    List<Tensor> fed = new ArrayList<>();
    try {
      for (Param p : params) {
        Safetensors.Tensor t = tensors.get(p.name);
        if (t == null) throw RunnerError.badRequest(path + " has no parameter '" + p.name + "'");
        if (!Arrays.equals(t.shape(), p.canonicalShape)) throw RunnerError.badRequest(p.name + " in " + path + " is " + Arrays.toString(t.shape()) + ", the model's is " + Arrays.toString(p.canonicalShape));
        TFloat32 value = TFloat32.tensorOf(Shape.of(p.shape), DataBuffers.of(toNative(p, t.floats()), true, false));
        fed.add(value);
        runner.feed(p.value, value).addTarget(p.assign);
      }
      runner.run().close();
    } finally {
      fed.forEach(Tensor::close);
    }
  }

  /** The variables under their canonical names and layouts. */
  void save(Session session, Path path) throws RunnerError {
    Map<String, float[]> values = new LinkedHashMap<>();
    Map<String, long[]> shapes = new LinkedHashMap<>();
    var runner = session.runner();
    for (Param p : params) runner.fetch(p.variable);
    try (var result = runner.run()) {
      for (int i = 0; i < params.size(); i++) {
        Param p = params.get(i);
        values.put(p.name, toCanonical(p, floats((TFloat32) result.get(i))));
        shapes.put(p.name, p.canonicalShape);
      }
    }
    try {
      Safetensors.writeF32(path, values, shapes);
    } catch (java.io.IOException ex) {
      throw RunnerError.failed("cannot write " + path + ": " + ex.getMessage());
    }
  }

  /** Canonical flat values -> this parameter's TensorFlow layout. */
  private static float[] toNative(Param p, float[] c) {
    float[] out = new float[c.length];
    for (int i = 0; i < c.length; i++) out[nativeIndex(p, i)] = c[i];
    return out;
  }

  /** This parameter's TensorFlow layout -> canonical flat values (the inverse of toNative). */
  private static float[] toCanonical(Param p, float[] n) {
    float[] out = new float[n.length];
    for (int i = 0; i < n.length; i++) out[i] = n[nativeIndex(p, i)];
    return out;
  }

  /**
   * Where canonical flat index i sits in TensorFlow's layout: conv OIHW [o][in][h][w] -> HWIO [h][w][in][o]; dense
   * [u][i] -> [i'][u], with i' the NHWC position of canonical input i after a flatten (channel-major c·H·W + h·W + w).
   */
  private static int nativeIndex(Param p, int i) {
    long[] s = p.canonicalShape;
    return switch (p.layout) {
      case AS_IS -> i;
      case CONV -> {
        int in = (int) s[1], kh = (int) s[2], kw = (int) s[3];
        int w = i % kw, h = (i / kw) % kh, b = (i / (kw * kh)) % in, a = i / (kw * kh * in);
        yield ((h * kw + w) * in + b) * (int) s[0] + a;
      }
      case DENSE -> {
        int units = (int) s[0], inputs = (int) s[1];
        yield nhwcInput(p, i % inputs) * units + i / inputs;
      }
    };
  }

  /** The NHWC-flattened input index of canonical input i (channel-major c·H·W + h·W + w); i itself without a flatten. */
  private static int nhwcInput(Param p, int i) {
    if (p.flattenedFrom == null) return i;
    int hh = p.flattenedFrom[0], ww = p.flattenedFrom[1], cc = p.flattenedFrom[2];
    int c = i / (hh * ww), h = (i / ww) % hh, w = i % ww;
    return (h * ww + w) * cc + c;
  }

  /** A tensor's values, row-major, copied to the Java heap. */
  static float[] floats(TFloat32 t) {
    float[] out = new float[(int) t.size()];
    t.asRawTensor().data().asFloats().read(out);
    return out;
  }
}
