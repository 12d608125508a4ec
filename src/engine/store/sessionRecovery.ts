import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { interactiveEventSchema, type InteractiveLog, type NewEvent, type SessionEvent } from './sessionSchema';
import { readJournal } from './journalLines';
import { SESSION_FILES, pathExists } from './sessionFiles';
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
  await writeSessionArtefacts(sessionDir, log);
  await removeJournal(sessionDir);
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
  for (const dir of await findUnclosed(sessionsDir)) {
    try {
      const { log } = await recoverSession(dir);
      const cut = log.events.at(-2); // recovery ends a cut turn with error + floor
      results.push({ dir, ok: true, message: `recovered ${log.events.length} events${cut?.type === 'error' && cut.kind === 'interrupted' ? ` (turn ${cut.turn} was cut and is marked interrupted)` : ''}` });
    } catch (err) {
      results.push({ dir, ok: false, message: (err as Error).message.replace(/\s*\n\s*/g, ' ') });
    }
  }
  return results;
}
