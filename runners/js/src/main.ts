/**
 * Entry point of the JavaScript runner: `node runners/js/dist/main.js <request.json>`.
 * Serves `tensorflow/js` (tfjs-node), `tensorflow/js-wasm` (tfjs-backend-wasm) and `onnxruntime/js`
 * (onnxruntime-node), dispatching on request.binding; the ONNX binding never loads TensorFlow.js.
 * Events go to stdout as JSON lines; everything else, including what the libraries print, goes to stderr.
 */
import { checkWritable } from './artifacts.js';
import { deviceName, loadBackend, type Backend } from './backend.js';
import { exportModel, infer } from './infer.js';
import { loadOnnxRuntime, ONNX_BINDING, serveOnnx } from './onnx-backend.js';
import { emit, PROTOCOL_VERSION, readRequest, RunnerError, type ErrorKind, type RunnerRequest } from './protocol.js';
import { train } from './train.js';
import { readFileSync } from 'node:fs';

const started = process.hrtime.bigint();

// tfjs prints notices with console.log/warn; stdout belongs to the protocol.
console.log = console.error;
console.info = console.error;

/** A kernel the backend lacks is the binding's limitation, reported in its own words; the rest are failures. */
function classify(err: unknown): { kind: ErrorKind; message: string } {
  if (err instanceof RunnerError) return { kind: err.kind, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  if (/Kernel '[^']+' not registered for backend/.test(message)) return { kind: 'not_supported', message };
  return { kind: 'failed', message };
}

function cudaRefusal(binding: string): string {
  return binding === 'tensorflow/js'
    ? 'tfjs-node here is the CPU build of libtensorflow; CUDA needs @tensorflow/tfjs-node-gpu built against a CUDA libtensorflow'
    : 'tfjs-backend-wasm runs WebAssembly on the CPU only';
}

async function runTfjs(req: RunnerRequest, backend: Backend): Promise<number> {
  if (req.device === 'cuda') throw new RunnerError('not_supported', cudaRefusal(req.binding));
  checkWritable(req.artifacts, req.binding);
  switch (req.mode) {
    case 'train':
      return train(backend, req);
    case 'infer':
      await infer(backend, req);
      return 0;
    case 'export':
      await exportModel(backend, req);
      return 0;
  }
}

/** What `start` reports and how the request is then served, for the library the binding names. */
interface Runtime {
  framework: string;
  versions: Record<string, string>;
  settings: Record<string, string | number | boolean | null>;
  /** Serves the request; returns the summed training seconds. */
  run(req: RunnerRequest): Promise<number>;
}

async function openRuntime(binding: string): Promise<Runtime> {
  if (binding === ONNX_BINDING) {
    const rt = await loadOnnxRuntime();
    return {
      framework: 'onnx',
      versions: rt.versions,
      settings: rt.settings,
      async run(req) {
        await serveOnnx(rt, req);
        return 0;
      },
    };
  }
  const backend = await loadBackend(binding);
  return { framework: 'tensorflow', versions: backend.versions, settings: backend.settings, run: (req) => runTfjs(req, backend) };
}

function loadHint(binding: string): string {
  if (binding === 'tensorflow/js') return ' (the tfjs-node addon is built by `bindbench setup --bindings tensorflow/js`)';
  if (binding === ONNX_BINDING) return ` (onnxruntime-node is installed by \`bindbench setup --bindings ${ONNX_BINDING}\`)`;
  return '';
}

/** The CPUs this process may run on, as the kernel lists them (`0-3`); null where it does not say. */
function cpuAffinity(): string | null {
  try {
    return /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? null;
  } catch {
    return null;
  }
}

/**
 * The request's thread count for the libraries without a switch of their own: libtensorflow under tfjs-node reads
 * these when it creates its pools, so they are set before the backend loads (the orchestrator sets them too).
 */
function threadSettings(req: RunnerRequest): Record<string, string | number | null> {
  if (req.threads) {
    process.env.TF_NUM_INTRAOP_THREADS = String(req.threads);
    process.env.TF_NUM_INTEROP_THREADS = String(req.threads);
    process.env.OMP_NUM_THREADS = String(req.threads);
  }
  return { threads_requested: req.threads ?? null, TF_NUM_INTRAOP_THREADS: process.env.TF_NUM_INTRAOP_THREADS ?? null, cpu_affinity: cpuAffinity() };
}

async function main(): Promise<number> {
  try {
    const req = readRequest(process.argv[2]);
    if (req.threads !== undefined && req.threads !== null && !(Number.isInteger(req.threads) && req.threads >= 1)) {
      throw new RunnerError('bad_request', `request field threads must be a whole number of at least 1 or null, got ${JSON.stringify(req.threads)}`);
    }
    const threads = threadSettings(req);
    let runtime: Runtime;
    try {
      runtime = await openRuntime(req.binding);
    } catch (err) {
      if (err instanceof RunnerError) throw err;
      throw new RunnerError('failed', `loading ${req.binding} failed: ${(err as Error).message}${loadHint(req.binding)}`);
    }
    emit({
      type: 'start',
      protocol: PROTOCOL_VERSION,
      binding: req.binding,
      language: 'javascript',
      framework: runtime.framework,
      versions: runtime.versions,
      device: { kind: 'cpu', name: deviceName() },
      // The request's training style (protocol 2), so each run's manifest records it whatever the mode.
      settings: { ...runtime.settings, ...threads, style: req.style },
    });
    const trainSeconds = await runtime.run(req);
    emit({ type: 'end', train_seconds: trainSeconds, wall_seconds: Number(process.hrtime.bigint() - started) / 1e9 });
    return 0;
  } catch (err) {
    const { kind, message } = classify(err);
    if (kind === 'failed' && err instanceof Error && err.stack) console.error(err.stack);
    emit({ type: 'error', kind, message });
    return 1;
  }
}

process.exit(await main());
