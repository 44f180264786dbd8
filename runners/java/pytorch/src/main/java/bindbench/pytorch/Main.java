package bindbench.pytorch;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.RandomSampler;
import ai.djl.training.dataset.Sampler;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
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
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** The pytorch/java runner: PyTorch through DJL (its PyTorch engine on libtorch from Maven Central). */
public final class Main implements Runner.Work {
  public static void main(String[] args) {
    System.exit(Runner.main(args, "java", "pytorch", new Main()));
  }

  @Override
  public Map<String, Object> start(Request request) throws RunnerError {
    if (!request.device.equals("cpu")) throw RunnerError.notSupported("the pytorch/java runner is built on DJL's CPU libtorch (pytorch-native-cpu); CUDA would need pytorch-native-cu128 and a GPU");
    if (request.threads != null) {
      // Read by DJL's PyTorch engine when it starts, so set before anything touches the engine.
      System.setProperty("ai.djl.pytorch.num_threads", request.threads.toString());
      System.setProperty("ai.djl.pytorch.num_interop_threads", request.threads.toString());
    }
    System.setProperty("ai.djl.offline", "true");
    Engine engine = Engine.getEngine("PyTorch");
    engine.setRandomSeed((int) request.seed);
    Map<String, Object> settings = Events.ordered(
        "style", request.style,
        "seed", request.seed,
        "threads_requested", request.threads,
        "cpu_affinity", Runner.cpuAffinity(),
        // DJL exposes no switch for torch.use_deterministic_algorithms.
        "deterministic_switch", "none in DJL",
        "djl_offline", true);
    return Events.ordered(
        "versions", Events.ordered("djl", Engine.getDjlVersion(), "libtorch", engine.getVersion(), "java", System.getProperty("java.version")),
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
      default -> throw RunnerError.notSupported("pytorch/java does not export: it writes canonical safetensors after training, and DJL cannot write TorchScript");
    };
  }

  private static Optimizer optimizer(JsonObject spec) throws RunnerError {
    String name = spec.get("name").getAsString();
    float lr = spec.get("learning_rate").getAsFloat();
    return switch (name) {
      case "sgd" -> Optimizer.sgd().setLearningRateTracker(Tracker.fixed(lr)).build();
      case "adam" -> {
        var b = Optimizer.adam().optLearningRateTracker(Tracker.fixed(lr));
        if (spec.has("beta_1")) b.optBeta1(spec.get("beta_1").getAsFloat());
        if (spec.has("beta_2")) b.optBeta2(spec.get("beta_2").getAsFloat());
        if (spec.has("epsilon")) b.optEpsilon(spec.get("epsilon").getAsFloat());
        yield b.build();
      }
      default -> throw RunnerError.badRequest("optimizer '" + name + "' is not sgd or adam");
    };
  }

  private static double train(Request request, Events events) throws RunnerError {
    boolean idiomatic = request.style.equals("idiomatic");
    JsonObject hyper = request.hyper();
    if (!hyper.get("loss").getAsString().equals("sparse_categorical_crossentropy")) throw RunnerError.notSupported("loss " + hyper.get("loss").getAsString() + ": the pytorch/java runner trains softmax classifiers only so far");
    int epochs = hyper.get("epochs").getAsInt();
    int batchSize = hyper.get("batch_size").getAsInt();
    Net net = Net.build(request.model);
    Data.ImageSplit train = Data.images(request, "train");
    Data.ImageSplit test = Data.images(request, "test");
    int[][] order = request.text("data_order").equals("shared") ? Data.order(request, epochs, train.n()) : null;
    if (request.text("data_order").equals("shared") && order == null) throw RunnerError.badRequest("data_order shared needs an order file");
    int evalBatch = request.inference().get("batch_size").getAsInt();
    events.log("optimizer " + hyper.getAsJsonObject("optimizer") + ", loss sparse_categorical_crossentropy (DJL softmaxCrossEntropyLoss)");
    BatchLosses losses = new BatchLosses();
    try (Model model = Model.newInstance(request.model.get("id").getAsString(), "PyTorch")) {
      model.setBlock(net.block);
      DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(optimizer(hyper.getAsJsonObject("optimizer"))).optDevices(new Device[] {Device.cpu()});
      if (idiomatic) config.addTrainingListeners(losses);
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(1, train.channels(), train.height(), train.width()));
        NDManager manager = trainer.getManager();
        if ("shared".equals(request.text("init"))) {
          JsonObject init = request.file("init_weights");
          if (init == null) throw RunnerError.badRequest("init shared needs init_weights");
          Path path = Path.of(init.get("path").getAsString());
          Data.verify(path, init.get("sha256").getAsString());
          net.load(path, manager);
        }
        NDArray x = manager.create(train.x(), new Shape(train.n(), train.channels(), train.height(), train.width()));
        NDArray y = manager.create(train.y());
        NDArray testX = manager.create(test.x(), new Shape(test.n(), test.channels(), test.height(), test.width()));
        NDArray testY = manager.create(test.y());
        events.log("training " + request.model.get("id").getAsString() + " on " + train.n() + " examples, " + epochs + " epochs, style " + request.style);
        Random native_ = new Random(request.seed);
        // The idiomatic style's data path: DJL's ArrayDataset, its batchifier and a sampler, iterated by EasyTrain.fit.
        EpochOrder epochOrder = new EpochOrder(order);
        RandomAccessDataset dataset = idiomatic
            ? new ArrayDataset.Builder().setData(x).optLabels(y).setSampling(order != null ? new BatchSampler(epochOrder, batchSize, false) : new BatchSampler(new RandomSampler(), batchSize, false)).build()
            : null;
        int steps = 0;
        int record = request.recordStepLosses();
        double trainTotal = 0;
        for (int epoch = 1; epoch <= epochs; epoch++) {
          losses.clear();
          long t0 = System.nanoTime();
          if (idiomatic) {
            epochOrder.epoch = epoch;
            try {
              EasyTrain.fit(trainer, 1, dataset, null);
            } catch (java.io.IOException | ai.djl.translate.TranslateException e) {
              throw RunnerError.failed("EasyTrain.fit failed in epoch " + epoch + ": " + e.getMessage());
            }
          } else {
            int[] perm = order != null ? order[epoch - 1] : Data.shuffled(train.n(), native_);
            for (int start = 0; start < train.n(); start += batchSize) {
              int end = Math.min(start + batchSize, train.n());
              try (NDManager batch = manager.newSubManager()) {
                NDArray idx = batch.create(Arrays.copyOfRange(perm, start, end));
                NDArray xb = x.get(idx);
                NDArray yb = y.get(idx);
                xb.attach(batch);
                yb.attach(batch);
                try (GradientCollector gc = trainer.newGradientCollector()) {
                  NDList logits = trainer.forward(new NDList(xb));
                  NDArray l = trainer.getLoss().evaluate(new NDList(yb), logits);
                  gc.backward(l);
                  losses.add(l.getFloat());
                }
                trainer.step();
              }
            }
          }
          double trainSeconds = (System.nanoTime() - t0) / 1e9;
          trainTotal += trainSeconds;
          for (float loss : losses.values) {
            if (steps < record) events.step(steps, loss);
            steps++;
          }
          double meanLoss = losses.mean();
          if (!Double.isFinite(meanLoss)) throw RunnerError.nanLoss("epoch " + epoch + " loss is " + meanLoss);
          long e0 = System.nanoTime();
          double trainAcc = accuracy(net.block, manager, x, y, evalBatch);
          Double testAcc = request.evaluatesTestAfter(epoch, epochs) ? accuracy(net.block, manager, testX, testY, evalBatch) : null;
          events.epoch(epoch, trainAcc, testAcc, meanLoss, trainSeconds, (System.nanoTime() - e0) / 1e9);
        }
        for (String format : request.artifacts()) {
          if (!format.equals("safetensors")) throw RunnerError.notSupported("pytorch/java writes safetensors only; DJL cannot write " + format);
          Path out = request.outputDir().resolve("model.safetensors").toAbsolutePath();
          net.save(out);
          events.artifact("safetensors", out.toString());
        }
        return trainTotal;
      }
    }
  }

  /** Each optimiser step's loss in one epoch; in the idiomatic style DJL's trainer hands each batch to this listener. */
  private static final class BatchLosses extends TrainingListenerAdapter {
    final List<Float> values = new ArrayList<>();

    void add(float loss) {
      values.add(loss);
    }

    void clear() {
      values.clear();
    }

    double mean() {
      double sum = 0;
      for (float v : values) sum += v;
      return sum / values.size();
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
      for (Device device : batchData.getLabels().keySet()) add(trainer.getLoss().evaluate(batchData.getLabels().get(device), batchData.getPredictions().get(device)).getFloat());
    }
  }

  /** The shared order as a DJL sampler: epoch e's permutation, which BatchSampler cuts into batches (the last partial). */
  private static final class EpochOrder implements Sampler.SubSampler {
    private final int[][] order;
    int epoch = 1;

    EpochOrder(int[][] order) {
      this.order = order;
    }

    @Override
    public Iterator<Long> sample(RandomAccessDataset dataset) {
      return Arrays.stream(order[epoch - 1]).mapToLong(i -> i).boxed().iterator();
    }
  }

  /** Accuracy in inference mode (no dropout, batch norms on their moving statistics), batch by batch. */
  private static double accuracy(Block block, NDManager manager, NDArray x, NDArray y, int batchSize) {
    long n = x.getShape().get(0);
    long correct = 0;
    for (long start = 0; start < n; start += batchSize) {
      long end = Math.min(start + batchSize, n);
      try (NDManager batch = manager.newSubManager()) {
        NDArray xb = x.get(start + ":" + end);
        NDArray yb = y.get(start + ":" + end);
        xb.attach(batch);
        yb.attach(batch);
        NDArray logits = block.forward(new ParameterStore(batch, false), new NDList(xb), false).singletonOrThrow();
        correct += logits.argMax(1).eq(yb).sum().getLong();
      }
    }
    return (double) correct / n;
  }

  /** A loaded model: the spec-built net with canonical weights, or a TorchScript module from pytorch/python. */
  private static void infer(Request request, Events events) throws RunnerError {
    JsonObject weights = request.file("weights");
    if (weights == null) throw RunnerError.badRequest("mode infer needs weights");
    String format = weights.get("format").getAsString();
    Path path = Path.of(weights.get("path").getAsString());
    if (!Files.exists(path)) throw RunnerError.badRequest("weights " + path + " do not exist");
    try (NDManager manager = NDManager.newBaseManager(); Model model = Model.newInstance(request.model.get("id").getAsString(), "PyTorch")) {
      Block block;
      int classes = request.model.get("classes").getAsInt();
      switch (format) {
        case "safetensors" -> {
          Net net = Net.build(request.model);
          var input = request.model.getAsJsonArray("input_shape");
          net.initialize(manager, input.get(2).getAsInt(), input.get(0).getAsInt(), input.get(1).getAsInt());
          net.load(path, manager);
          block = net.block;
          classes = net.classes;
        }
        case "torchscript" -> {
          String file = path.getFileName().toString();
          try {
            model.load(path.getParent(), file.endsWith(".pt") ? file.substring(0, file.length() - 3) : file);
          } catch (Exception e) {
            throw RunnerError.failed("DJL could not load the TorchScript module " + path + ": " + e.getMessage());
          }
          block = model.getBlock();
        }
        default -> throw RunnerError.notSupported("pytorch/java loads safetensors (into DJL blocks) and torchscript (DJL's PtSymbolBlock); it cannot load '" + format + "'");
      }
      Block loaded = block;
      Inference.run(request, new Inference.Backend<List<NDList>, List<NDArray>>() {
        @Override
        public List<NDList> batches(Data.ImageSplit split, int batchSize) {
          List<NDList> out = new ArrayList<>();
          NDArray x = manager.create(split.x(), new Shape(split.n(), split.channels(), split.height(), split.width()));
          NDArray y = manager.create(split.y());
          for (int start = 0; start < split.n(); start += batchSize) {
            int end = Math.min(start + batchSize, split.n());
            out.add(new NDList(x.get(start + ":" + end), y.get(start + ":" + end)));
          }
          return out;
        }

        @Override
        public Inference.Pass<List<NDArray>> pass(List<NDList> batches) {
          long t0 = System.nanoTime();
          int correct = 0;
          List<NDArray> logits = new ArrayList<>();
          for (NDList b : batches) {
            NDArray out = loaded.forward(new ParameterStore(manager, false), new NDList(b.get(0)), false).get(0);
            correct += (int) out.argMax(1).eq(b.get(1)).sum().getLong();
            logits.add(out);
          }
          return new Inference.Pass<>((System.nanoTime() - t0) / 1e9, correct, logits);
        }

        @Override
        public float[] hostLogits(List<NDArray> logits) {
          List<float[]> parts = new ArrayList<>();
          for (NDArray a : logits) {
            parts.add(a.toFloatArray());
            a.close();
          }
          return Inference.concat(parts);
        }
      }, classes, events);
    }
  }
}
