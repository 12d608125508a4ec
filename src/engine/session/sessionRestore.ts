import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { CastState, EngineError } from '../cast/castState';
import { colorFromId, type Character, type Library } from '../cast/characters';
import { SCHEMA_VERSION, interactiveLogSchema, type InteractiveLog, type SessionConditions } from '../store/sessionSchema';
import { SESSION_FILES } from '../store/sessionFiles';
import { finalLine } from '../store/sessionLine';
import { conditionsNow } from './runConditions';

/** A closed session as its log has it, read without writing anything: enough to check a resume before it starts. */
export interface ClosedSession {
  log: InteractiveLog;
  /** members present at the end, in order of arrival. */
  present: string[];
  /** members who were present once and are not now. */
  retired: string[];
  /** the last turn number handed out. */
  turn: number;
  /** the turns still in the line (a rewind may go back to one of them). */
  live: number[];
  /** the conditions in force at the end; undefined for a log written before they were recorded. */
  conditions: SessionConditions | undefined;
}

/** What a closed session needs to go on besides its context (see contextLog.ts): its cast and last turn. */
export interface RestoredSession {
  cast: CastState;
  turn: number;
  /** the conditions the log opened with; undefined for a log written before they were recorded. */
  conditions: SessionConditions | undefined;
}

/**
 * Reads and checks a closed session folder: a valid interactive log of a format version this tool knows (a newer
 * one is refused, so it is never rewritten in an older form), and its context file. Writes nothing.
 */
export async function inspectClosedSession(sessionDir: string): Promise<ClosedSession> {
  const logFile = path.join(sessionDir, SESSION_FILES.log);
  const logText = await readOrExplain(logFile, 'is this a closed session folder? (run `recover` first if it was interrupted)');
  let json: unknown;
  try {
    json = JSON.parse(logText);
  } catch (err) {
    throw new EngineError('bad-input', `${logFile} is not valid JSON (${(err as Error).message}): audit it first`);
  }
  const version = (json as { schema_version?: unknown } | null)?.schema_version;
  if (typeof version === 'number' && version > SCHEMA_VERSION) {
    throw new EngineError('bad-input', `${logFile} has format version ${version}, newer than this tool knows (${SCHEMA_VERSION}): continue it with a newer Dialogue Panel`);
  }
  if ((json as { mode?: unknown } | null)?.mode !== 'interactive') throw new EngineError('bad-input', `${logFile} is not an interactive session log: only those can be continued`);
  const parsed = interactiveLogSchema.safeParse(json);
  if (!parsed.success) throw new EngineError('bad-input', `${sessionDir}: event-log.json is not a valid interactive session log (only those can be continued): ${z.prettifyError(parsed.error)}`);
  const log = parsed.data;
  const intro = log.events.find((e) => e.type === 'intro');
  if (!intro || intro.type !== 'intro') throw new EngineError('bad-input', `${sessionDir}: the log has no intro event`);
  if (!(await hasContext(sessionDir))) throw new EngineError('bad-input', `${path.join(sessionDir, SESSION_FILES.context)} is missing: it is needed to continue the session byte-for-byte`);
  // The roster as a set folded in log order: a rewind across a full cast swap logs its leaves before its joins,
  // so replaying them one by one through the cast's "never retire the last member" rule would refuse them.
  const present: string[] = [];
  const ever: string[] = [];
  let turn = 0;
  for (const e of log.events) {
    turn = Math.max(turn, e.turn);
    const arrive = (id: string): void => {
      if (!present.includes(id)) present.push(id);
      if (!ever.includes(id)) ever.push(id);
    };
    if (e.type === 'intro') e.cast.forEach(arrive);
    else if (e.type === 'join') arrive(e.speaker);
    else if (e.type === 'leave' && present.includes(e.speaker)) present.splice(present.indexOf(e.speaker), 1);
  }
  if (present.length === 0) throw new EngineError('bad-input', `${sessionDir}: nobody is on the panel at the end of the log`);
  return {
    log,
    present,
    retired: ever.filter((id) => !present.includes(id)),
    turn,
    live: finalLine(log.events).live,
    conditions: log.conditions ? conditionsNow(log.conditions, log.events) : undefined,
  };
}

/** Rebuild a closed session's cast from its log: who is present at the end, and who was once. */
export async function restoreSession(sessionDir: string, library: Library): Promise<RestoredSession> {
  const closed = await inspectClosedSession(sessionDir);
  const known = new Map(closed.log.participants.map((p) => [p.id, p]));
  const asCharacter = (id: string): Character => {
    const fromLibrary = library.characters.get(id);
    if (fromLibrary) return fromLibrary;
    const p = known.get(id);
    const name = p?.name ?? id;
    return { id, name, glyph: p?.glyph ?? Array.from(name)[0]!.toUpperCase(), color: p?.color ?? colorFromId(id), profile: '', sha256: '', file: '' };
  };
  const cast = new CastState(closed.present.map(asCharacter));
  cast.reset(closed.present.map(asCharacter), closed.retired.map(asCharacter));
  return { cast, turn: closed.turn, conditions: closed.log.conditions };
}

async function readOrExplain(file: string, hint: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new EngineError('bad-input', `${file} is missing: ${hint}`);
    throw err;
  }
}

/** Exposed for the CLI's `--resume`: the context file must exist for a byte-for-byte continuation. */
export async function hasContext(sessionDir: string): Promise<boolean> {
  try {
    await fs.access(path.join(sessionDir, SESSION_FILES.context));
    return true;
  } catch {
    return false;
  }
}
