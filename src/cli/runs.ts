/** `bindbench runs`: list, show and export stored runs; rebuild and verify the index. */
import type { Command } from 'commander';
import { BadInputError } from '../base/errors.js';
import { ResultStore, scheduleLabel, type ExportRow, type StoredRun } from '../store/result-store.js';
import { formatCpuList } from '../base/cpus.js';
import { formatMiB, phasesText } from '../report/format.js';
import { renderTextTable } from '../report/text-table.js';
import type { Home } from '../base/home.js';
import { collect, homeOf } from './common.js';
import { emit, type CommandResult } from './output.js';

export function listCommand(home: Home, campaign?: string): CommandResult {
  return ResultStore.with(home.store, (store) => {
    if (!campaign) {
      const rows = store.listCampaigns().reverse();
      return {
        data: rows.map((r) => ({ id: r.id, created: r.created, runs: r.runs, ok: r.ok, failed: r.failed })),
        text: renderTextTable(['campaign', 'created', 'runs', 'ok', 'failed'], rows.map((r) => [r.id, r.created, String(r.runs), String(r.ok), String(r.failed)])) + '\n',
      };
    }
    const rows = store.runs(campaign).map((r) => ({
      id: r.id,
      campaign: r.campaign,
      model: r.model,
      binding: r.binding,
      seed: r.seed,
      device: r.device,
      mode: r.mode,
      status: r.status,
      reason: r.reason,
      final_test_accuracy: r.finalTestAccuracy,
      train_seconds: r.trainSeconds,
      peak_rss_mib: r.peakRssBytes === null ? null : r.peakRssBytes / (1024 * 1024),
      schedule: r.schedule,
    }));
    if (rows.length === 0) throw new BadInputError(`no runs for campaign '${campaign}': \`bindbench runs list\` shows the campaigns`);
    return {
      data: rows,
      text:
        renderTextTable(
          ['run', 'status', 'test acc', 'train s', 'peak MiB', ...(rows.some((r) => r.schedule !== 'serial') ? ['schedule'] : [])],
          rows.map((r) => [r.id, r.status, r.final_test_accuracy?.toFixed(4) ?? '—', r.train_seconds?.toFixed(2) ?? '—', r.peak_rss_mib?.toFixed(1) ?? '—', ...(rows.some((x) => x.schedule !== 'serial') ? [r.schedule] : [])]),
        ) + '\n',
    };
  });
}

function showText(run: StoredRun): string {
  const r = run.result;
  const lines = [
    `run       ${r.run_id}`,
    `status    ${r.status}${r.reason ? ` (${r.reason})` : ''}`,
    `binding   ${r.cell.binding} (${r.framework}, ${r.language})`,
    `model     ${r.cell.model}, seed ${r.cell.seed}, ${r.cell.device}, ${r.cell.style ?? 'minimal'} style, data order ${r.cell.dataOrder}, init ${r.cell.init}`,
    `data      ${r.data_source}`,
    `accuracy  train ${r.final_train_accuracy ?? '—'}, test ${r.final_test_accuracy ?? '—'}`,
    `time      training ${r.train_seconds ?? '—'} s (evaluation excluded), runner wall ${r.wall_seconds ?? '—'} s, process ${r.process_seconds.toFixed(2)} s`,
    `phases    ${phasesText(r.phases)}`,
    `memory    peak resident ${formatMiB(r.peak_rss_bytes)} MiB (process tree)${r.peak_device_bytes != null ? `, peak device ${formatMiB(r.peak_device_bytes)} MiB` : ''}`,
    `schedule  ${scheduleLabel(r.schedule)}${r.schedule?.cpus ? ` (CPUs ${formatCpuList(r.schedule.cpus)}, ${r.schedule.threads} threads)` : ''}${r.schedule?.gpu != null ? `, GPU ${r.schedule.gpu}` : ''}`,
    `dir       ${run.paths.dir}`,
    '',
  ].join('\n');
  const epochs = run.events.flatMap((e) => (e.type === 'epoch' ? [e] : []));
  const table = epochs.length
    ? renderTextTable(
        ['epoch', 'train acc', 'test acc', 'loss', 'train s', 'eval s'],
        epochs.map((e) => [String(e.epoch), e.train_accuracy.toFixed(4), e.test_accuracy?.toFixed(4) ?? '—', e.loss.toFixed(4), e.train_seconds.toFixed(3), e.eval_seconds.toFixed(3)]),
      ) + '\n'
    : '';
  return lines + table + (r.stderr_tail ? `\nstderr (tail):\n${r.stderr_tail}\n` : '');
}

export function showCommand(home: Home, runId: string): CommandResult {
  const [campaign, key] = runId.split('/');
  const run = campaign && key ? ResultStore.with(home.store, (store) => store.readRun(campaign, key)) : null;
  if (!run) throw new BadInputError(`no complete run '${runId}': ids look like <campaign>/<cell>; \`bindbench runs list --campaign <id>\` lists them`);
  return { data: { result: run.result, request: run.request, events: run.events }, text: showText(run) };
}

const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** RFC 4180: quoted when it holds a comma, quote or line break; empty for null. */
function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function exportCommand(home: Home, o: { campaign: string[]; format: string; out?: string }): Promise<CommandResult<{ rows: number; out: string | null }>> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(o.format)) throw new BadInputError(`--format: '${o.format}' is not one of ${EXPORT_FORMATS.join(', ')}`);
  const format = o.format as ExportFormat;
  const [{ EXPORT_COLUMNS }, { defaultCampaigns }] = await Promise.all([import('../store/export-rows.js'), import('./campaign-choice.js')]);
  const rows: ExportRow[] = ResultStore.with(home.store, (store) => {
    const ids = defaultCampaigns(store, o.campaign);
    for (const id of ids) store.requireCampaign(id);
    return store.exportRows(ids);
  });
  const body =
    format === 'csv'
      ? [EXPORT_COLUMNS.join(','), ...rows.map((r) => EXPORT_COLUMNS.map((c) => csvField(r[c])).join(','))].join('\n') + '\n'
      : rows.map((r) => JSON.stringify(Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, r[c]])))).join('\n') + (rows.length ? '\n' : '');
  if (!o.out) return { data: { rows: rows.length, out: null }, text: body };
  const [{ writeFileAtomic }, { resolve }] = await Promise.all([import('../base/atomic-file.js'), import('node:path')]);
  const out = resolve(o.out);
  writeFileAtomic(out, body);
  return { data: { rows: rows.length, out }, text: `${rows.length} runs written to ${out}\n` };
}

export function registerRuns(program: Command): void {
  const runs = program.command('runs').description('browse the result store');
  runs
    .command('list')
    .description('list campaigns, or the runs of one campaign')
    .option('--campaign <id>', 'only this campaign')
    .option('--json', 'print JSON')
    .action((o: { campaign?: string; json?: boolean }, cmd: Command) => emit(listCommand(homeOf(cmd), o.campaign), o.json));
  runs
    .command('show <run>')
    .description('show one run (id as <campaign>/<cell>): result, environment and epochs')
    .option('--json', 'print JSON')
    .action((runId: string, o: { json?: boolean }, cmd: Command) => emit(showCommand(homeOf(cmd), runId), o.json));
  runs
    .command('export')
    .description('one row per run (cell, status, accuracies, times, versions, environment) as CSV or JSON lines, for pandas or R; columns in docs/store.md')
    .option('--campaign <id>', 'campaign to export (repeat for several; default: the most recent)', collect, [] as string[])
    .option('--format <format>', 'csv or jsonl', 'csv')
    .option('--out <file>', 'write to this file (atomically) instead of stdout')
    .action(async (o: { campaign: string[]; format: string; out?: string }, cmd: Command) => emit(await exportCommand(homeOf(cmd), o)));
  runs
    .command('reindex')
    .description('rebuild the SQLite index from the run directories')
    .action((_o, cmd: Command) => {
      const damaged: Array<{ run: string; problem: string }> = [];
      const n = ResultStore.reindex(homeOf(cmd).store, damaged);
      emit({ data: { indexed: n, damaged }, text: `indexed ${n} complete runs\n${damaged.map((d) => `left out ${d.run}: ${d.problem}\n`).join('')}` });
    });
  runs
    .command('verify')
    .description('check that the index agrees with the run directories')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }, cmd: Command) => {
      const problems = ResultStore.verify(homeOf(cmd).store);
      emit({ data: problems, text: problems.length ? problems.map((p) => `${p.run}: ${p.problem}`).join('\n') + '\n' : 'index agrees with the run directories\n' }, o.json);
      if (problems.length) throw new BadInputError(`${problems.length} disagreement(s): run \`bindbench runs reindex\``);
    });
}
