/**
 * Entry point of the TensorFlow.js runner: `node runners/js/dist/main.js <request.json>`.
 * Serves `tensorflow/js` (tfjs-node) and `tensorflow/js-wasm` (tfjs-backend-wasm), dispatching on request.binding.
 * Events go to stdout as JSON lines; everything else, including what the libraries print, goes to stderr.
 */
import { checkWritable } from './artifacts.js';
import { deviceName, loadBackend, type Backend } from './backend.js';
import { exportModel, infer } from './infer.js';
import { emit, PROTOCOL_VERSION, readRequest, RunnerError, type ErrorKind, type RunnerRequest } from './protocol.js';
import { train } from './train.js';

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

async function run(req: RunnerRequest, backend: Backend): Promise<number> {
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

async function main(): Promise<number> {
  try {
    const req = readRequest(process.argv[2]);
    let backend: Backend;
    try {
      backend = await loadBackend(req.binding);
    } catch (err) {
      if (err instanceof RunnerError) throw err;
      const hint = req.binding === 'tensorflow/js' ? ' (the tfjs-node addon is built by `bindbench setup --bindings tensorflow/js`)' : '';
      throw new RunnerError('failed', `loading ${req.binding} failed: ${(err as Error).message}${hint}`);
    }
    emit({
      type: 'start',
      protocol: PROTOCOL_VERSION,
      binding: req.binding,
      language: 'javascript',
      framework: 'tensorflow',
      versions: backend.versions,
      device: { kind: 'cpu', name: deviceName() },
      settings: backend.settings,
    });
    const trainSeconds = await run(req, backend);
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
