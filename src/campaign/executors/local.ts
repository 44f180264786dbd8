/**
 * Runs each cell as a child process on this machine. Output is written to the run directory line by line as it
 * arrives, so a crash, a kill or a hang loses nothing that was already said.
 */
import { spawn } from 'node:child_process';
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseEventLine, ProtocolError } from '../../protocol/read-events.js';
import type { RunnerEvent } from '../../protocol/events.js';
import type { ExecuteOptions, ExecuteOutcome, Executor } from './executor.js';

const STDERR_TAIL_CHARS = 4000;
/** After SIGTERM on timeout, how long a runner gets to exit before SIGKILL. */
const KILL_GRACE_MS = 3000;

export class LocalExecutor implements Executor {
  async execute(opts: ExecuteOptions): Promise<ExecuteOutcome> {
    const started = process.hrtime.bigint();
    const eventsFd = openSync(opts.eventsFile, 'a');
    const stderrFd = openSync(opts.stderrFile, 'a');
    const events: RunnerEvent[] = [];
    let stderrTail = '';
    let protocolError: string | undefined;
    let timedOut = false;
    let lineNo = 0;

    // A process group of its own, so a timeout kills the runner's children too.
    const child = spawn(opts.launch.command, opts.launch.args, {
      cwd: opts.launch.cwd,
      env: { ...process.env, ...opts.launch.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });

    const killGroup = (signal: NodeJS.Signals): void => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    };

    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS).unref();
    }, opts.timeoutSeconds * 1000);

    const stdoutDone = new Promise<void>((resolve) => {
      const rl = createInterface({ input: child.stdout! });
      rl.on('line', (line) => {
        writeSync(eventsFd, line + '\n');
        lineNo++;
        if (protocolError) return;
        try {
          const event = parseEventLine(line, lineNo);
          if (event) {
            events.push(event);
            opts.onEvent?.(event);
          }
        } catch (e) {
          // Keep reading so the raw output is stored in full, but the cell has failed.
          protocolError = e instanceof ProtocolError ? e.message : String(e);
        }
      });
      rl.on('close', resolve);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      writeSync(stderrFd, chunk);
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
    });

    const exit = await new Promise<{ code: number | null; signal: string | null; spawnError?: string }>((resolve) => {
      child.on('error', (err) => resolve({ code: null, signal: null, spawnError: err.message }));
      child.on('close', (code, signal) => resolve({ code, signal }));
    });
    clearTimeout(timer);
    await stdoutDone;
    fsyncSync(eventsFd);
    closeSync(eventsFd);
    closeSync(stderrFd);
    return {
      exitCode: exit.code,
      signal: exit.signal,
      timedOut,
      protocolError,
      spawnError: exit.spawnError,
      stderrTail,
      events,
      processSeconds: Number(process.hrtime.bigint() - started) / 1e9,
    };
  }
}
