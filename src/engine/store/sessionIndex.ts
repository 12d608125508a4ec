import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { HUMAN_ID, parseEventLog, type EventLog, type InteractiveLog } from './sessionSchema';
import { SESSION_FILES, removeStaleTemps, writeFileAtomic } from './sessionFiles';
import { processAlive } from './sessionLock';
import { finalLine } from './sessionLine';

export const INDEX_VERSION = 1;

/** One closed session as listed in `index.json`; every field is derived from its `event-log.json`. */
export const indexEntrySchema = z.object({
  id: z.string().describe('the folder name (the session_id for logs this tool writes)'),
  title: z.string(),
  started_at: z.string(),
  ended_at: z.string().nullable(),
  cast: z.array(z.string()).describe('display names of every character ever present, in order of arrival'),
  turns: z.number().int().nonnegative().describe('interactive: the human turns in the final line (superseded ones not counted); batch: the highest turn'),
  superseded_turns: z.number().int().nonnegative().default(0).describe('turns set aside by a regenerate, edit, rewind or sample choice (still in the log)'),
  usd: z.number().nullable().describe('the total cost; null when unknown (a batch log, or a model without a price)'),
  mode: z.enum(['interactive', 'batch']),
  continues_from: z.string().optional().describe('the session this one was carried over from'),
  continued_in: z.string().optional().describe('the session this one was carried over to'),
});
export type IndexEntry = z.infer<typeof indexEntrySchema>;

/** `sessions/index.json`. Holds nothing that is not in the folders (no generation time), so it never drifts or churns. */
export const indexFileSchema = z.object({
  index_version: z.number().int().positive(),
  sessions: z.array(indexEntrySchema),
});
export type IndexFile = z.infer<typeof indexFileSchema>;

/** Builds the entry for one log; `id` is the folder name. */
export function indexEntry(id: string, log: EventLog): IndexEntry {
  const characters = log.participants.filter((p) => p.id !== HUMAN_ID && p.kind !== 'human');
  return {
    id,
    title: log.title ?? (log.mode === 'interactive' ? log.brief?.title : undefined) ?? log.session_id,
    started_at: log.started_at,
    ended_at: log.ended_at,
    cast: characters.map((p) => p.name || p.id),
    ...(log.mode === 'interactive' ? lineCounts(log.events) : { turns: log.events.reduce((m, e) => Math.max(m, e.turn), 0), superseded_turns: 0 }),
    usd: log.mode === 'interactive' ? log.totals.usd : null,
    mode: log.mode === 'interactive' ? 'interactive' : 'batch',
    ...(log.mode === 'interactive' && log.continues_from !== undefined ? { continues_from: log.continues_from } : {}),
    ...(log.mode === 'interactive' && log.continued_in !== undefined ? { continued_in: log.continued_in } : {}),
  };
}

function lineCounts(events: InteractiveLog['events']): { turns: number; superseded_turns: number } {
  const line = finalLine(events);
  return { turns: line.live.length, superseded_turns: line.superseded.length };
}

/**
 * Regenerates `<sessionsDir>/index.json` from the session folders directly under it (sorted by id) and writes it
 * atomically. Folders without a readable, valid log are left out; `audit` is where they get reported. Temp files
 * a crashed writer left (here or in a session folder) are removed on the way.
 */
export async function writeIndex(sessionsDir: string): Promise<IndexFile> {
  const entries = await fs.readdir(sessionsDir, { withFileTypes: true });
  await removeStaleTemps(sessionsDir, processAlive);
  const sessions: IndexEntry[] = [];
  for (const d of entries) {
    if (!d.isDirectory() || d.name.startsWith('.')) continue;
    await removeStaleTemps(path.join(sessionsDir, d.name), processAlive);
    let json: unknown;
    try {
      json = JSON.parse(await fs.readFile(path.join(sessionsDir, d.name, SESSION_FILES.log), 'utf8'));
    } catch {
      continue;
    }
    const parsed = parseEventLog(json);
    if (parsed.ok) sessions.push(indexEntry(d.name, parsed.log));
  }
  sessions.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const file: IndexFile = { index_version: INDEX_VERSION, sessions };
  await writeFileAtomic(path.join(sessionsDir, SESSION_FILES.index), `${JSON.stringify(file, null, 2)}\n`);
  return file;
}

/** Reads and validates an index; null when there is none or it does not validate (regenerate it then). */
export async function readIndex(sessionsDir: string): Promise<IndexFile | null> {
  try {
    const r = indexFileSchema.safeParse(JSON.parse(await fs.readFile(path.join(sessionsDir, SESSION_FILES.index), 'utf8')));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}
