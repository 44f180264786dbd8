package bindbench.tensorflow;

import bindbench.protocol.Data;
import bindbench.protocol.Events;
import bindbench.protocol.Inference;
import bindbench.protocol.Request;
import bindbench.protocol.Runner;
import bindbench.protocol.RunnerError;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.TensorFlow;
import org.tensorflow.framework.optimizers.Adam;
import org.tensorflow.framework.optimizers.GradientDescent;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The tensorflow/java runner: TensorFlow Java 1.1.0 (libtensorflow from Maven Central through JavaCPP), in graph mode.
 * It trains with raw ops, the framework's gradients and the tensorflow-framework optimizers, and loads canonical
 * weights and tensorflow/python's SavedModel.
 */
public final class Main implements Runner.Work {
  public static void main(String[] args) {
    System.exit(Runner.main(args, "java", "tensorflow", new Main()));
  }

  private ConfigProto config = ConfigProto.getDefaultInstance();

  @Override
  public Map<String, Object> start(Request request) throws RunnerError {
    if (!request.device.equals("cpu")) throw RunnerError.notSupported("the tensorflow/java runner is built on TensorFlow Java's CPU library (tensorflow-core-native linux-x86_64); CUDA would need the linux-x86_64-gpu build and a GPU");
    if (request.threads != null) config = ConfigProto.newBuilder().setIntraOpParallelismThreads(request.threads).setInterOpParallelismThreads(request.threads).build();
    String tensorflow = TensorFlow.version();
    Map<String, Object> settings = Events.ordered(
        "style", request.style,
        "seed", request.seed,
        "threads_requested", request.threads,
        "cpu_affinity", Runner.cpuAffinity(),
        "intra_op_threads", config.getIntraOpParallelismThreads(),
        "inter_op_threads", config.getInterOpParallelismThreads(),
        // TensorFlow Java has no enable_op_determinism; TensorFlow's CPU kernels for these layers are deterministic.
        "deterministic_switch", "none in TensorFlow Java",
        "native_init", Net.NATIVE_INIT);
    return Events.ordered(
        "versions", Events.ordered("tensorflow_java", Versions.tensorflowJava(), "libtensorflow", tensorflow, "java", System.getProperty("java.version")),
        "device", Events.ordered("kind", "cpu", "name", System.getProperty("os.arch")),
        "settings", settings);
  }

  @Override
  public double run(Request request, Events events) throws RunnerError {
    return switch (request.mode) {
      case "train" -> train(request, events);
      case "infer" -> {
        infer(request, events);
        yield 0;
      }
      default -> throw RunnerError.notSupported("tensorflow/java does not export: it writes canonical safetensors after training");
    };
  }

  private static Optimizer optimizer(Graph graph, JsonObject spec) throws RunnerError {
    String name = spec.get("name").getAsString();
    float lr = spec.get("learning_rate").getAsFloat();
    return switch (name) {
      case "sgd" -> new GradientDescent(graph, lr);
      case "adam" -> new Adam(graph, lr,
          spec.has("beta_1") ? spec.get("beta_1").getAsFloat() : Adam.BETA_ONE_DEFAULT,
          spec.has("beta_2") ? spec.get("beta_2").getAsFloat() : Adam.BETA_TWO_DEFAULT,
          spec.has("epsilon") ? spec.get("epsilon").getAsFloat() : Adam.EPSILON_DEFAULT);
      default -> throw RunnerError.badRequest("optimizer '" + name + "' is not sgd or adam");
    };
  }

  /** A split held in the graph as constants, so a batch is a gather of indices, as in every runner's minimal loop. */
  private record GraphSplit(Operand<TFloat32> x, Operand<TInt64> y, int n) {
    static GraphSplit of(Ops tf, Data.ImageSplit s) {
      return new GraphSplit(
          tf.constant(Shape.of(s.n(), s.height(), s.width(), s.channels()), DataBuffers.of(s.x(), true, false)),
          tf.constant(Shape.of(s.n()), DataBuffers.of(s.y(), true, false)),
          s.n());
    }
  }

  /** The count of correct predictions of a batch of indices into a split: argmax in the graph, one scalar out. */
  private record Counter(Placeholder<TInt32> indices, Operand<TInt64> correct, int n) {
    static Counter of(Ops tf, Net net, GraphSplit split) {
      Placeholder<TInt32> idx = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
      Operand<TFloat32> logits = net.forward(tf.gather(split.x, idx, tf.constant(0)));
      Operand<TInt64> predicted = tf.math.argMax(logits, tf.constant(1));
      Operand<TInt64> hits = tf.dtypes.cast(tf.math.equal(predicted, tf.gather(split.y, idx, tf.constant(0))), TInt64.class);
      return new Counter(idx, tf.sum(hits, tf.constant(0)), split.n);
    }

    double accuracy(Session session, int batchSize) {
      long correct = 0;
      for (int start = 0; start < n; start += batchSize) {
        int end = Math.min(start + batchSize, n);
        int[] range = new int[end - start];
        for (int i = 0; i < range.length; i++) range[i] = start + i;
        try (TInt32 feed = TInt32.vectorOf(range); Result r = session.runner().feed(indices, feed).fetch(this.correct).run()) {
          correct += ((TInt64) r.get(0)).getLong();
        }
      }
      return (double) correct / n;
    }
  }

  private double train(Request request, Events events) throws RunnerError {
    if (!request.style.equals("minimal"))
      throw RunnerError.notSupported("style '" + request.style + "': TensorFlow Java 1.1.0 has no training API of its own (tensorflow-framework ships optimizers, losses and initialisers, but no layers, Model or fit), so its only training code is the graph loop of the minimal style");
    JsonObject hyper = request.hyper();
    if (!hyper.get("loss").getAsString().equals("sparse_categorical_crossentropy")) throw RunnerError.notSupported("loss " + hyper.get("loss").getAsString() + ": the tensorflow/java runner trains softmax classifiers only so far");
    int epochs = hyper.get("epochs").getAsInt();
    int batchSize = hyper.get("batch_size").getAsInt();
    Data.ImageSplit train = Data.images(request, "train", true);
    Data.ImageSplit test = Data.images(request, "test", true);
    boolean shared = request.text("data_order").equals("shared");
    int[][] order = shared ? Data.order(request, epochs, train.n()) : null;
    if (shared && order == null) throw RunnerError.badRequest("data_order shared needs an order file");
    int evalBatch = request.inference().get("batch_size").getAsInt();
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Net net = Net.build(tf, request.model);
      GraphSplit trainSplit = GraphSplit.of(tf, train);
      GraphSplit testSplit = GraphSplit.of(tf, test);
      Placeholder<TInt32> batch = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
      Operand<TFloat32> logits = net.forward(tf.gather(trainSplit.x, batch, tf.constant(0)));
      Operand<TInt64> labels = tf.gather(trainSplit.y, batch, tf.constant(0));
      // The dense fused op on one-hot labels: TensorFlow's C++ gradient registry, which Optimizer.minimize builds on,
      // has no gradient for the sparse one (nor has tensorflow-framework's SparseCategoricalCrossentropy, which uses it).
      Operand<TFloat32> oneHot = tf.oneHot(labels, tf.constant(net.classes), tf.constant(1f), tf.constant(0f));
      Operand<TFloat32> loss = tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(logits, oneHot).loss(), tf.constant(0));
      Op step = optimizer(graph, hyper.getAsJsonObject("optimizer")).minimize(loss);
      Counter trainCount = Counter.of(tf, net, trainSplit);
      Counter testCount = Counter.of(tf, net, testSplit);
      List<Op> nativeInit = net.nativeInitializers(request.seed);
      events.log("optimizer " + hyper.getAsJsonObject("optimizer") + ", loss sparse_categorical_crossentropy (tf.nn.softmaxCrossEntropyWithLogits on one-hot labels, mean over the batch)");
      try (Session session = new Session(graph, config)) {
        if ("shared".equals(request.text("init"))) {
          JsonObject init = request.file("init_weights");
          if (init == null) throw RunnerError.badRequest("init shared needs init_weights");
          Path path = Path.of(init.get("path").getAsString());
          Data.verify(path, init.get("sha256").getAsString());
          net.load(session, path);
        } else {
          var runner = session.runner();
          nativeInit.forEach(runner::addTarget);
          runner.run().close();
        }
        events.log("training " + request.model.get("id").getAsString() + " on " + train.n() + " examples, " + epochs + " epochs, style minimal");
        int steps = 0;
        int record = request.recordStepLosses();
        Random native_ = new Random(request.seed);
        double trainTotal = 0;
        for (int epoch = 1; epoch <= epochs; epoch++) {
          int[] perm = order != null ? order[epoch - 1] : Data.shuffled(train.n(), native_);
          double lossSum = 0;
          int batches = 0;
          long t0 = System.nanoTime();
          for (int start = 0; start < train.n(); start += batchSize) {
            int end = Math.min(start + batchSize, train.n());
            float value;
            try (TInt32 idx = TInt32.vectorOf(Arrays.copyOfRange(perm, start, end)); Result r = session.runner().feed(batch, idx).addTarget(step).fetch(loss).run()) {
              value = ((TFloat32) r.get(0)).getFloat();
            }
            if (steps < record) events.step(steps, value);
            steps++;
            lossSum += value;
            batches++;
          }
          double trainSeconds = (System.nanoTime() - t0) / 1e9;
          trainTotal += trainSeconds;
          double meanLoss = lossSum / batches;
          if (!Double.isFinite(meanLoss)) throw RunnerError.nanLoss("epoch " + epoch + " loss is " + meanLoss);
          long e0 = System.nanoTime();
          double trainAcc = trainCount.accuracy(session, evalBatch);
          Double testAcc = request.evaluatesTestAfter(epoch, epochs) ? testCount.accuracy(session, evalBatch) : null;
          events.epoch(epoch, trainAcc, testAcc, meanLoss, trainSeconds, (System.nanoTime() - e0) / 1e9);
        }
        for (String format : request.artifacts()) {
          if (!format.equals("safetensors")) throw RunnerError.notSupported("tensorflow/java writes safetensors only after training; " + format + " is not written");
          Path out = request.outputDir().resolve("model.safetensors").toAbsolutePath();
          net.save(session, out);
          events.artifact("safetensors", out.toString());
        }
        return trainTotal;
      }
    }
  }

  /** One loaded model: a function from a batch of NHWC images to its logits. */
  private interface Model extends AutoCloseable {
    /** Row-major [n, classes], read to the host before the run's tensors are freed. */
    float[] logits(TFloat32 x);

    @Override
    void close();
  }

  private Model load(Request request, String format, Path path) throws RunnerError {
    switch (format) {
      case "safetensors" -> {
        Graph graph = new Graph();
        Ops tf = Ops.create(graph);
        Net net = Net.build(tf, request.model);
        Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, net.inputShape[0], net.inputShape[1], net.inputShape[2])));
        Operand<TFloat32> logits = net.forward(x);
        Session session = new Session(graph, config);
        try {
          net.load(session, path);
        } catch (RunnerError e) {
          session.close();
          graph.close();
          throw e;
        }
        return new Model() {
          public float[] logits(TFloat32 batch) {
            try (Result r = session.runner().feed(x, batch).fetch(logits).run()) {
              return Net.floats((TFloat32) r.get(0));
            }
          }

          public void close() {
            session.close();
            graph.close();
          }
        };
      }
      case "savedmodel" -> {
        SavedModelBundle bundle;
        try {
          bundle = SavedModelBundle.loader(path.toString()).withTags(SavedModelBundle.DEFAULT_TAG).withConfigProto(config).load();
        } catch (Exception e) {
          throw RunnerError.failed("TensorFlow Java could not load the SavedModel " + path + ": " + e.getMessage());
        }
        List<String> keys = bundle.signatures().stream().map(Signature::key).toList();
        if (!keys.contains("serve")) {
          bundle.close();
          throw RunnerError.badRequest("SavedModel " + path + " has no `serve` signature (it has " + keys + ")");
        }
        SessionFunction serve = bundle.function("serve");
        return new Model() {
          public float[] logits(TFloat32 batch) {
            try (Result r = serve.call(Map.of("x", batch))) {
              return Net.floats((TFloat32) r.get("logits").orElseThrow());
            }
          }

          public void close() {
            bundle.close();
          }
        };
      }
      default -> throw RunnerError.notSupported("tensorflow/java loads safetensors (into its raw-op graph) and savedmodel (SavedModelBundle); it cannot load '" + format + "'");
    }
  }

  private void infer(Request request, Events events) throws RunnerError {
    JsonObject weights = request.file("weights");
    if (weights == null) throw RunnerError.badRequest("mode infer needs weights");
    String format = weights.get("format").getAsString();
    Path path = Path.of(weights.get("path").getAsString());
    if (!Files.exists(path)) throw RunnerError.badRequest("weights " + path + " do not exist");
    record Batch(TFloat32 x, long[] y) {}
    List<Batch> all = new ArrayList<>();
    try (Model model = load(request, format, path)) {
      Inference.run(request, new Inference.Backend<List<Batch>, List<float[]>>() {
        @Override
        public boolean channelsLast() {
          return true;
        }

        @Override
        public List<Batch> batches(Data.ImageSplit s, int batchSize) {
          List<Batch> out = new ArrayList<>();
          int row = s.height() * s.width() * s.channels();
          for (int start = 0; start < s.n(); start += batchSize) {
            int end = Math.min(start + batchSize, s.n());
            float[] x = Arrays.copyOfRange(s.x(), start * row, end * row);
            Batch b = new Batch(TFloat32.tensorOf(Shape.of(end - start, s.height(), s.width(), s.channels()), DataBuffers.of(x, true, false)), Arrays.copyOfRange(s.y(), start, end));
            out.add(b);
            all.add(b);
          }
          return out;
        }

        @Override
        public Inference.Pass<List<float[]>> pass(List<Batch> batches) {
          long t0 = System.nanoTime();
          int correct = 0;
          List<float[]> logits = new ArrayList<>();
          for (Batch b : batches) {
            float[] out = model.logits(b.x);
            int classes = out.length / b.y.length;
            for (int i = 0; i < b.y.length; i++) {
              int best = 0;
              for (int c = 1; c < classes; c++) if (out[i * classes + c] > out[i * classes + best]) best = c;
              if (best == b.y[i]) correct++;
            }
            logits.add(out);
          }
          return new Inference.Pass<>((System.nanoTime() - t0) / 1e9, correct, logits);
        }

        @Override
        public float[] hostLogits(List<float[]> logits) {
          return Inference.concat(logits);
        }
      }, request.model.get("classes").getAsInt(), events);
    } finally {
      all.forEach(b -> b.x.close());
    }
  }
}
