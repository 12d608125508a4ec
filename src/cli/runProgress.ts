import type { RunnerUpdate } from '../engine/experiments/experimentRunner';
import { formatUsd } from '../engine/cost/costMeter';

/** Renders runner updates: a live bar on a terminal (stderr), else one line per finished run (stdout). */
export function progressReporter(o: { tty: boolean; out: NodeJS.WritableStream; err: NodeJS.WritableStream; now?: () => number }): { update: (u: RunnerUpdate) => void; end: () => void } {
  const now = o.now ?? Date.now;
  let total = 0;
  let done = 0;
  let doneAtStart = 0;
  let spend = 0;
  let started = now();
  let drawn = false;
  let lastDraw = 0;
  let batchNote = '';
  const bar = (): string => {
    const width = 24;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    const finishedHere = done - doneAtStart;
    const left = total - done;
    const eta = finishedHere > 0 && left > 0 ? ` · ETA ${duration(((now() - started) / finishedHere) * left)}` : '';
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} runs · ${formatUsd(spend)}${eta}${batchNote}`;
  };
  const draw = (force: boolean): void => {
    if (!o.tty) return;
    const t = now();
    if (!force && t - lastDraw < 100) return; // a cost event per call: redraw at most ten times a second
    lastDraw = t;
    o.err.write(`\r\x1b[2K${bar()}`);
    drawn = true;
  };
  const line = (text: string): void => {
    if (o.tty && drawn) o.err.write('\r\x1b[2K');
    (o.tty ? o.err : o.out).write(`${text}\n`);
    draw(true);
  };
  return {
    update(u) {
      if (u.kind === 'start') {
        total = u.total;
        done = doneAtStart = u.done;
        started = now();
        const resumed = u.done > 0 || u.adopted > 0 || u.discarded > 0;
        line(`${u.toRun} of ${u.total} run(s) to play${resumed ? ` (resuming: ${u.done} done${u.adopted ? `, ${u.adopted} adopted from an interrupted run` : ''}${u.discarded ? `, ${u.discarded} unfinished session(s) set aside in discarded/` : ''})` : ''}`);
      } else if (u.kind === 'spend') {
        spend = u.spendUsd;
        draw(false);
      } else if (u.kind === 'run') {
        done = u.done;
        spend = u.spendUsd;
        const r = u.run;
        line(`${r.status === 'done' ? 'done   ' : r.status === 'failed' ? 'FAILED ' : 'stopped'} ${r.id} replicate ${r.replicate} (${u.done}/${u.total}) ${formatUsd(r.usd)}${r.reason ? ` — ${r.reason}` : ''}`);
      } else if (u.kind === 'batch') {
        const p = u.progress;
        if (p.event === 'polling') {
          batchNote = ` · batch ${p.status} ${p.done}/${p.items} (${Math.round(p.elapsedMs / 1000)} s)`;
          draw(false);
        } else if (p.event === 'submitted') {
          batchNote = ` · batch of ${p.items} submitted`;
          line(`batch ${p.id}: ${p.items} request(s) submitted`);
        } else if (p.event === 'ended') {
          batchNote = '';
          line(`batch ${p.id}: ended, ${p.done}/${p.items} answered after ${Math.round(p.elapsedMs / 1000)} s`);
        } else {
          line(`batch${p.id ? ` ${p.id}` : ''}: ${p.detail ?? p.event}`);
        }
      } else {
        line(u.message);
      }
    },
    end() {
      if (o.tty && drawn) o.err.write(`\r\x1b[2K${bar()}\n`);
    },
  };
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
