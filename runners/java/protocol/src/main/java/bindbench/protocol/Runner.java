package bindbench.protocol;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A runner's life: read the request named on the command line, say `start` as soon as the framework is loaded,
 * do the mode's work, say `end` and exit 0; any failure is one `error` event and exit 1 (docs/protocol.md).
 */
public final class Runner {
  private Runner() {}

  /** What a framework module does with a request. */
  public interface Work {
    /** The start event's `versions`, `device` and `settings`, once the framework is loaded. */
    Map<String, Object> start(Request request) throws RunnerError;

    /** The mode's work; returns the summed training seconds (0 for infer and export). */
    double run(Request request, Events events) throws RunnerError;
  }

  public static int main(String[] args, String language, String framework, Work work) {
    long t0 = System.nanoTime();
    // Libraries print to stdout at will: the protocol owns stdout, everything else goes to stderr.
    PrintStream protocolOut = System.out;
    System.setOut(System.err);
    Events events = new Events(protocolOut);
    try {
      if (args.length != 1) throw RunnerError.badRequest("usage: <runner> <request.json>");
      Request request = Request.read(Path.of(args[0]));
      Map<String, Object> start = work.start(request);
      Map<String, Object> event = Events.ordered("protocol", Request.PROTOCOL, "binding", request.binding, "language", language, "framework", framework);
      event.putAll(start);
      events.emit("start", event);
      if (request.outputDir() != null) Files.createDirectories(request.outputDir());
      double trainSeconds = work.run(request, events);
      events.end(trainSeconds, (System.nanoTime() - t0) / 1e9);
      return 0;
    } catch (RunnerError e) {
      events.error(e);
      return 1;
    } catch (Exception | Error e) {
      e.printStackTrace(System.err);
      events.error(RunnerError.failed(e.toString()));
      return 1;
    }
  }

  /** The kernel's CPU list for this process (`Cpus_allowed_list`), for the start event; null where unknown. */
  public static String cpuAffinity() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) if (line.startsWith("Cpus_allowed_list:")) return line.substring(line.indexOf(':') + 1).trim();
    } catch (Exception e) {
      // not Linux
    }
    return null;
  }
}
