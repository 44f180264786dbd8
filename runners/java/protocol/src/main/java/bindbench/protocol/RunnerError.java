package bindbench.protocol;

/** A failure the protocol names: the runner writes it as an `error` event and exits 1. */
public final class RunnerError extends Exception {
  public final String kind;

  public RunnerError(String kind, String message) {
    super(message);
    this.kind = kind;
  }

  public static RunnerError badRequest(String message) {
    return new RunnerError("bad_request", message);
  }

  public static RunnerError notSupported(String message) {
    return new RunnerError("not_supported", message);
  }

  public static RunnerError failed(String message) {
    return new RunnerError("failed", message);
  }

  public static RunnerError nanLoss(String message) {
    return new RunnerError("nan_loss", message);
  }
}
