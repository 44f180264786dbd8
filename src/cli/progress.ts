/** Renders campaign events as a progress display on stderr: cells done/left, current epoch, ETA. */
import type { CampaignEvent } from '../campaign/run-campaign.js';

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** One cell in words: cells may run side by side, so each line names its own. */
function cellLabel(e: { index: number; total: number; cell: Extract<CampaignEvent, { type: 'cell-start' }>['cell'] }): string {
  const c = e.cell;
  return `[${e.index}/${e.total}] ${c.model} ${c.binding} seed ${c.seed} ${c.device}${c.mode === 'convert' && c.source ? ` converting from ${c.source.binding}` : c.source ? ` ${c.source.loadMode} from ${c.source.binding}` : ''}`;
}

export function progressPrinter(out: NodeJS.WritableStream = process.stderr): (e: CampaignEvent) => void {
  const tty = (out as NodeJS.WriteStream).isTTY === true;
  const began = Date.now();
  let finished = 0;
  let total = 0;
  let status = '';
  const labels = new Map<string, string>();
  const eta = () => (finished ? duration((((Date.now() - began) / 1000) / finished) * (total - finished)) : '?');
  const show = (line: string, final = false) => {
    if (tty) out.write(`\r\x1b[K${line}${final ? '\n' : ''}`);
    else if (final) out.write(line + '\n');
  };
  return (e) => {
    switch (e.type) {
      case 'planned':
        total = e.toRun;
        out.write(`campaign ${e.campaign}: ${e.cells.length} cells, ${e.toRun} to run\n`);
        break;
      case 'cell-skipped':
        break;
      case 'cell-start':
        status = cellLabel(e);
        labels.set(e.cell.key, status);
        show(`${status} starting  (eta ${eta()})`);
        if (!tty) out.write(`${status} ...\n`);
        break;
      case 'cell-event':
        if (e.event.type === 'epoch') {
          show(`${labels.get(e.cell.key) ?? status} epoch ${e.event.epoch}/${e.cell.hyper.epochs} ${e.event.test_accuracy === null ? `train acc ${e.event.train_accuracy.toFixed(4)}` : `test acc ${e.event.test_accuracy.toFixed(4)}`}  (eta ${eta()})`);
        }
        break;
      case 'cell-end': {
        finished++;
        const r = e.result;
        const what =
          r.status !== 'ok'
            ? `${r.status.toUpperCase()}: ${r.reason}`
            : e.cell.mode === 'convert'
              ? `ok  wrote ${Object.keys(r.artifacts).join(', ') || 'nothing'}`
              : r.source
              ? // Raw counts only: whether the load reproduced its source is the analysis' verdict, in the table at the end.
                `ok  correct ${r.source.target_correct ?? '—'} (source ${r.source.correct ?? '—'})  ${r.mean_inference_seconds?.toFixed(4) ?? '—'} s/pass`
              : `ok  test acc ${r.final_test_accuracy?.toFixed(4) ?? '—'}  train ${r.train_seconds?.toFixed(2) ?? '—'} s`;
        show(`${cellLabel(e)} ${what}`, true);
        labels.delete(e.cell.key);
        break;
      }
    }
  };
}
