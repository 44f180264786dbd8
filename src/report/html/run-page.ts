/** One run in the run browser: its outcome, curves, timings, environment, command and raw files. */
import type { StoredRun } from '../../store/run-dir.js';
import { formatMiB, formatSeconds, phasesText } from '../format.js';
import { formatCpuList } from '../../base/cpus.js';
import type { RenderedFigure } from '../figures/figure.js';
import type { ReportRun } from '../campaign-runs.js';
import { numberCell, renderDataTable, type Row } from './data-table.js';
import { escapeHtml, hrefOf } from './escape.js';
import { renderValue } from './environment-manifest.js';
import { renderFigure } from './figures-section.js';
import { renderPage } from './page.js';
import { reproduceCommand } from './reproduce-command.js';

export interface RunPageInput {
  run: ReportRun;
  stored: StoredRun;
  spec: unknown;
  environment: unknown;
  figures: RenderedFigure[];
  /** Files of the run directory that exist, relative to it. */
  /** The run's files: the name within the run directory, and the path within the store the `/store/` route serves. */
  files: Array<{ name: string; store: string }>;
}

function facts(r: ReportRun, stored: StoredRun): string {
  const res = stored.result;
  const items: Array<[string, string]> = [
    ['status', `${r.status}${r.reason ? ` (${r.reason})` : ''}`],
    ['binding', `${r.binding} (${r.framework}, ${r.language})`],
    ['model', r.model],
    ['seed', String(r.seed)],
    ['device', r.device],
    ['mode', r.mode],
    ['data', res.data_source || '—'],
    ['training style / data order / init / deterministic kernels / layer defaults', `${res.cell.style ?? 'minimal'} / ${res.cell.dataOrder} / ${res.cell.init} / ${res.cell.deterministic === false ? 'off' : 'on'} / ${res.cell.layerDefaults ?? 'zoo'}`],
    ['hyper-parameters', `${res.cell.hyper.epochs} epochs, batch ${res.cell.hyper.batch_size}, ${res.cell.hyper.optimizer.name} lr ${res.cell.hyper.optimizer.learning_rate}${res.cell.trainLimit ? `, first ${res.cell.trainLimit} training examples` : ''}${res.cell.testLimit ? `, first ${res.cell.testLimit} test examples` : ''}`],
    ['final accuracy', `train ${r.finalTrainAccuracy?.toFixed(4) ?? '—'}, test ${r.finalTestAccuracy?.toFixed(4) ?? '—'}`],
    ['time', `training ${formatSeconds(r.trainSeconds)} s (evaluation excluded), mean inference ${formatSeconds(r.meanInferenceSeconds)} s, runner wall ${formatSeconds(res.wall_seconds)} s, process ${formatSeconds(res.process_seconds)} s`],
    ['where the process time went', phasesText(res.phases)],
    ['peak memory', `resident ${formatMiB(res.peak_rss_bytes)} MiB (the runner's process tree)${res.peak_device_bytes != null ? `, device ${formatMiB(res.peak_device_bytes)} MiB` : ''}`],
    ['schedule', `${r.schedule}${res.schedule?.cpus ? ` (CPUs ${formatCpuList(res.schedule.cpus)}, ${res.schedule.threads} threads)` : ''}`],
    ['started / finished', `${r.started} / ${r.finished}`],
  ];
  if (r.mode === 'infer') {
    items.push(['source', `${r.sourceBinding ?? '?'} via ${r.loadMode ?? '?'}${res.source ? ` (${res.source.format}, run ${res.source.run_id})` : ''}`]);
    items.push(['reproduced', r.reproduced === null ? 'not recorded' : `${r.reproduced ? 'yes' : 'no'}: ${r.targetCorrect ?? '?'} correct vs the source's ${r.sourceCorrect ?? '?'}`]);
    items.push(['stable', r.stable === null ? 'not recorded' : r.stable ? 'yes' : 'no']);
    if (r.maxAbsLogitDiff !== null) items.push(['max |logit difference|', r.maxAbsLogitDiff.toExponential(2)]);
  }
  return `<dl class="kv">${items.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
}

function epochTable(stored: StoredRun): string {
  const rows: Row[] = stored.events.flatMap((e) =>
    e.type === 'epoch'
      ? [{ cells: [numberCell(e.epoch, String), numberCell(e.train_accuracy, (x) => x.toFixed(4)), numberCell(e.test_accuracy, (x) => x.toFixed(4)), numberCell(e.loss, (x) => x.toFixed(4)), numberCell(e.train_seconds, formatSeconds), numberCell(e.eval_seconds, formatSeconds)] }]
      : [],
  );
  return renderDataTable([{ label: 'epoch', numeric: true }, { label: 'train acc', numeric: true }, { label: 'test acc', numeric: true }, { label: 'loss', numeric: true }, { label: 'train s', numeric: true }, { label: 'eval s', numeric: true }], rows, { empty: 'No epochs recorded.' });
}

function inferenceTable(stored: StoredRun): string {
  const rows: Row[] = stored.events.flatMap((e) =>
    e.type === 'inference'
      ? [{ cells: [e.split, numberCell(e.repetition, (x) => (x < 0 ? 'untimed' : String(x))), numberCell(e.seconds, formatSeconds), numberCell(e.correct, String), numberCell(e.n, String), e.logits_sha256 ? { html: `<code>${escapeHtml(e.logits_sha256.slice(0, 16))}…</code>`, sort: e.logits_sha256 } : '—'] }]
      : [],
  );
  return renderDataTable([{ label: 'split' }, { label: 'repetition', numeric: true }, { label: 'seconds', numeric: true }, { label: 'correct', numeric: true }, { label: 'n', numeric: true }, { label: 'logits sha256' }], rows, { empty: 'No inference passes recorded.' });
}

export function renderRunPage(p: RunPageInput): string {
  const r = p.run;
  const cmd = reproduceCommand(p.spec, r);
  const links = p.files.map((f) => `<a href="${escapeHtml(hrefOf('store', ...f.store.split('/')))}">${escapeHtml(f.name)}</a>`).join(' · ');
  const stderr = p.stored.result.stderr_tail ? `<h2>stderr (tail)</h2><pre class="raw"><code>${escapeHtml(p.stored.result.stderr_tail)}</code></pre>` : '';
  return renderPage({
    title: `Run ${r.campaign}/${r.cellKey}`,
    subtitle: `${{ train: 'Training', infer: 'Inference', convert: 'Conversion' }[r.mode]} run of campaign ${r.campaign}`,
    nav: [
      { href: '/', label: 'all campaigns' },
      { href: hrefOf('campaigns', r.campaign), label: `campaign ${r.campaign}` },
    ],
    body: [
      '<h2>Outcome</h2>',
      facts(r, p.stored),
      '<h2>Command that reproduces this cell</h2>',
      cmd.command ? `<pre class="raw"><code>${escapeHtml(cmd.command)}</code></pre>` : '',
      cmd.note ? `<p class="note">${escapeHtml(cmd.note)}</p>` : '',
      p.figures.length ? `<h2>Accuracy per epoch</h2><div class="figure-grid">${p.figures.map((f) => renderFigure(f)).join('')}</div>` : '',
      r.mode === 'train' ? `<h2>Epochs</h2>${epochTable(p.stored)}` : r.mode === 'infer' ? `<h2>Inference passes</h2>${inferenceTable(p.stored)}` : '',
      stderr,
      `<h2>Environment</h2>${renderValue(p.environment)}`,
      `<h2>Files</h2><p>${links || 'none'}</p>`,
    ].join('\n'),
  });
}
