import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  HUMAN_ID,
  SCHEMA_VERSION,
  formatJsonPath,
  interactiveLogSchema,
  type InteractiveLog,
  type Participant,
  type SessionEvent,
} from './sessionSchema';
import { sumCostTotals } from './costTotals';
import type { JournalState } from './journalLines';
import { SESSION_FILES, fsyncDir, writeFileAtomic } from './sessionFiles';
import type { ParticipantInfo } from './sessionHeader';
import { renderTranscript } from './transcript';

/** The human's display name when nobody noted one. */
export const DEFAULT_HUMAN_NAME = 'Human';

/**
 * The human first, then every character ever present in order of first arrival. `joined_turn` is the first
 * arrival (intro or join); `left_turn` is the last `leave` if the character is absent at the end, else null.
 * Display fields come from the latest participant note; an id never noted is its own name.
 */
export function deriveParticipants(events: readonly SessionEvent[], notes: ReadonlyMap<string, ParticipantInfo>): Participant[] {
  const seen = new Map<string, { joined: number; left: number | null }>();
  const arrive = (id: string, turn: number): void => {
    if (id === HUMAN_ID) throw new Error(`a character cannot use the id "${HUMAN_ID}": it is the human's`);
    const s = seen.get(id);
    if (s) s.left = null;
    else seen.set(id, { joined: turn, left: null });
  };
  for (const e of events) {
    if (e.type === 'intro') for (const id of e.cast) arrive(id, e.turn);
    else if (e.type === 'join') arrive(e.speaker, e.turn);
    else if (e.type === 'leave') {
      const s = seen.get(e.speaker);
      if (s) s.left = e.turn;
    }
  }
  const human = notes.get(HUMAN_ID);
  const out: Participant[] = [{ id: HUMAN_ID, name: human?.name ?? DEFAULT_HUMAN_NAME, kind: 'human', joined_turn: 0, left_turn: null }];
  for (const [id, s] of seen) {
    const note = notes.get(id);
    out.push({
      id,
      name: note?.name ?? id,
      kind: 'character',
      ...(note?.glyph !== undefined ? { glyph: note.glyph } : {}),
      ...(note?.color !== undefined ? { color: note.color } : {}),
      joined_turn: s.joined,
      left_turn: s.left,
    });
  }
  return out;
}

/** Builds the closed log from a journal's state and validates it; an invalid log is a bug and throws. */
export function buildInteractiveLog(state: JournalState, o: { endedAt: string | null; recoveredAt?: string }): InteractiveLog {
  const h = state.header;
  const candidate: InteractiveLog = {
    schema_version: SCHEMA_VERSION,
    mode: 'interactive',
    session_id: h.session_id,
    title: h.title,
    started_at: h.started_at,
    ended_at: o.endedAt,
    model: state.model,
    brief: h.brief,
    ...(h.conditions ? { conditions: h.conditions } : {}),
    participants: deriveParticipants(state.events, state.participants),
    events: [...state.events],
    totals: sumCostTotals(state.events),
    ...(h.continues_from !== undefined ? { continues_from: h.continues_from } : {}),
    ...(h.continued_in !== undefined ? { continued_in: h.continued_in } : {}),
    ...(o.recoveredAt ? { recovered_at: o.recoveredAt } : {}),
  };
  if (!state.events.some((e) => e.type === 'intro')) {
    throw new Error(`session ${h.session_id}: the journal has no intro event (the session never started), so there is no log to write`);
  }
  const r = interactiveLogSchema.safeParse(candidate);
  if (!r.success) {
    const detail = r.error.issues.slice(0, 5).map((i) => `${formatJsonPath(i.path)}: ${i.message}`).join('; ');
    throw new Error(`refusing to write an invalid event log for session ${h.session_id}: ${detail}`);
  }
  return r.data;
}

/** The log as written to disk: 2-space JSON and a final newline, so diffs in the research repository stay readable. */
export function serializeLog(log: unknown): string {
  return `${JSON.stringify(log, null, 2)}\n`;
}

/**
 * Writes the closed artefacts, each atomically. The caller removes the journal only after this (see
 * `removeJournal`): a crash at any point leaves either the journal (recover again) or the finished folder,
 * never a folder that looks closed but is missing events.
 */
export async function writeSessionArtefacts(dir: string, log: InteractiveLog): Promise<void> {
  await writeFileAtomic(path.join(dir, SESSION_FILES.log), serializeLog(log));
  await writeFileAtomic(path.join(dir, SESSION_FILES.transcript), renderTranscript(log));
}

/** The last step of closing; the journal's file descriptor must already be closed (Windows cannot delete an open file). */
export async function removeJournal(dir: string): Promise<void> {
  await fs.rm(path.join(dir, SESSION_FILES.journal), { force: true });
  await fsyncDir(dir);
}
