/**
 * Runs each cell as a child process on this machine. Output is written to the run directory line by line as it
 * arrives, so a crash, a kill or a hang loses nothing that was already said.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { LineSplitter } from './line-splitter.js';
import { parseEventLine, ProtocolError } from '../../protocol/read-events.js';
import type { RunnerEvent } from '../../protocol/events.js';
import type { ExecuteOptions, ExecuteOutcome, Executor } from './executor.js';
import { formatCpuList } from '../../base/cpus.js';
import { DEFAULT_SAMPLE_INTERVAL_MS, memorySamplingAvailable, TreeMemorySampler } from './memory-sampler.js';

const STDERR_TAIL_CHARS = 4000;
/** After SIGTERM on timeout, how long a runner gets to exit before SIGKILL. */
const KILL_GRACE_MS = 3000;
/** After the runner exits, how long a process it left behind may keep its output open before the output is cut. */
const OUTPUT_GRACE_MS = 5000;
/** No protocol line comes near this; a longer one is a runaway runner, and reading it whole would end the orchestrator. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;
/** Node's timers hold at most 2^31 - 1 ms (about 24.8 days); a longer timeout would fire at once. */
export const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/**
 * util-linux's setpriv, where there is one: `--pdeathsig KILL` makes the kernel kill the runner when the orchestrator
 * dies (even by SIGKILL), so a killed campaign leaves no runner training beside the one a resume starts.
 */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => process.platform === 'linux' && existsSync(p));
/** util-linux's taskset pins a process before it runs; its children inherit the affinity, so the whole tree stays pinned. */
const TASKSET = ['/usr/bin/taskset', '/bin/taskset'].find((p) => process.platform === 'linux' && existsSync(p));

/** Whether cells can be pinned to CPUs here, and if not, why. */
export function pinningUnavailable(): string | null {
  return TASKSET ? null : 'pinning cells to CPUs needs util-linux\'s taskset (Linux), which is not on this machine: install util-linux, or run without --parallel/--cores-per-cell';
}

/** The launch as spawned: pinned by taskset when CPUs are given, behind setpriv where it exists (see SETPRIV). */
export function guardedLaunch(command: string, args: readonly string[], cpus?: readonly number[] | null): { command: string; args: string[] } {
  let launch = { command, args: [...args] };
  if (cpus?.length) {
    const why = pinningUnavailable();
    if (why) throw new Error(why);
    launch = { command: TASKSET!, args: ['-c', formatCpuList(cpus), command, ...args] };
  }
  return SETPRIV ? { command: SETPRIV, args: ['--pdeathsig', 'KILL', '--', launch.command, ...launch.args] } : launch;
}

export class LocalExecutor implements Executor {
  async execute(opts: ExecuteOptions): Promise<ExecuteOutcome> {
    const started = process.hrtime.bigint();
    const eventsFd = openSync(opts.eventsFile, 'a');
    const stderrFd = openSync(opts.stderrFile, 'a');
    const events: RunnerEvent[] = [];
    const eventTimes: number[] = [];
    const sinceSpawn = () => Number(process.hrtime.bigint() - started) / 1e9;
    let stderrTail = '';
    let protocolError: string | undefined;
    let timedOut = false;
    let lineNo = 0;

    // A process group of its own, so a timeout kills the runner's children too.
    const launched = guardedLaunch(opts.launch.command, opts.launch.args, opts.cpus);
    const child = spawn(launched.command, launched.args, {
      cwd: opts.launch.cwd,
      env: { ...process.env, ...opts.launch.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });

    const sampler = child.pid && memorySamplingAvailable() ? new TreeMemorySampler(child.pid, opts.memorySampleMs ?? DEFAULT_SAMPLE_INTERVAL_MS).start() : null;

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
    }, Math.min(opts.timeoutSeconds, MAX_TIMEOUT_SECONDS) * 1000);

    const stdoutDone = new Promise<void>((resolve) => {
      const splitter = new LineSplitter(
        opts.maxLineBytes ?? MAX_LINE_BYTES,
        (line) => {
          writeSync(eventsFd, line + '\n');
          lineNo++;
          if (protocolError) return;
          try {
            const event = parseEventLine(line, lineNo);
            if (event) {
              events.push(event);
              eventTimes.push(sinceSpawn());
              sampler?.nudge();
              opts.onEvent?.(event);
            }
          } catch (e) {
            // Keep reading so the raw output is stored in full, but the cell has failed.
            protocolError = e instanceof ProtocolError ? e.message : String(e);
          }
        },
        (bytes) => {
          lineNo++;
          // The line itself is not kept: the events file says what was dropped instead.
          writeSync(eventsFd, `${JSON.stringify({ dropped_line: lineNo, bytes })}\n`);
          protocolError ??= `stdout line ${lineNo} is ${bytes} bytes, over the ${opts.maxLineBytes ?? MAX_LINE_BYTES}-byte limit for one protocol line`;
        },
      );
      child.stdout!.on('data', (chunk: Buffer) => splitter.push(chunk));
      child.stdout!.on('close', () => {
        splitter.end();
        resolve();
      });
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      writeSync(stderrFd, chunk);
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
    });

    // 'exit', not 'close': a process the runner started may hold its stdout open long after the runner is gone.
    const exit = await new Promise<{ code: number | null; signal: string | null; spawnError?: string }>((resolve) => {
      child.on('error', (err) => resolve({ code: null, signal: null, spawnError: err.message }));
      child.on('exit', (code, signal) => resolve({ code, signal }));
    });
    clearTimeout(timer);
    const memory = sampler?.stop() ?? null;
    const drained = await Promise.race([stdoutDone.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), opts.outputGraceMs ?? OUTPUT_GRACE_MS).unref())]);
    if (!drained) {
      child.stdout?.destroy();
      child.stderr?.destroy();
      protocolError ??= `the runner exited, but a process it started still held its output open ${((opts.outputGraceMs ?? OUTPUT_GRACE_MS) / 1000).toFixed(0)} s later; the output was cut there (that process may still be running)`;
    }
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
      eventTimes,
      processSeconds: Number(process.hrtime.bigint() - started) / 1e9,
      memory,
    };
  }
}
