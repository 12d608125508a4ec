import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseEventLog, type EventLog } from '../store/sessionSchema';
import { SESSION_FILES, writeFileAtomic } from '../store/sessionFiles';
import { EXPERIMENT_FILES, type ExperimentJson } from './experimentStore';
import { countSession, type SessionCounts } from './sessionCounts';

/** The fixed columns of summary.csv, in order; per-character `<id>_spoke`, `<id>_passed`, `<id>_led` follow. */
export const SUMMARY_COLUMNS = [
  'run_id', 'condition_id', 'model', 'brief', 'cast', 'depth', 'ttl', 'max_tokens', 'script', 'replicate',
  'status', 'session', 'turns', 'input_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens',
  'output_tokens', 'usd', 'anomalies', 'refusals',
] as const;

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
export function csvField(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Reads and validates a closed session's log; null when it has none (still running, or discarded). */
export async function readSessionLog(dir: string): Promise<EventLog | null> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, SESSION_FILES.log), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const r = parseEventLog(JSON.parse(text));
  if (!r.ok) throw new Error(`${path.join(dir, SESSION_FILES.log)} does not validate (${r.issues[0]?.path}: ${r.issues[0]?.message}): run audit`);
  return r.log;
}

/** Counts for every run that has a closed session, by run id; `known` (counted as the runs closed) is not re-read. */
export async function countRuns(dir: string, data: ExperimentJson, known: ReadonlyMap<string, SessionCounts> = new Map()): Promise<Map<string, SessionCounts>> {
  const out = new Map<string, SessionCounts>();
  for (const r of data.runs) {
    if (r.session === null || r.status === 'running' || r.status === 'pending') continue;
    const counted = known.get(r.id);
    if (counted) {
      out.set(r.id, counted);
      continue;
    }
    const log = await readSessionLog(path.join(dir, EXPERIMENT_FILES.sessions, r.session));
    if (log) out.set(r.id, countSession(log));
  }
  return out;
}

/** summary.csv: one row per planned run (empty counts for runs not played), written atomically. */
export async function writeSummaryCsv(dir: string, data: ExperimentJson, known?: ReadonlyMap<string, SessionCounts>): Promise<string> {
  const counts = await countRuns(dir, data, known);
  const characters = new Set<string>();
  for (const c of data.conditions) for (const id of c.condition.cast) characters.add(id);
  for (const c of counts.values()) for (const id of Object.keys(c.characters)) characters.add(id);
  const ids = [...characters].sort();
  const header = [...SUMMARY_COLUMNS, ...ids.flatMap((id) => [`${id}_spoke`, `${id}_passed`, `${id}_led`])];
  const rows = [header.map(csvField).join(',')];
  for (const r of data.runs) {
    const c = data.conditions.find((x) => x.id === r.condition_id)!.condition;
    const n = counts.get(r.id);
    const anomalies = n ? Object.values(n.anomalies).reduce((a, b) => a + b, 0) : null;
    const row: Array<string | number | null> = [
      r.id, r.condition_id, c.model, c.brief, c.cast.join(' '), c.depth, c.ttl, c.max_tokens, c.script, r.replicate,
      r.status, r.session, n?.turns ?? null, n?.input_tokens ?? null, n?.cache_creation_input_tokens ?? null,
      n?.cache_read_input_tokens ?? null, n?.output_tokens ?? null, n?.usd ?? null, anomalies, n?.refusals ?? null,
      ...ids.flatMap((id) => {
        const ch = n?.characters[id];
        return ch ? [ch.spoke, ch.passed, ch.led] : [null, null, null];
      }),
    ];
    rows.push(row.map(csvField).join(','));
  }
  const file = path.join(dir, EXPERIMENT_FILES.csv);
  await writeFileAtomic(file, `${rows.join('\n')}\n`);
  return file;
}
