/** `bindbench doctor`: every known binding, installed or not, with the versions found and what to do. */
import type { Command } from 'commander';
import { bindings } from '../bindings/index.js';
import { probeAll } from '../campaign/run-campaign.js';
import { collectHostEnvironment } from '../store/environment.js';
import { renderTextTable } from '../report/text-table.js';
import { homeOf } from './common.js';
import { emit } from './output.js';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('list every known binding: installed or not, and the versions found')
    .option('--json', 'print JSON')
    .action(async (o, cmd: Command) => {
      const home = homeOf(cmd);
      // Every other version installed beside a pinned binding is a binding of its own (`<id>@<version>`).
      const all = [...bindings, ...bindings.flatMap((b) => (b.versions ? b.versions.installed(home).filter((v) => v !== b.versions!.pinned).map((v) => b.versions!.variant(v)) : []))];
      const probes = await probeAll(all, home);
      const rows = all.map((b) => ({ id: b.id, library: b.library, language: b.language, ...probes.get(b.id)! }));
      const host = collectHostEnvironment();
      const table = renderTextTable(
        ['binding', 'library', 'status', 'versions'],
        rows.map((r) => [r.id, r.library, r.installed ? 'installed' : 'not installed', Object.entries(r.versions).map(([k, v]) => `${k} ${v}`).join(', ') || '—']),
      );
      const missing = rows.filter((r) => !r.installed);
      const text = [
        `state folder: ${home.root}\nhost: ${host.os}, ${host.cpu}, ${host.cores} cores, GPU: ${host.gpu ?? 'none found (nvidia-smi)'}\n\n`,
        `${table}\n`,
        missing.length ? '\n' + missing.map((r) => `${r.id}: ${r.detail}`).join('\n') + '\n' : '',
      ].join('');
      emit({ data: { home: home.root, host, bindings: rows }, text }, o.json);
    });
}
