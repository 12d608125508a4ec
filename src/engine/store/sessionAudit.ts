import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { HUMAN_ID, SCHEMA_VERSION, parseEventLog, type EventLog, type InteractiveLog, type Participant } from './sessionSchema';
import { sumCostTotals } from './costTotals';
import { SESSION_FILES, pathExists } from './sessionFiles';
import { checkContinuationLinks } from './sessionContinuation';
import { checkFinalLine } from './sessionLine';
import { deriveParticipants } from './sessionLog';

/**
 * One thing wrong with one session folder. `path` is either a JSON path into its `event-log.json`
 * (`events[12].speaker`, `totals.usd`; `$` for the whole document) or the name of a file in the folder
 * (one of SESSION_FILES) when the problem is the file itself. `message` is one line.
 */
export interface AuditProblem {
  folder: string;
  path: string;
  message: string;
}

const USD_TOLERANCE = 1e-9;
const MAX_PROBLEMS_PER_FOLDER = 50;
const MAX_DEPTH = 8;

/** `folder: path: message`, one line, as the CLI prints it. */
export function formatProblem(p: AuditProblem): string {
  return `${p.folder}: ${p.path}: ${p.message}`.replace(/\s*[\r\n]+\s*/g, ' ');
}

/**
 * Audits every session folder under `dir` (a folder holding `event-log.json` or a journal; `dir` itself may
 * be one). Never throws for what it finds on disk: unreadable or corrupt files are problems like any other.
 */
export async function auditSessions(dir: string): Promise<{ folders: number; problems: AuditProblem[] }> {
  const stat = await fs.stat(dir).catch(() => null);
  if (!stat?.isDirectory()) return { folders: 0, problems: [{ folder: dir, path: '$', message: stat ? 'not a folder' : 'no such folder' }] };
  const folders = await findSessionFolders(dir, 0);
  const problems: AuditProblem[] = [];
  for (const folder of folders) {
    const found = await auditFolder(folder);
    const shown = found.slice(0, MAX_PROBLEMS_PER_FOLDER).map((p) => ({ folder, ...p }));
    if (found.length > shown.length) shown.push({ folder, path: '$', message: `... and ${found.length - shown.length} more problems` });
    problems.push(...shown);
  }
  return { folders: folders.length, problems };
}

// Session folders do not nest, so the walk stops at the first folder that is one; dot folders and
// node_modules are never research data.
async function findSessionFolders(dir: string, depth: number): Promise<string[]> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const names = new Set(entries.map((e) => e.name));
  if (names.has(SESSION_FILES.log) || names.has(SESSION_FILES.journal)) return [dir];
  if (depth >= MAX_DEPTH) return [];
  const subdirs = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules').map((e) => e.name).sort();
  const out: string[] = [];
  for (const name of subdirs) out.push(...(await findSessionFolders(path.join(dir, name), depth + 1)));
  return out;
}

type Found = Omit<AuditProblem, 'folder'>;

async function auditFolder(folder: string): Promise<Found[]> {
  const problems: Found[] = [];
  const hasJournal = await pathExists(path.join(folder, SESSION_FILES.journal));
  if (hasJournal) problems.push({ path: SESSION_FILES.journal, message: 'unclosed session (its journal is still here): run `recover` on this folder to finalise it' });
  const logFile = path.join(folder, SESSION_FILES.log);
  let text: string;
  try {
    text = await fs.readFile(logFile, 'utf8');
  } catch (err) {
    if (!hasJournal) problems.push({ path: SESSION_FILES.log, message: `cannot read: ${(err as Error).message}` });
    return problems;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    problems.push({ path: SESSION_FILES.log, message: `not valid JSON: ${(err as Error).message}` });
    return problems;
  }
  const version = (json as { schema_version?: unknown } | null)?.schema_version;
  if (typeof version === 'number' && version > SCHEMA_VERSION) {
    problems.push({ path: 'schema_version', message: `format version ${version} is newer than this tool knows (${SCHEMA_VERSION}): update Dialogue Panel to audit it` });
    return problems;
  }
  const parsed = parseEventLog(json);
  if (!parsed.ok) {
    problems.push(...parsed.issues);
    return problems;
  }
  problems.push(...checkLog(parsed.log));
  if (parsed.log.mode === 'interactive' && parsed.log.session_id !== path.basename(folder)) {
    problems.push({ path: 'session_id', message: `"${parsed.log.session_id}" is not the folder's name "${path.basename(folder)}"` });
  }
  if (parsed.log.mode === 'interactive') problems.push(...(await checkContinuationLinks(folder, parsed.log)));
  if (parsed.log.mode === 'interactive' && !(await isFile(path.join(folder, SESSION_FILES.transcript)))) {
    problems.push({ path: SESSION_FILES.transcript, message: 'missing: an interactive session folder must have its transcript' });
  }
  return problems;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The rules a valid schema cannot express (ordering, who may speak when, totals): recovery checks a journal with them too. */
export function checkLogConsistency(log: EventLog): Found[] {
  return checkLog(log);
}

function checkLog(log: EventLog): Found[] {
  const problems: Found[] = [];
  const ids = new Set<string>();
  log.participants.forEach((p, i) => {
    if (ids.has(p.id)) problems.push({ path: `participants[${i}].id`, message: `"${p.id}" is listed twice` });
    ids.add(p.id);
  });
  if (log.mode === 'interactive' && !ids.has(HUMAN_ID)) problems.push({ path: 'participants', message: `the human ("${HUMAN_ID}") is not a participant` });

  problems.push(...checkTimestamps(log));
  let prev: { seq: number; turn: number } | null = null;
  log.events.forEach((e, i) => {
    if (prev && e.seq <= prev.seq) problems.push({ path: `events[${i}].seq`, message: `${e.seq} is not greater than the previous event's seq ${prev.seq}` });
    if (prev && e.turn < prev.turn) problems.push({ path: `events[${i}].turn`, message: `${e.turn} is less than the previous event's turn ${prev.turn}` });
    prev = { seq: e.seq, turn: e.turn };
  });

  if (log.mode !== 'interactive') {
    log.events.forEach((e, i) => {
      if (!ids.has(e.speaker)) problems.push({ path: `events[${i}].speaker`, message: `"${e.speaker}" is not a participant` });
    });
    return problems;
  }

  problems.push(...checkParticipantSpans(log));
  problems.push(...checkFinalLine(log.events));
  // Presence follows the events in seq order: a leave takes effect at once, so a speak after it (even in
  // the same turn) is an error; a join likewise only from where it stands.
  const presence = presenceIntervals(log.events);
  const present = new Set<string>();
  log.events.forEach((e, i) => {
    if (e.type === 'intro') {
      e.cast.forEach((id, j) => {
        if (!ids.has(id)) problems.push({ path: `events[${i}].cast[${j}]`, message: `"${id}" is not a participant` });
        present.add(id);
      });
      return;
    }
    const who = 'speaker' in e ? e.speaker : e.type === 'human-speak' ? e.target : null;
    if (who === null) return;
    const at = e.type === 'human-speak' ? `events[${i}].target` : `events[${i}].speaker`;
    if (!ids.has(who)) {
      problems.push({ path: at, message: `"${who}" is not a participant` });
      return;
    }
    if (e.type === 'join') present.add(who);
    else if (e.type === 'leave') present.delete(who);
    else if (!present.has(who)) {
      const spans = presence.get(who) ?? [];
      problems.push({ path: at, message: `"${who}" is not present at turn ${e.turn} (${describeSpans(spans)}), at seq ${e.seq}` });
    }
  });

  const expected = sumCostTotals(log.events);
  for (const key of ['input_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens', 'output_tokens'] as const) {
    if (log.totals[key] !== expected[key]) problems.push({ path: `totals.${key}`, message: `${log.totals[key]}, but the cost events sum to ${expected[key]}` });
  }
  const usd = log.totals.usd;
  const want = expected.usd;
  if (usd === null ? want !== null : want === null || Math.abs(usd - want) > USD_TOLERANCE) {
    problems.push({ path: 'totals.usd', message: `${usd}, but the cost events sum to ${want}${want === null ? ' (a call has no known price)' : ''}` });
  }
  const kept = log.totals.keep_warm;
  const wantKept = expected.keep_warm;
  const keptUsdOff = (a: number | null | undefined, b: number | null | undefined) => (a == null || b == null ? a !== b : Math.abs(a - b) > USD_TOLERANCE);
  if (kept?.calls !== wantKept?.calls || keptUsdOff(kept?.usd, wantKept?.usd)) {
    const say = (k: typeof kept) => (k ? `${k.calls} call(s), usd ${k.usd}` : 'none');
    problems.push({ path: 'totals.keep_warm', message: `${say(kept)}, but the keep-warm cost events sum to ${say(wantKept)}` });
  }
  return problems;
}

// RFC 3339 / ISO 8601 with a date, a time and an offset (what `toISOString` writes), and a real instant.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function checkTimestamps(log: EventLog): Found[] {
  const problems: Found[] = [];
  const check = (value: unknown, at: string): void => {
    if (value === undefined || value === null) return;
    if (typeof value !== 'string' || !ISO_INSTANT.test(value) || Number.isNaN(Date.parse(value))) {
      problems.push({ path: at, message: `${JSON.stringify(value)} is not an ISO 8601 timestamp with a time zone` });
    }
  };
  const top = log as { started_at?: unknown; ended_at?: unknown };
  check(top.started_at, 'started_at');
  check(top.ended_at, 'ended_at');
  log.events.forEach((e, i) => check((e as { at?: unknown }).at, `events[${i}].at`));
  return problems;
}

// participants[] is derived from the events at close; a hand edit that makes them disagree is a problem.
function checkParticipantSpans(log: InteractiveLog): Found[] {
  let derived: Participant[];
  try {
    derived = deriveParticipants(log.events, new Map());
  } catch (err) {
    return [{ path: 'events', message: (err as Error).message }];
  }
  const problems: Found[] = [];
  log.participants.forEach((p, i) => {
    if (p.id === HUMAN_ID) return;
    const d = derived.find((x) => x.id === p.id);
    if (!d) {
      problems.push({ path: `participants[${i}]`, message: `"${p.id}" is never present in the events (no intro or join)` });
      return;
    }
    if (p.joined_turn !== undefined && p.joined_turn !== d.joined_turn) {
      problems.push({ path: `participants[${i}].joined_turn`, message: `${p.joined_turn}, but the events say ${d.joined_turn}` });
    }
    if (p.left_turn !== undefined && p.left_turn !== d.left_turn) {
      problems.push({ path: `participants[${i}].left_turn`, message: `${p.left_turn}, but the events say ${d.left_turn}` });
    }
  });
  return problems;
}

interface Span {
  from: number;
  to: number;
}

// Intro or join at turn t: present from turn t. Leave at turn t: absent after t.
function presenceIntervals(events: EventLog['events']): Map<string, Span[]> {
  const spans = new Map<string, Span[]>();
  const open = (id: string, turn: number): void => {
    const list = spans.get(id) ?? [];
    const last = list[list.length - 1];
    if (!last || last.to !== Infinity) list.push({ from: turn, to: Infinity });
    spans.set(id, list);
  };
  for (const e of events) {
    if (e.type === 'intro') for (const id of e.cast) open(id, e.turn);
    else if (e.type === 'join') open(e.speaker, e.turn);
    else if (e.type === 'leave') {
      const last = spans.get(e.speaker)?.at(-1);
      if (last && last.to === Infinity) last.to = e.turn;
    }
  }
  return spans;
}

function describeSpans(spans: Span[]): string {
  if (spans.length === 0) return 'never joined';
  return `present ${spans.map((s) => (s.to === Infinity ? `from turn ${s.from}` : `turns ${s.from}-${s.to}`)).join(', ')}`;
}
