package bindbench.protocol;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/** The canonical data cache as the runners read it (docs/data.md): checked against its sha256, then decoded once. */
public final class Data {
  private Data() {}

  /** Images as float32 x/255 in NCHW (PyTorch's layout) or NHWC (TensorFlow's), labels as class indices. */
  public record ImageSplit(float[] x, long[] y, int n, int channels, int height, int width) {}

  public static ImageSplit images(Request request, String split) throws RunnerError {
    return images(request, split, false);
  }

  public static ImageSplit images(Request request, String split, boolean channelsLast) throws RunnerError {
    JsonObject file = request.file("data", split);
    if (file == null) throw RunnerError.badRequest("the request names no " + split + " data");
    Path path = Path.of(file.get("path").getAsString());
    verify(path, file.get("sha256").getAsString());
    Map<String, Safetensors.Tensor> t = Safetensors.read(path);
    Safetensors.Tensor x = t.get("x");
    Safetensors.Tensor y = t.get("y");
    if (x == null || y == null) throw RunnerError.badRequest(path + " has no x and y");
    if (!x.dtype().equals("U8") || x.shape().length != 4) throw RunnerError.notSupported("the Java runner reads image data (U8 [N, H, W, C]); " + path + " holds " + x.dtype() + " " + java.util.Arrays.toString(x.shape()));
    int all = (int) x.shape()[0];
    Integer limit = request.limit(split.equals("train") ? "train_limit" : "test_limit");
    int n = limit == null ? all : Math.min(limit, all);
    int h = (int) x.shape()[1], w = (int) x.shape()[2], c = (int) x.shape()[3];
    float[] out = new float[n * c * h * w];
    var bytes = x.data().duplicate();
    // NHWC bytes -> NCHW floats: the one place the layout changes.
    if (channelsLast) for (int i = 0; i < out.length; i++) out[i] = (bytes.get(i) & 0xff) / 255f;
    else for (int i = 0; i < n; i++)
      for (int yy = 0; yy < h; yy++)
        for (int xx = 0; xx < w; xx++)
          for (int ch = 0; ch < c; ch++) {
            int src = ((i * h + yy) * w + xx) * c + ch;
            out[((i * c + ch) * h + yy) * w + xx] = (bytes.get(src) & 0xff) / 255f;
          }
    long[] labels = y.longs();
    long[] kept = java.util.Arrays.copyOf(labels, n);
    return new ImageSplit(out, kept, n, c, h, w);
  }

  /** Data order `native` in a Java runner: a Fisher-Yates shuffle of 0..n-1 with the runner's seeded generator. */
  public static int[] shuffled(int n, java.util.Random random) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) p[i] = i;
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** The shared order: row e-1 is epoch e's permutation of 0..n-1. */
  public static int[][] order(Request request, int epochs, int n) throws RunnerError {
    JsonObject file = request.file("order");
    if (file == null) return null;
    Path path = Path.of(file.get("path").getAsString());
    verify(path, file.get("sha256").getAsString());
    Safetensors.Tensor t = Safetensors.read(path).get("order");
    if (t == null || t.shape().length != 2 || t.shape()[0] < epochs || t.shape()[1] != n) throw RunnerError.badRequest("order file " + path + " is not [" + epochs + ", " + n + "]");
    int[] flat = t.ints();
    int[][] rows = new int[epochs][];
    for (int e = 0; e < epochs; e++) rows[e] = java.util.Arrays.copyOfRange(flat, e * n, (e + 1) * n);
    return rows;
  }

  public static void verify(Path path, String sha256) throws RunnerError {
    try (InputStream in = Files.newInputStream(path)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 20];
      for (int r; (r = in.read(buf)) > 0; ) md.update(buf, 0, r);
      String got = HexFormat.of().formatHex(md.digest());
      if (!got.equals(sha256)) throw RunnerError.badRequest(path + " has sha256 " + got + ", the request says " + sha256 + ": run `bindbench data prepare --force`");
    } catch (IOException e) {
      throw RunnerError.badRequest("cannot read " + path + ": " + e.getMessage());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** sha256 of float32 little-endian logits, as every runner computes it. */
  public static String logitsSha256(float[] logits) {
    var buf = java.nio.ByteBuffer.allocate(4 * logits.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (float v : logits) buf.putFloat(v);
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(buf.array()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
