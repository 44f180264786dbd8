package bindbench.pytorch;

import ai.djl.engine.Engine;

/**
 * Run once by `bindbench setup`: starts DJL's PyTorch engine, which unpacks libtorch from the Maven jar into
 * DJL_CACHE_DIR, so no timed cell pays for that. Prints the versions it loaded.
 */
public final class Warm {
  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", "true");
    Engine engine = Engine.getEngine("PyTorch");
    System.out.println("djl " + Engine.getDjlVersion() + ", libtorch " + engine.getVersion());
  }
}
