/** `bindbench runs`: list and show stored runs; rebuild and verify the index. */
import type { Command } from 'commander';
import { BadInputError } from '../errors.js';
import { openIndex, rebuildIndex, verifyIndex } from '../store/index-db.js';
import { renderTextTable } from '../report/text-table.js';
import { homeOf, printJson } from './common.js';
import { readRunDir, runPaths } from '../store/run-dir.js';

interface RunRow {
  id: string;
  campaign: string;
  model: string;
  binding: string;
  seed: number;
  device: string;
  mode: string;
  status: string;
  reason: string | null;
  final_test_accuracy: number | null;
  train_seconds: number | null;
}

export function registerRuns(program: Command): void {
  const runs = program.command('runs').description('browse the result store');
  runs
    .command('list')
    .description('list campaigns, or the runs of one campaign')
    .option('--campaign <id>', 'only this campaign')
    .option('--json', 'print JSON')
    .action((o, cmd: Command) => {
      const db = openIndex(homeOf(cmd).store);
      try {
        if (!o.campaign) {
          const rows = db
            .prepare(`SELECT c.id, c.created, COUNT(r.id) AS runs, SUM(r.status = 'ok') AS ok, SUM(r.status = 'failed') AS failed
                      FROM campaigns c LEFT JOIN runs r ON r.campaign = c.id GROUP BY c.id ORDER BY c.created`)
            .all() as Array<{ id: string; created: string; runs: number; ok: number | null; failed: number | null }>;
          if (o.json) return printJson(rows);
          process.stdout.write(renderTextTable(['campaign', 'created', 'runs', 'ok', 'failed'], rows.map((r) => [r.id, r.created, String(r.runs), String(r.ok ?? 0), String(r.failed ?? 0)])) + '\n');
          return;
        }
        const rows = db
          .prepare('SELECT id, campaign, model, binding, seed, device, mode, status, reason, final_test_accuracy, train_seconds FROM runs WHERE campaign = ? ORDER BY model, binding, seed')
          .all(o.campaign) as RunRow[];
        if (rows.length === 0) throw new BadInputError(`no runs for campaign '${o.campaign}': \`bindbench runs list\` shows the campaigns`);
        if (o.json) return printJson(rows);
        process.stdout.write(
          renderTextTable(
            ['run', 'status', 'test acc', 'train s'],
            rows.map((r) => [r.id, r.status, r.final_test_accuracy?.toFixed(4) ?? '—', r.train_seconds?.toFixed(2) ?? '—']),
          ) + '\n',
        );
      } finally {
        db.close();
      }
    });
  runs
    .command('show <run>')
    .description('show one run (id as <campaign>/<cell>): result, environment and epochs')
    .option('--json', 'print JSON')
    .action((runId: string, o, cmd: Command) => {
      const [campaign, key] = runId.split('/');
      const run = campaign && key ? readRunDir(runPaths(homeOf(cmd).store, campaign, key)) : null;
      if (!run) throw new BadInputError(`no complete run '${runId}': ids look like <campaign>/<cell>; \`bindbench runs list --campaign <id>\` lists them`);
      if (o.json) return printJson({ result: run.result, request: run.request, events: run.events });
      const r = run.result;
      process.stdout.write(
        [
          `run       ${r.run_id}`,
          `status    ${r.status}${r.reason ? ` (${r.reason})` : ''}`,
          `binding   ${r.cell.binding} (${r.framework}, ${r.language})`,
          `model     ${r.cell.model}, seed ${r.cell.seed}, ${r.cell.device}, data order ${r.cell.dataOrder}, init ${r.cell.init}`,
          `data      ${r.data_source}`,
          `accuracy  train ${r.final_train_accuracy ?? '—'}, test ${r.final_test_accuracy ?? '—'}`,
          `time      training ${r.train_seconds ?? '—'} s (evaluation excluded), runner wall ${r.wall_seconds ?? '—'} s, process ${r.process_seconds.toFixed(2)} s`,
          `dir       ${run.paths.dir}`,
          '',
        ].join('\n'),
      );
      const epochs = run.events.filter((e) => e.type === 'epoch');
      if (epochs.length) {
        process.stdout.write(
          renderTextTable(
            ['epoch', 'train acc', 'test acc', 'loss', 'train s', 'eval s'],
            epochs.map((e) => (e.type === 'epoch' ? [String(e.epoch), e.train_accuracy.toFixed(4), e.test_accuracy.toFixed(4), e.loss.toFixed(4), e.train_seconds.toFixed(3), e.eval_seconds.toFixed(3)] : [])),
          ) + '\n',
        );
      }
      if (r.stderr_tail) process.stdout.write(`\nstderr (tail):\n${r.stderr_tail}\n`);
    });
  runs
    .command('reindex')
    .description('rebuild the SQLite index from the run directories')
    .action((_o, cmd: Command) => {
      const n = rebuildIndex(homeOf(cmd).store);
      process.stdout.write(`indexed ${n} complete runs\n`);
    });
  runs
    .command('verify')
    .description('check that the index agrees with the run directories')
    .option('--json', 'print JSON')
    .action((o, cmd: Command) => {
      const problems = verifyIndex(homeOf(cmd).store);
      if (o.json) printJson(problems);
      else process.stdout.write(problems.length ? problems.map((p) => `${p.run}: ${p.problem}`).join('\n') + '\n' : 'index agrees with the run directories\n');
      if (problems.length) throw new BadInputError(`${problems.length} disagreement(s): run \`bindbench runs reindex\``);
    });
}
