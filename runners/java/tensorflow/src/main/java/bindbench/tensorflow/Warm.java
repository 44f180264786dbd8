package bindbench.tensorflow;

/**
 * Run once by `bindbench setup`: loading TensorFlow makes JavaCPP unpack libtensorflow from the Maven jar into its
 * cache directory (org.bytedeco.javacpp.cachedir), so no timed cell pays for that. Prints the versions it loaded.
 */
public final class Warm {
  public static void main(String[] args) {
    System.out.println("tensorflow-java " + Versions.tensorflowJava() + ", libtensorflow " + org.tensorflow.TensorFlow.version());
  }
}
