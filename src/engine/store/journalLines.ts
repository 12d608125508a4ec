import { promises as fs } from 'node:fs';
import { z } from 'zod';
import { briefRefSchema, conditionsSchema, formatJsonPath, interactiveEventSchema, type SessionEvent } from './sessionSchema';
import type { ParticipantInfo, SessionHeader } from './sessionHeader';

/**
 * The journal (`journal.jsonl`): one JSON object per line, `kind` first. Line 1 is the header; then, in the
 * order they happened, participant notes, model changes and events. Only completed things are written, so
 * every line that made it to disk is true; at most the last line can be torn (a kill mid-write).
 */
export const JOURNAL_VERSION = 1;

const headerSchema = z.object({
  session_id: z.string().min(1),
  title: z.string(),
  started_at: z.string().min(1),
  model: z.string(),
  brief: briefRefSchema.nullable(),
  continues_from: z.string().optional(),
  continued_in: z.string().optional(),
  conditions: conditionsSchema.optional(),
});
const participantInfoSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  glyph: z.string().optional(),
  color: z.string().optional(),
});

const journalLineSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('header'), journal_version: z.literal(JOURNAL_VERSION), header: headerSchema }),
  z.object({ kind: z.literal('participant'), participant: participantInfoSchema }),
  z.object({ kind: z.literal('model'), model: z.string() }),
  z.object({ kind: z.literal('event'), event: interactiveEventSchema }),
]);
/** One journal line, as written and as read back. */
export type JournalLine = z.infer<typeof journalLineSchema>;

/** Everything a journal holds; enough to build the closed log. `participants` keeps the latest note per id. */
export interface JournalState {
  header: SessionHeader;
  participants: Map<string, ParticipantInfo>;
  model: string;
  events: SessionEvent[];
}

/** The line as written: JSON escapes every newline inside strings, so one object is always one line. */
export function encodeJournalLine(line: JournalLine): string {
  return `${JSON.stringify(line)}\n`;
}

export function emptyState(header: SessionHeader): JournalState {
  return { header, participants: new Map(), model: header.model, events: [] };
}

/** Applies one line to the state (the same code path for live appends and for reading back). */
export function applyJournalLine(state: JournalState, line: JournalLine): void {
  switch (line.kind) {
    case 'header':
      throw new Error('a journal has exactly one header, on its first line');
    case 'participant':
      state.participants.set(line.participant.id, line.participant);
      return;
    case 'model':
      state.model = line.model;
      return;
    case 'event':
      state.events.push(line.event);
      return;
  }
}

/** What reading a journal found: the state, and the torn last line if there was one (dropped). */
export interface JournalRead {
  state: JournalState;
  tornTail: string | null;
}

/**
 * Reads a journal back. A last line that does not parse is a write cut short by a kill and is dropped; a bad
 * line anywhere else means the file was damaged after the fact, and guessing would silently lose data, so it
 * throws naming the line.
 */
export async function readJournal(file: string): Promise<JournalRead> {
  const text = await fs.readFile(file, 'utf8');
  const lines = text.split('\n');
  // Each line is written in one call with its '\n' last, so a torn write can only be the text after the final
  // '\n'; a strict prefix of a JSON object never parses, so a complete-but-unterminated line is still whole.
  const last = lines.length - 1;
  let state: JournalState | null = null;
  let tornTail: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    if (raw.trim() === '') continue;
    const parsed = parseLine(raw);
    if (!parsed.ok) {
      if (i === last) {
        tornTail = raw;
        continue;
      }
      throw new Error(`${file}:${i + 1}: ${parsed.message}`);
    }
    const line = parsed.line;
    if (!state) {
      if (line.kind !== 'header') throw new Error(`${file}:${i + 1}: the first line must be the journal header`);
      state = emptyState(line.header);
      continue;
    }
    try {
      applyJournalLine(state, line);
    } catch (err) {
      throw new Error(`${file}:${i + 1}: ${(err as Error).message}`);
    }
  }
  if (!state) throw new Error(`${file}: no journal header (the session folder was created but nothing was written)`);
  return { state, tornTail };
}

function parseLine(raw: string): { ok: true; line: JournalLine } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    return { ok: false, message: `not JSON (${(err as Error).message})` };
  }
  const r = journalLineSchema.safeParse(json);
  if (r.success) return { ok: true, line: r.data };
  const i = r.error.issues[0];
  return { ok: false, message: `${formatJsonPath(i.path)}: ${i.message}` };
}
