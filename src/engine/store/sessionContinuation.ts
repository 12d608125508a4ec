import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SCHEMA_VERSION, formatJsonPath, interactiveLogSchema, type InteractiveLog, type LogIssue } from './sessionSchema';
import { SESSION_FILES, isSessionFolderName, pathExists, writeFileAtomic } from './sessionFiles';
import { serializeLog } from './sessionLog';
import { renderTranscript } from './transcript';

/**
 * Carry-over links: a session that was carried over to a fresh one names it in `continued_in`, and the fresh one
 * names it back in `continues_from`. Both are session ids, which are the folder names; the two folders normally
 * sit side by side in one sessions folder.
 */

/**
 * Sets `continued_in` on a closed session's `event-log.json` (and regenerates its transcript, which shows the
 * link). The log is validated before and after, and written atomically; every other field, known or not, is
 * kept as it was. Linking again to the same id does nothing. Throws, writing nothing, when the folder is not a
 * closed interactive session with a valid log, when the id cannot be a session folder, or when the session is
 * already continued elsewhere.
 */
export async function linkContinuation(closedSessionDir: string, continuedInId: string): Promise<void> {
  const dir = closedSessionDir;
  const logFile = path.join(dir, SESSION_FILES.log);
  if (!isSessionFolderName(continuedInId)) throw new Error(`cannot link ${dir}: "${continuedInId}" is not a session folder name`);
  if (await pathExists(path.join(dir, SESSION_FILES.journal))) {
    throw new Error(`cannot link ${dir}: it is not closed (its ${SESSION_FILES.journal} is still there); close or recover it first`);
  }
  for (const name of [SESSION_FILES.log, SESSION_FILES.transcript]) {
    if (!(await pathExists(path.join(dir, name)))) throw new Error(`cannot link ${dir}: it is not a closed session folder (${name} is missing)`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(logFile, 'utf8'));
  } catch (err) {
    throw new Error(`cannot link ${dir}: ${logFile} is not readable JSON (${(err as Error).message})`, { cause: err });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || (raw as { mode?: unknown }).mode !== 'interactive') {
    throw new Error(`cannot link ${dir}: ${logFile} is not an interactive session log (only those are carried over)`);
  }
  const version = (raw as { schema_version?: unknown }).schema_version;
  if (typeof version === 'number' && version > SCHEMA_VERSION) {
    throw new Error(`cannot link ${dir}: its log has format version ${version}, newer than this tool knows (${SCHEMA_VERSION})`);
  }
  const log = parseOrExplain(raw, dir, logFile);
  if (log.session_id === continuedInId) throw new Error(`cannot link ${dir}: a session cannot be carried over to itself`);
  if (log.continued_in === continuedInId) return;
  if (log.continued_in !== undefined) throw new Error(`cannot link ${dir} to "${continuedInId}": it is already continued in "${log.continued_in}"`);

  const linked = withKeyAfter(raw as Record<string, unknown>, 'continued_in', continuedInId, ['continues_from', 'totals']);
  const checked = parseOrExplain(linked, dir, logFile);
  await writeFileAtomic(logFile, serializeLog(linked));
  await writeFileAtomic(path.join(dir, SESSION_FILES.transcript), renderTranscript(checked));
}

function parseOrExplain(json: unknown, dir: string, logFile: string): InteractiveLog {
  const r = interactiveLogSchema.safeParse(json);
  if (r.success) return r.data;
  const i = r.error.issues[0];
  throw new Error(`cannot link ${dir}: ${logFile} is not a valid event log (${formatJsonPath(i.path)}: ${i.message}); audit it first`);
}

// A copy with `key` placed after the first of `after` that is present (else last), so the diff of a linked log
// is one added line in a predictable place.
function withKeyAfter(obj: Record<string, unknown>, key: string, value: unknown, after: readonly string[]): Record<string, unknown> {
  const anchor = after.find((k) => k in obj);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === key) continue;
    out[k] = v;
    if (k === anchor) out[key] = value;
  }
  if (!(key in out)) out[key] = value;
  return out;
}

/**
 * Audit rules for the links: each names a session folder other than this one; when the named folder exists next
 * to this one and is closed, it links back; the intro's `carried_over.from` agrees with `continues_from`. A named
 * folder that is missing, still open or invalid is not a problem of this folder (its own audit reports it).
 */
export async function checkContinuationLinks(folder: string, log: InteractiveLog): Promise<LogIssue[]> {
  const problems: LogIssue[] = [];
  const intro = log.events.findIndex((e) => e.type === 'intro');
  const introEvent = log.events[intro];
  const carriedFrom = introEvent?.type === 'intro' ? introEvent.carried_over?.from : undefined;
  if (carriedFrom !== undefined && carriedFrom !== log.continues_from) {
    problems.push({ path: `events[${intro}].carried_over.from`, message: `"${carriedFrom}", but continues_from is ${log.continues_from === undefined ? 'not set' : `"${log.continues_from}"`}` });
  }
  const links = [
    { field: 'continued_in', back: 'continues_from' },
    { field: 'continues_from', back: 'continued_in' },
  ] as const;
  for (const { field, back } of links) {
    const id = log[field];
    if (id === undefined) continue;
    if (!isSessionFolderName(id)) {
      problems.push({ path: field, message: `"${id}" is not a session folder name` });
      continue;
    }
    if (id === log.session_id) {
      problems.push({ path: field, message: 'a session cannot be carried over to or from itself' });
      continue;
    }
    const other = await readClosedLog(path.join(path.dirname(folder), id));
    if (other && other[back] !== log.session_id) {
      problems.push({ path: field, message: `the session "${id}" next to this folder has ${back} ${other[back] === undefined ? 'not set' : `"${other[back]}"`}, not "${log.session_id}"` });
    }
  }
  return problems;
}

async function readClosedLog(dir: string): Promise<InteractiveLog | null> {
  try {
    const r = interactiveLogSchema.safeParse(JSON.parse(await fs.readFile(path.join(dir, SESSION_FILES.log), 'utf8')));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}
