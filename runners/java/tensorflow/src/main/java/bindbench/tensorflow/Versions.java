package bindbench.tensorflow;

/** TensorFlow Java's own version, read from the jar it was loaded from (its manifest carries none). */
final class Versions {
  private Versions() {}

  static String tensorflowJava() {
    try {
      String jar = java.nio.file.Path.of(org.tensorflow.TensorFlow.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getFileName().toString();
      var m = java.util.regex.Pattern.compile("^tensorflow-core-api-(.+)\\.jar$").matcher(jar);
      return m.matches() ? m.group(1) : null;
    } catch (Exception e) {
      return null;
    }
  }
}
