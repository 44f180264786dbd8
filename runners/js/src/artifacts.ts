/**
 * Model files in and out: which formats this runner loads (infer, export) and writes (after training, export).
 * - safetensors: canonical names and layouts, through the zoo model and layout.ts;
 * - tfjs-layers: `model.json` + `weights.bin`, TensorFlow.js's own format, via tfjs-node's file-system IO handler
 *   (the handler that `file://` URLs route to; it is plain tfjs + fs and does not load the native addon, so the
 *   wasm binding uses the same one);
 * - savedmodel: loaded through tfjs-node's tf.node.loadSavedModel, which runs the graph in libtensorflow.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import type { Backend, SavedModel } from './backend.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';
import { buildModel, getCanonicalWeights, setCanonicalWeights } from './model.js';
import type { Forward } from './evaluate.js';
import { emit, RunnerError, type ArtifactFormat, type ModelSpec } from './protocol.js';

const require = createRequire(import.meta.url);

/** tfjs-node's NodeFileSystem IO handler factory. */
function fileSystem(path: string): TF.io.IOHandler {
  const io = require('@tensorflow/tfjs-node/dist/io/file_system.js') as { fileSystem(path: string): TF.io.IOHandler };
  return io.fileSystem(path);
}

export const WRITABLE: ArtifactFormat[] = ['safetensors', 'tfjs-layers'];

/** Refuses, before any work, an artifact format this runner cannot write. */
export function checkWritable(formats: ArtifactFormat[], binding: string): void {
  for (const format of formats) {
    if (!WRITABLE.includes(format)) {
      throw new RunnerError('not_supported', `${binding} cannot write ${format}: TensorFlow.js saves only its own layers format (model.save) and this runner the canonical safetensors`);
    }
  }
}

export interface LoadedModel {
  forward: Forward;
  /** The layers model when there is one (not for a SavedModel), for export. */
  layers: TF.LayersModel | null;
  dispose(): void;
}

/**
 * predict() cuts its input into batches of 32 unless told otherwise; the request's batch size is the batch, so
 * predict gets the whole tensor as one.
 */
export function layersForward(model: TF.LayersModel): Forward {
  return (x) => model.predict(x, { batchSize: x.shape[0] }) as TF.Tensor;
}

function fromLayers(model: TF.LayersModel): LoadedModel {
  return { forward: layersForward(model), layers: model, dispose: () => model.dispose() };
}

/** A Keras export serves logits under one output name; accept the tensor whatever the name. */
function logitsOf(out: TF.Tensor | TF.Tensor[] | Record<string, TF.Tensor>, path: string): TF.Tensor {
  if (Array.isArray(out)) {
    if (out.length !== 1) throw new RunnerError('bad_request', `SavedModel ${path} returns ${out.length} outputs, expected one (logits)`);
    return out[0]!;
  }
  if ('dataSync' in out && typeof (out as TF.Tensor).dataSync === 'function') return out as TF.Tensor;
  const map = out as Record<string, TF.Tensor>;
  const names = Object.keys(map);
  if (map.logits) return map.logits;
  if (names.length === 1) return map[names[0]!]!;
  throw new RunnerError('bad_request', `SavedModel ${path} returns outputs ${names.join(', ')}; expected one, or one named logits`);
}

async function loadSavedModel(backend: Backend, path: string, binding: string): Promise<LoadedModel> {
  if (!backend.loadSavedModel) {
    throw new RunnerError('not_supported', `${binding} cannot load a SavedModel: only @tensorflow/tfjs-node has tf.node.loadSavedModel (it executes the graph in native libtensorflow); tfjs-backend-wasm has no SavedModel loader, and a SavedModel would first need converting with tensorflowjs_converter`);
  }
  const dir = resolve(path);
  let saved: SavedModel;
  try {
    saved = await backend.loadSavedModel(dir, ['serve'], 'serving_default');
  } catch (first) {
    // Keras 3's export names its signature `serve` as well as `serving_default`; older exports only one of them.
    try {
      saved = await backend.loadSavedModel(dir, ['serve'], 'serve');
    } catch {
      throw first;
    }
  }
  return { forward: (x) => logitsOf(saved.predict(x), dir), layers: null, dispose: () => saved.dispose() };
}

/** Loads the model a request names in `weights`, in any format this runner reads. */
export async function loadModel(backend: Backend, spec: ModelSpec, weights: { format: ArtifactFormat; path: string }, binding: string): Promise<LoadedModel> {
  const { tf } = backend;
  if (!existsSync(weights.path)) throw new RunnerError('bad_request', `weights ${weights.path} do not exist`);
  switch (weights.format) {
    case 'safetensors': {
      const model = buildModel(tf, spec, 0, 'overwritten');
      setCanonicalWeights(tf, model, spec, readSafetensors(weights.path), weights.path);
      return fromLayers(model);
    }
    case 'tfjs-layers': {
      const json = statSync(weights.path).isDirectory() ? join(weights.path, 'model.json') : weights.path;
      return fromLayers(await tf.loadLayersModel(fileSystem(json)));
    }
    case 'savedmodel':
      return loadSavedModel(backend, weights.path, binding);
    default:
      throw new RunnerError('not_supported', `${binding} cannot load ${weights.format}: TensorFlow.js reads its layers and graph formats, and tfjs-node also a SavedModel`);
  }
}

/** Writes each requested artifact into outputDir and announces it. */
export async function writeArtifacts(model: TF.LayersModel | null, spec: ModelSpec, formats: ArtifactFormat[], outputDir: string, binding: string): Promise<void> {
  if (formats.length === 0) return;
  if (!model) throw new RunnerError('not_supported', `${binding} cannot re-export a SavedModel: tfjs-node runs it as an opaque graph, with no layers to read weights from`);
  for (const format of formats) {
    switch (format) {
      case 'safetensors': {
        const path = resolve(outputDir, 'model.safetensors');
        writeSafetensors(path, getCanonicalWeights(model, spec), { model: spec.id, written_by: binding });
        emit({ type: 'artifact', format, path });
        break;
      }
      case 'tfjs-layers': {
        const dir = resolve(outputDir, 'tfjs');
        mkdirSync(dir, { recursive: true });
        await model.save(fileSystem(dir));
        emit({ type: 'artifact', format, path: join(dir, 'model.json') });
        break;
      }
      default:
        checkWritable([format], binding);
    }
  }
}
