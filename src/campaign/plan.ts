/** Pure planning: a resolved spec and the bindings at hand become the list of cells to run. */
import type { BindingDescriptor, Framework } from '../bindings/binding.js';
import type { ArtifactFormat } from '../protocol/request.js';
import { models as zooModels } from '../zoo/models.js';
import { cellKey, type Cell, type DataOrder, type InferSource, type TrainingStyle } from '../protocol/cell.js';
import { CANONICAL_LOAD_MODE, LOAD_MODE_IDS, LOAD_MODES, isApartFromSerialization, isFrameworkSerialization, loadModeFormats, type LoadMode } from '../protocol/load-modes.js';
import { presets } from './presets.js';
import type { CampaignDataOrder, CampaignSpec } from './spec.js';

export interface PlannedCell extends Cell {
  /** Why the cell will not be launched, and with which status. */
  skip: { status: 'not_supported' | 'not_available'; reason: string } | null;
}

/**
 * Cells are ordered model → seed → binding, so the bindings of one seed run next to each other and a slow drift
 * of the machine (heat, background load) spreads over all bindings instead of falling on one. Infer and convert
 * cells come after every train cell, since they load what training wrote; a convert cell comes before the infer
 * cells that load its artifact.
 */
/** The cells a cell loads from (its source training run, and the conversion it goes through): they must end first. */
export function prerequisites(cell: PlannedCell): string[] {
  return cell.source ? [cell.source.cellKey, ...(cell.source.via ? [cell.source.via] : [])] : [];
}

export function planCampaign(spec: CampaignSpec, bindings: BindingDescriptor[], installed: ReadonlySet<string>): PlannedCell[] {
  const chosen = spec.bindings === 'installed' ? bindings.filter((b) => installed.has(b.id)) : spec.bindings.map((id) => bindings.find((b) => b.id === id)!);
  const preset = presets[spec.preset]!;
  const inferring = spec.experiments.includes('infer');
  const train: PlannedCell[] = [];
  const infer: PlannedCell[] = [];
  const isSource = (b: BindingDescriptor) => (spec.infer_sources === 'reference' ? b.reference : spec.infer_sources.includes(b.id));
  const modes = LOAD_MODE_IDS.filter((m) => spec.infer_modes.includes(m));
  for (const modelId of spec.models) {
    const base = preset.perModel[modelId]!;
    const hyper = {
      ...base.hyper,
      epochs: spec.overrides.epochs ?? base.hyper.epochs,
      batch_size: spec.overrides.batch_size ?? base.hyper.batch_size,
      optimizer: { ...base.hyper.optimizer, learning_rate: spec.overrides.learning_rate ?? base.hyper.optimizer.learning_rate },
    };
    const trainLimit = spec.overrides.train_limit !== undefined ? spec.overrides.train_limit : base.trainLimit;
    const testLimit = base.testLimit ?? null;
    const evalBatchSize = spec.overrides.eval_batch_size ?? base.evalBatchSize;
    // 1 is every epoch, what cells without the field do: left out so their requests stay as before.
    const testEvery = spec.overrides.test_every ?? base.testEvery ?? 1;
    for (const seed of spec.seeds) {
      for (const device of spec.devices) {
        for (const [style, binding] of (spec.styles ?? ['minimal']).flatMap((st) => chosen.map((b) => [st, b] as const))) {
          // `style` only when idiomatic, so minimal cells (and their keys) stay as campaigns before the axis had them.
          const common = { model: modelId, seed, device, hyper, trainLimit, testLimit, ...(evalBatchSize !== undefined ? { evalBatchSize } : {}), ...(testEvery > 1 ? { testEvery } : {}), dataOrder: cellDataOrder(spec.data_order, binding), init: spec.init, ...(spec.deterministic === false ? { deterministic: false } : {}), ...(spec.layer_defaults && spec.layer_defaults !== 'zoo' ? { layerDefaults: spec.layer_defaults } : {}), ...(style === 'minimal' ? {} : { style }) };
          const source = inferring && isSource(binding) && (spec.infer_seeds === 'all' || spec.infer_seeds.includes(seed));
          // A source exports everything some target might load; others keep the canonical weights only.
          const artifacts = exportsOf(binding, modelId).filter((f) => CANONICAL_FORMATS.includes(f) || source);
          const cell: Cell = { ...common, key: '', binding: binding.id, mode: 'train', artifacts };
          cell.key = cellKey(cell);
          const skip = trainSkip(binding, modelId, device, installed, testLimit, style);
          train.push({ ...cell, skip });
          // A source that cannot train the model has nothing to lend: its skipped train cell says why.
          if (!source || skip) continue;
          const ctx: InferContext = { common, sourceCell: cell, source: binding, modes, installed, testLimit };
          // The source loading its own weights comes first: its logits are what the other targets are compared with.
          infer.push(...sameFrameworkInfer(ctx, [binding, ...chosen.filter((t) => t !== binding)]));
          for (const framework of crossFrameworks(spec, chosen, binding, modelId)) {
            infer.push(...crossFrameworkInfer(ctx, framework, chosen.filter((t) => t.framework === framework), bindings));
          }
        }
      }
    }
  }
  return [...train, ...infer];
}

/** A campaign's data order as one binding's cells take it: `study` becomes what the study's script for it did. */
export function cellDataOrder(order: CampaignDataOrder, binding: BindingDescriptor): DataOrder {
  return order === 'study' ? (binding.capabilities.studyDataOrder?.order ?? 'native') : order;
}

/** The formats `binding` writes for `model` (its exports less the formatExceptions for that model). */
function exportsOf(binding: BindingDescriptor, model: string): ArtifactFormat[] {
  return binding.capabilities.exports.filter((f) => !binding.capabilities.formatExceptions?.[f]?.[model]);
}

/** The formats `binding` loads for `model`. */
function loadsOf(binding: BindingDescriptor, model: string): ArtifactFormat[] {
  return binding.capabilities.loads.filter((f) => !binding.capabilities.formatExceptions?.[f]?.[model]);
}

/** The formats of the canonical weights, which every trained model keeps. */
const CANONICAL_FORMATS = loadModeFormats(CANONICAL_LOAD_MODE);

interface InferContext {
  common: Omit<Cell, 'key' | 'binding' | 'mode' | 'artifacts' | 'source'>;
  /** The source's train cell. */
  sourceCell: Cell;
  source: BindingDescriptor;
  modes: LoadMode[];
  installed: ReadonlySet<string>;
  testLimit: number | null;
}

function inferCell(ctx: InferContext, target: BindingDescriptor, source: InferSource, skip: PlannedCell['skip']): PlannedCell {
  const cell: Cell = { ...ctx.common, key: '', binding: target.id, mode: 'infer', artifacts: [], source };
  cell.key = cellKey(cell);
  return { ...cell, skip: inferSkip(target, cell.model, cell.device, ctx.installed, ctx.testLimit, source.loadMode) ?? skip };
}

/** Why `target` cannot load any of the `written` formats of a load mode, or null when `format` was found. */
function formatSkip(target: BindingDescriptor, writer: string, mode: LoadMode, written: readonly ArtifactFormat[], format: ArtifactFormat | undefined): PlannedCell['skip'] {
  if (format) return null;
  return {
    status: 'not_supported',
    reason: written.length ? `${target.id} loads none of the ${mode} formats ${writer} writes (${written.join(', ')})` : `${writer} writes no ${mode} format (${loadModeFormats(mode).join(', ')})`,
  };
}

/** The study's matrix: every target of the source's framework (and the neutral runtimes for ONNX), in every mode. */
function sameFrameworkInfer(ctx: InferContext, targetList: BindingDescriptor[]): PlannedCell[] {
  const out: PlannedCell[] = [];
  const model = ctx.common.model;
  const choice = (target: BindingDescriptor, loadMode: LoadMode) => {
    const written = loadModeFormats(loadMode).filter((f) => exportsOf(ctx.source, model).includes(f));
    return { written, format: written.find((f) => loadsOf(target, model).includes(f)) };
  };
  for (const target of targetList) {
    for (const loadMode of ctx.modes) {
      if (!targets(ctx.source, target, loadMode)) continue;
      const { written, format } = choice(target, loadMode);
      // A mode reported apart adds a cell only where it loads something `serialization` does not already.
      if (isApartFromSerialization(loadMode) && (format === undefined || format === choice(target, 'serialization').format)) continue;
      const source: InferSource = { binding: ctx.source.id, cellKey: ctx.sourceCell.key, loadMode, format: format ?? written[0] ?? loadModeFormats(loadMode)[0]! };
      out.push(inferCell(ctx, target, source, formatSkip(target, ctx.source.id, loadMode, written, format)));
    }
  }
  return out;
}

/** Frameworks other than the source's whose bindings in the campaign also receive this model. */
function crossFrameworks(spec: CampaignSpec, chosen: BindingDescriptor[], source: BindingDescriptor, model: string): Framework[] {
  const when = spec.infer_cross_framework ?? 'untrained';
  if (when === 'never') return [];
  // A neutral runtime has no framework of its own to carry a model into.
  const others = [...new Set(chosen.filter((b) => !b.capabilities.runsAnyFramework).map((b) => b.framework))].filter((f) => f !== source.framework);
  if (when === 'always') return others;
  const trains = (b: BindingDescriptor) => b.capabilities.train.supported && b.capabilities.models.includes(model) && !b.capabilities.inferOnlyModels?.[model];
  // A framework none of whose bindings can even run the model (e.g. PyTorch and TensorFlow's reset_after=false GRU)
  // would only add rows of `not supported`.
  const runs = (b: BindingDescriptor) => b.capabilities.models.includes(model) || (b.capabilities.serializedModels ?? []).includes(model);
  return others.filter((f) => !chosen.some((b) => b.framework === f && trains(b)) && chosen.some((b) => b.framework === f && runs(b)));
}

/**
 * The source's model in another framework's bindings. `states` loads the canonical weights as they are (they name
 * no framework). `serialization` needs the framework's own format, which only that framework can write: a convert
 * cell in its reference binding loads the canonical weights and writes it, and the targets load that.
 */
function crossFrameworkInfer(ctx: InferContext, framework: Framework, targetList: BindingDescriptor[], bindings: BindingDescriptor[]): PlannedCell[] {
  const converter = bindings.find((b) => b.framework === framework && b.reference);
  const ordered = converter ? [...targetList.filter((t) => t === converter), ...targetList.filter((t) => t !== converter)] : targetList;
  const out: PlannedCell[] = [];
  if (ctx.modes.includes(CANONICAL_LOAD_MODE)) {
    const written = CANONICAL_FORMATS.filter((f) => ctx.source.capabilities.exports.includes(f));
    for (const target of ordered) {
      const format = written.find((f) => target.capabilities.loads.includes(f));
      out.push(inferCell(ctx, target, canonicalSource(ctx), formatSkip(target, ctx.source.id, CANONICAL_LOAD_MODE, written, format)));
    }
  }
  if (!ctx.modes.includes('serialization')) return out;
  const writer = converter?.id ?? `${framework}'s reference binding`;
  const model = ctx.common.model;
  const written = converter ? loadModeFormats('serialization').filter((f) => exportsOf(converter, model).includes(f) && ordered.some((t) => loadsOf(t, model).includes(f))) : [];
  let convertSkip: PlannedCell['skip'] = null;
  let convertKey = '';
  if (converter && written.length) {
    const convert: Cell = {
      ...ctx.common,
      key: '',
      binding: converter.id,
      mode: 'convert',
      artifacts: written,
      source: canonicalSource(ctx),
    };
    convert.key = convertKey = cellKey(convert);
    convertSkip =
      inferSkip(converter, convert.model, convert.device, ctx.installed, null, CANONICAL_LOAD_MODE) ??
      (CANONICAL_FORMATS.some((f) => converter.capabilities.loads.includes(f) && ctx.source.capabilities.exports.includes(f))
        ? null
        : { status: 'not_supported', reason: `${converter.id} cannot load ${ctx.source.id}'s canonical safetensors, so it cannot convert the model` });
    out.push({ ...convert, skip: convertSkip });
  }
  for (const target of ordered) {
    const format = written.find((f) => loadsOf(target, model).includes(f));
    const source: InferSource = { binding: ctx.source.id, cellKey: ctx.sourceCell.key, loadMode: 'serialization', format: format ?? written[0] ?? loadModeFormats('serialization')[0]!, via: convertKey };
    const skip = convertSkip ? { status: convertSkip.status, reason: `the conversion by ${converter!.id} is skipped: ${convertSkip.reason}` } : formatSkip(target, writer, 'serialization', written, format);
    out.push(inferCell(ctx, target, source, skip));
  }
  return out;
}

/** The canonical weights of the source's model, as a convert or cross-framework cell loads them. */
function canonicalSource(ctx: InferContext): InferSource {
  return { binding: ctx.source.id, cellKey: ctx.sourceCell.key, loadMode: CANONICAL_LOAD_MODE, format: CANONICAL_FORMATS[0]! };
}

/** Whether `target` belongs in the infer matrix of `source` for this mode: its framework's bindings, and for a neutral export the neutral runtimes. */
function targets(source: BindingDescriptor, target: BindingDescriptor, mode: LoadMode): boolean {
  return target.framework === source.framework || (LOAD_MODES[mode].neutralExport && target.capabilities.runsAnyFramework === true);
}

function commonSkip(binding: BindingDescriptor, model: string, device: 'cpu' | 'cuda', installed: ReadonlySet<string>, testLimit: number | null, loadMode?: LoadMode): PlannedCell['skip'] {
  const caps = binding.capabilities;
  const runs = caps.models.includes(model) || (loadMode !== undefined && isFrameworkSerialization(loadMode) && (caps.serializedModels ?? []).includes(model));
  if (!runs) {
    return { status: 'not_supported', reason: caps.missingModels?.[model] ?? `${binding.id} has no ${zooModels[model]?.title ?? model} in its runner` };
  }
  if (testLimit !== null && !caps.testLimit) {
    return { status: 'not_supported', reason: `${binding.id}'s runner does not read data.test_limit, and this preset evaluates ${zooModels[model]?.title ?? model} on the first ${testLimit} test examples only` };
  }
  if (!caps.devices.includes(device)) return { status: 'not_supported', reason: `${binding.id} cannot run on ${device}` };
  if (!installed.has(binding.id)) return { status: 'not_available', reason: `${binding.id} is not installed here: run \`bindbench setup --bindings ${binding.id}\`` };
  return null;
}

function trainSkip(binding: BindingDescriptor, model: string, device: 'cpu' | 'cuda', installed: ReadonlySet<string>, testLimit: number | null, style: TrainingStyle): PlannedCell['skip'] {
  if (!binding.capabilities.train.supported) return { status: 'not_supported', reason: binding.capabilities.train.reason };
  const inferOnly = binding.capabilities.inferOnlyModels?.[model];
  if (inferOnly) return { status: 'not_supported', reason: inferOnly };
  const idiomatic = binding.capabilities.idiomaticTraining;
  const styleSkip: PlannedCell['skip'] =
    style === 'idiomatic' && !idiomatic?.supported
      ? { status: 'not_supported', reason: idiomatic?.reason ?? `${binding.id}'s runner has no idiomatic training style (only bindbench's minimal loop)` }
      : null;
  return commonSkip(binding, model, device, installed, testLimit) ?? styleSkip;
}

function inferSkip(binding: BindingDescriptor, model: string, device: 'cpu' | 'cuda', installed: ReadonlySet<string>, testLimit: number | null, loadMode: LoadMode): PlannedCell['skip'] {
  if (!binding.capabilities.infer.supported) return { status: 'not_supported', reason: binding.capabilities.infer.reason };
  return commonSkip(binding, model, device, installed, testLimit, loadMode);
}
