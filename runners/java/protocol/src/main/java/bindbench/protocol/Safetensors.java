package bindbench.protocol;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/** The safetensors format (an 8-byte header length, a JSON header, raw little-endian data): read and write. */
public final class Safetensors {
  private Safetensors() {}

  /** One tensor: its dtype (`F32`, `U8`, `I32`, `I64`), shape and bytes (little-endian). */
  public record Tensor(String dtype, long[] shape, ByteBuffer data) {
    public long elements() {
      long n = 1;
      for (long d : shape) n *= d;
      return n;
    }

    public float[] floats() throws RunnerError {
      require("F32");
      float[] out = new float[(int) elements()];
      data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
      return out;
    }

    public int[] ints() throws RunnerError {
      require("I32");
      int[] out = new int[(int) elements()];
      data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out);
      return out;
    }

    public long[] longs() throws RunnerError {
      require("I64");
      long[] out = new long[(int) elements()];
      data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
      return out;
    }

    private void require(String want) throws RunnerError {
      if (!dtype.equals(want)) throw RunnerError.badRequest("tensor is " + dtype + ", expected " + want);
    }
  }

  public static Map<String, Tensor> read(Path path) throws RunnerError {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      ByteBuffer all = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
      long headerLength = all.getLong(0);
      if (headerLength < 2 || 8 + headerLength > all.limit()) throw RunnerError.badRequest(path + " is not a safetensors file (header length " + headerLength + ")");
      byte[] header = new byte[(int) headerLength];
      all.get(8, header);
      JsonObject json = JsonParser.parseString(new String(header, StandardCharsets.UTF_8)).getAsJsonObject();
      int base = 8 + (int) headerLength;
      Map<String, Tensor> out = new LinkedHashMap<>();
      for (Map.Entry<String, JsonElement> e : json.entrySet()) {
        if (e.getKey().equals("__metadata__")) continue;
        JsonObject t = e.getValue().getAsJsonObject();
        JsonArray shape = t.getAsJsonArray("shape");
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) dims[i] = shape.get(i).getAsLong();
        JsonArray offsets = t.getAsJsonArray("data_offsets");
        int start = base + offsets.get(0).getAsInt();
        int end = base + offsets.get(1).getAsInt();
        out.put(e.getKey(), new Tensor(t.get("dtype").getAsString(), dims, all.slice(start, end - start).order(ByteOrder.LITTLE_ENDIAN)));
      }
      return out;
    } catch (IOException e) {
      throw RunnerError.badRequest("cannot read " + path + ": " + e.getMessage());
    } catch (RuntimeException e) {
      throw RunnerError.badRequest(path + " is not a valid safetensors file: " + e.getMessage());
    }
  }

  /** Writes float32 tensors, in the order given, atomically (a temp file renamed into place). */
  public static void writeF32(Path path, Map<String, float[]> tensors, Map<String, long[]> shapes) throws IOException {
    JsonObject header = new JsonObject();
    long offset = 0;
    for (Map.Entry<String, float[]> e : tensors.entrySet()) {
      JsonObject t = new JsonObject();
      t.addProperty("dtype", "F32");
      JsonArray shape = new JsonArray();
      for (long d : shapes.get(e.getKey())) shape.add(d);
      t.add("shape", shape);
      JsonArray offsets = new JsonArray();
      offsets.add(offset);
      offset += 4L * e.getValue().length;
      offsets.add(offset);
      t.add("data_offsets", offsets);
      header.add(e.getKey(), t);
    }
    byte[] headerBytes = new Gson().toJson(header).getBytes(StandardCharsets.UTF_8);
    int pad = (8 - headerBytes.length % 8) % 8;
    ByteBuffer buf = ByteBuffer.allocate((int) (8 + headerBytes.length + pad + offset)).order(ByteOrder.LITTLE_ENDIAN);
    buf.putLong(headerBytes.length + pad);
    buf.put(headerBytes);
    for (int i = 0; i < pad; i++) buf.put((byte) ' ');
    for (float[] values : tensors.values()) for (float v : values) buf.putFloat(v);
    Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
    Files.write(tmp, buf.array());
    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
