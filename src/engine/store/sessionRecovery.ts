import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { interactiveEventSchema, type InteractiveLog, type NewEvent, type SessionEvent } from './sessionSchema';
import { readJournal } from './journalLines';
import { checkLogConsistency } from './sessionAudit';
import { SESSION_FILES, SESSION_ID_PATTERN, pathExists, removeStaleTemps } from './sessionFiles';
import { liveHolder, processAlive, removeStaleLock, SessionBusyError } from './sessionLock';
import { buildInteractiveLog, removeJournal, writeSessionArtefacts } from './sessionLog';

/** Session folders directly under `sessionsDir` (or `sessionsDir` itself) that still have a journal. Sorted. */
export async function findUnclosed(sessionsDir: string): Promise<string[]> {
  if (await pathExists(path.join(sessionsDir, SESSION_FILES.journal))) return [sessionsDir];
  let entries;
  try {
    entries = await fs.readdir(sessionsDir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const dirs = entries.filter((d) => d.isDirectory()).map((d) => path.join(sessionsDir, d.name));
  const found: string[] = [];
  for (const dir of dirs) if (await pathExists(path.join(dir, SESSION_FILES.journal))) found.push(dir);
  return found.sort();
}

/**
 * Finalises an unclosed session from its journal. Only completed events were ever journaled, so everything in
 * it is kept as is; a torn last line (a kill mid-write) is dropped and noted as an `anomaly`; a turn that had
 * not reached its `floor` is closed with an `error` of kind `interrupted` and a `floor`. The added events carry
 * the time of the last journaled event (the last moment known alive), which is also `ended_at`;
 * `recovered_at` says when the recovery ran.
 */
export async function recoverSession(sessionDir: string): Promise<{ dir: string; log: InteractiveLog }> {
  const holder = await liveHolder(sessionDir);
  if (holder) throw new SessionBusyError(`${sessionDir} is still being written by process ${holder.pid} on ${holder.host}: not recovering a running session`);
  const { state, tornTail } = await readJournal(path.join(sessionDir, SESSION_FILES.journal));
  const events = state.events;
  const lastAt = events.length > 0 ? events[events.length - 1].at : state.header.started_at;
  const now = new Date().toISOString();
  const add = (e: NewEvent): void => {
    const seq = events.length > 0 ? events[events.length - 1].seq + 1 : 1;
    events.push(interactiveEventSchema.parse({ ...e, seq, at: lastAt }));
  };
  const lastTurn = events.length > 0 ? events[events.length - 1].turn : 0;
  if (tornTail !== null) {
    add({ type: 'anomaly', turn: lastTurn, kind: 'journal-torn-line', detail: `the last journal line was cut off by the interruption and is lost: ${tornTail.slice(0, 200)}` });
  }
  const open = openTurn(events);
  if (open !== null) {
    add({ type: 'error', turn: open, kind: 'interrupted', message: `the session stopped before turn ${open} finished (a crash or kill); recovered from the journal at ${now}. Responses not completed were never recorded, and the cost of the cut call is unknown.` });
    add({ type: 'floor', turn: open });
  }
  const log = buildInteractiveLog(state, { endedAt: lastAt, recoveredAt: now });
  // A journal that parses but contradicts itself was damaged or written by something else: guessing would
  // publish a wrong record, so it stays in place for a person to look at.
  const problems = checkLogConsistency(log);
  if (problems.length > 0) {
    throw new Error(`${path.join(sessionDir, SESSION_FILES.journal)} is inconsistent, left in place: ${problems.slice(0, 3).map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
  await writeSessionArtefacts(sessionDir, log);
  await removeJournal(sessionDir);
  await removeStaleLock(sessionDir);
  await removeStaleTemps(sessionDir, processAlive);
  return { dir: sessionDir, log };
}

/** The turn of the last human line if no `floor` followed it (the panel was still answering), else null. */
function openTurn(events: readonly SessionEvent[]): number | null {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e.type === 'floor') return null;
    if (e.type === 'human-speak') return e.turn;
  }
  return null;
}

/** Recovers every unclosed session; one failure does not stop the others. `message` is one line for people. */
export async function recoverAll(sessionsDir: string): Promise<Array<{ dir: string; ok: boolean; message: string }>> {
  const results: Array<{ dir: string; ok: boolean; message: string }> = [];
  const unclosed = await findUnclosed(sessionsDir);
  await removeStaleTemps(sessionsDir, processAlive);
  for (const dir of await sessionFolders(sessionsDir)) {
    if (unclosed.includes(dir)) continue;
    // No journal: a closed folder (whose stale lock or temps a crash may have left), or a start killed early.
    try {
      await removeStaleTemps(dir, processAlive);
      if (await pathExists(path.join(dir, SESSION_FILES.log))) await removeStaleLock(dir);
      else if (await removeUnstarted(dir)) results.push({ dir, ok: true, message: 'removed: the session was killed while starting, before anything was recorded' });
    } catch (err) {
      results.push({ dir, ok: false, message: (err as Error).message.replace(/\s*\n\s*/g, ' ') });
    }
  }
  for (const dir of unclosed) {
    try {
      if (await removeUnstarted(dir)) {
        results.push({ dir, ok: true, message: 'removed: the session was killed while starting, before anything was recorded' });
        continue;
      }
      const { log } = await recoverSession(dir);
      const cut = log.events.at(-2); // recovery ends a cut turn with error + floor
      results.push({ dir, ok: true, message: `recovered ${log.events.length} events${cut?.type === 'error' && cut.kind === 'interrupted' ? ` (turn ${cut.turn} was cut and is marked interrupted)` : ''}` });
    } catch (err) {
      results.push({ dir, ok: false, message: (err as Error).message.replace(/\s*\n\s*/g, ' ') });
    }
  }
  return results.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
}

async function sessionFolders(sessionsDir: string): Promise<string[]> {
  const entries = await fs.readdir(sessionsDir, { withFileTypes: true });
  return entries.filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => path.join(sessionsDir, d.name));
}

// What a start leaves before its intro is journaled: the lock, the journal's header, the context's system line.
const START_FILES: ReadonlySet<string> = new Set([SESSION_FILES.lock, SESSION_FILES.journal, SESSION_FILES.context]);

/**
 * Removes a folder that a start killed before its intro left behind (nothing was recorded, so nothing is lost),
 * when nobody holds it and it holds only what a start writes. Returns whether it did. An empty folder counts
 * only when its name is a session id, so a folder someone made by hand is never touched.
 */
async function removeUnstarted(dir: string): Promise<boolean> {
  const names = await fs.readdir(dir);
  if (names.some((n) => !START_FILES.has(n))) return false;
  if (names.length === 0 && !SESSION_ID_PATTERN.test(path.basename(dir))) return false;
  if (await liveHolder(dir)) return false;
  if (names.includes(SESSION_FILES.journal) && (await journalHasIntro(path.join(dir, SESSION_FILES.journal)))) return false;
  await fs.rm(dir, { recursive: true, force: true });
  return true;
}

async function journalHasIntro(file: string): Promise<boolean> {
  try {
    return (await readJournal(file)).state.events.some((e) => e.type === 'intro');
  } catch {
    // No header line at all (killed mid-way through writing it) is a start that never happened; any other
    // damage is not ours to judge here: recoverSession reports it.
    const text = await fs.readFile(file, 'utf8');
    return text.includes('\n');
  }
}
