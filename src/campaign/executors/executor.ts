/**
 * An executor runs one launched process to its end. It knows nothing of bindings or campaigns: it is given a
 * command and where to put its output, and reports how the process ended (a local executor now, a cluster later).
 */
import type { LaunchCommand } from '../../bindings/binding.js';
import type { RunnerEvent } from '../../protocol/events.js';
import type { ProcessEnd } from '../../store/run-result.js';
import type { MemoryPeak } from './memory-sampler.js';

export interface ExecuteOptions {
  launch: LaunchCommand;
  /** File the raw stdout lines are appended to as they arrive (the run's events.jsonl). */
  eventsFile: string;
  stderrFile: string;
  timeoutSeconds: number;
  /** Called for each parsed event as it arrives (progress). */
  onEvent?(event: RunnerEvent): void;
  /** Longest stdout line read (default 64 MiB): a longer one fails the cell instead of the orchestrator. */
  maxLineBytes?: number;
  /** How long output may stay open after the runner exits (default 5 s). */
  outputGraceMs?: number;
  /** CPUs the runner's whole process tree is pinned to; absent or null: wherever the kernel puts it. */
  cpus?: readonly number[] | null;
  /** How often the process tree's memory is sampled (default 250 ms). */
  memorySampleMs?: number;
}

export interface ExecuteOutcome extends ProcessEnd {
  events: RunnerEvent[];
  /** When each of `events` arrived, in seconds from the spawn (where the run's time went is read from these). */
  eventTimes: number[];
  processSeconds: number;
  /** The process tree's peak resident memory; null where it could not be observed. */
  memory: MemoryPeak | null;
}

export interface Executor {
  execute(opts: ExecuteOptions): Promise<ExecuteOutcome>;
}
