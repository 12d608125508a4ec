import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SESSION_FILES, pathExists } from '../store/sessionFiles';
import { readJournal } from '../store/journalLines';
import { recoverSession } from '../store/sessionRecovery';
import type { PlannedRun } from './experimentPlan';
import type { ExperimentStore } from './experimentStore';
import { countSession, type SessionCounts } from './sessionCounts';
import { readSessionLog } from './summaryCsv';

/** A run's session folder name: `<time>-run-<hash>-<experiment>`; the run id is recovered from it. */
const RUN_FOLDER = /^\d{4}-\d{2}-\d{2}T\d{4}Z-(run-[0-9a-f]{10})(?:-|$)/;

export function runIdOfFolder(name: string): string | null {
  return RUN_FOLDER.exec(name)?.[1] ?? null;
}

/** Done means: closed, every scripted call reached its floor, and no call ended in an error (stopped included). */
export function isComplete(counts: SessionCounts, run: PlannedRun): boolean {
  return counts.calls >= run.turns && Object.keys(counts.errors).length === 0;
}

/**
 * Brings experiment.json in line with what is on disk after any interruption, before anything new starts:
 * - a session killed half-way (its journal still there) is finalised from the journal, then set aside;
 * - a closed session that finished every turn is adopted as its run's result even if experiment.json never
 *   heard of it (killed between close and the write), so nothing runs twice;
 * - any other session of a run that is not done (stopped, failed, cut) moves to `discarded/`: kept for the
 *   record and its cost counted in the spend, but the run is played again from the start.
 * Afterwards every run is either done (exactly one session under sessions/) or pending (none).
 */
export async function reconcile(store: ExperimentStore, runs: readonly PlannedRun[]): Promise<{ adopted: number; discarded: number }> {
  const byRun = new Map<string, string[]>();
  let entries: string[] = [];
  try {
    entries = (await fs.readdir(store.sessionsDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  for (const name of entries) {
    const id = runIdOfFolder(name);
    if (id) byRun.set(id, [...(byRun.get(id) ?? []), name]);
  }
  let adopted = 0;
  let discarded = 0;
  for (const run of runs) {
    const rec = store.run(run.id);
    let keep: string | null = rec.status === 'done' ? rec.session : null;
    const setAside: Array<{ folder: string; reason: string; usd: number | null }> = [];
    for (const folder of byRun.get(run.id) ?? []) {
      if (folder === keep) continue;
      const dir = path.join(store.sessionsDir, folder);
      const cut = await pathExists(path.join(dir, SESSION_FILES.journal));
      if (cut && (await isEmptyStart(dir))) {
        // killed between creating the folder and its first event: nothing was said or paid, so nothing to keep
        await fs.rm(dir, { recursive: true, force: true });
        continue;
      }
      if (cut) await recoverSession(dir);
      const log = await readSessionLog(dir);
      const counts = log ? countSession(log) : null;
      if (!cut && keep === null && counts && isComplete(counts, run)) {
        keep = folder;
        adopted++;
        await store.update(() => Object.assign(rec, { status: 'done', session: folder, usd: counts.usd, ended_at: log!.ended_at ?? undefined }));
        continue;
      }
      const reason = cut ? 'killed half-way: finalised from its journal and set aside; the run starts again' : rec.reason ?? `${rec.status} run: set aside; the run starts again`;
      setAside.push({ folder, reason, usd: counts?.usd ?? null });
    }
    if (rec.status === 'done' && (keep === null || !(await pathExists(path.join(store.sessionsDir, keep))))) keep = null;
    if (setAside.length > 0) await fs.mkdir(store.discardedDir, { recursive: true });
    for (const s of setAside) {
      await fs.rename(path.join(store.sessionsDir, s.folder), path.join(store.discardedDir, s.folder));
      discarded++;
    }
    // A run already pending with nothing set aside needs no write (a fresh experiment: every run).
    const unchanged = setAside.length === 0 && (keep !== null || (rec.status === 'pending' && rec.session === null && rec.usd === null));
    if (!unchanged) {
      await store.update(() => {
        if (setAside.length > 0) rec.discarded = [...(rec.discarded ?? []), ...setAside.map((s) => ({ session: s.folder, reason: s.reason, usd: s.usd }))];
        if (keep === null) Object.assign(rec, { status: 'pending', session: null, usd: null });
      });
    }
  }
  await store.update((d) => (d.spend_usd = recordedSpend(d)));
  return { adopted, discarded };
}

/**
 * A session folder whose journal holds at most its header line (possibly torn): the process died before the
 * session's first event, so there is nothing to recover.
 */
async function isEmptyStart(dir: string): Promise<boolean> {
  const text = await fs.readFile(path.join(dir, SESSION_FILES.journal), 'utf8');
  const lines = text.split('\n').filter((l) => l.trim().length > 0);
  if (lines.length <= 1) return true;
  const { state } = await readJournal(path.join(dir, SESSION_FILES.journal));
  return state.events.length === 0;
}

/** Spend on disk: every run's session (done, stopped or failed) and every discarded one. */
export function recordedSpend(d: { runs: Array<{ usd: number | null; discarded?: Array<{ usd: number | null }> }> }): number {
  let usd = 0;
  for (const r of d.runs) {
    usd += r.usd ?? 0;
    for (const x of r.discarded ?? []) usd += x.usd ?? 0;
  }
  return Math.round(usd * 1_000_000) / 1_000_000;
}
