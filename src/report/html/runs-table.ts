/**
 * Figure (f), second half: every run of a campaign with its outcome and the exact command that reproduces its cell.
 * The run browser links each run to its own page; the static report has no such pages.
 */
import type { ReportRun } from '../campaign-runs.js';
import { numberCell, renderDataTable, type Column, type Row } from './data-table.js';
import { escapeHtml } from './escape.js';
import { reproduceCommand } from './reproduce-command.js';
import { formatSeconds } from '../format.js';

export interface RunsTableOptions {
  /** Link for a run's own page (the run browser); absent in the static report. */
  runHref?(run: ReportRun): string;
}

export function renderRunsTable(spec: unknown, runs: readonly ReportRun[], opts: RunsTableOptions = {}): string {
  const columns: Column[] = [
    { label: 'cell' },
    { label: 'mode' },
    { label: 'model' },
    { label: 'binding' },
    { label: 'seed', numeric: true },
    { label: 'device' },
    { label: 'style', title: 'training style (an infer run: how its source model was trained)' },
    { label: 'status' },
    { label: 'test acc', numeric: true },
    { label: 'train s', numeric: true },
    { label: 'infer s', numeric: true },
    { label: 'peak MiB', numeric: true, title: "peak resident memory of the runner's process tree" },
    { label: 'source → mode' },
    { label: 'reproduced' },
    { label: 'command that reproduces the cell' },
  ];
  const rows: Row[] = runs.map((r) => {
    const cmd = reproduceCommand(spec, r);
    // Cell keys are long; let them break between their `--` parts only.
    const key = r.cellKey.split('--').map(escapeHtml).join('--<wbr>');
    const name = opts.runHref ? `<a href="${escapeHtml(opts.runHref(r))}">${key}</a>` : key;
    return {
      cells: [
        { html: name, sort: r.cellKey },
        r.mode,
        r.model,
        r.binding,
        numberCell(r.seed, String),
        r.device,
        r.mode === 'convert' ? '' : r.style,
        { html: `<span class="status-${escapeHtml(r.status)}">${escapeHtml(r.status)}</span>${r.reason ? `<span class="reason">${escapeHtml(r.reason)}</span>` : ''}`, sort: r.status },
        numberCell(r.finalTestAccuracy, (x) => x.toFixed(4)),
        numberCell(r.trainSeconds, formatSeconds),
        numberCell(r.meanInferenceSeconds, formatSeconds),
        numberCell(r.peakRssBytes === null ? null : r.peakRssBytes / (1024 * 1024), (x) => x.toFixed(1)),
        r.mode === 'infer' ? `${r.sourceBinding ?? '?'} → ${r.loadMode ?? '?'}` : r.mode === 'convert' ? `${r.sourceBinding ?? '?'} → export` : '',
        r.reproduced === null ? '' : r.reproduced ? `yes (${r.targetCorrect}/${r.sourceCorrect})` : `no (${r.targetCorrect} vs ${r.sourceCorrect})`,
        {
          html: cmd.command ? `<code class="command">${escapeHtml(cmd.command)}</code>${cmd.note ? `<span class="reason">${escapeHtml(cmd.note)}</span>` : ''}` : `<span class="reason">${escapeHtml(cmd.note ?? '')}</span>`,
          sort: cmd.command ?? '',
        },
      ],
      tags: { model: r.model, binding: r.mode !== 'train' && r.sourceBinding ? [r.binding, r.sourceBinding] : r.binding, device: r.device, framework: r.framework },
    };
  });
  return renderDataTable(columns, rows, { empty: 'No runs.', className: 'runs' });
}
