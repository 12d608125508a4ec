import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { CastState, EngineError } from '../cast/castState';
import { colorFromId, type Character, type Library } from '../cast/characters';
import { interactiveLogSchema } from '../store/sessionSchema';
import { SESSION_FILES } from '../store/sessionFiles';

/** What a closed session needs to go on besides its context (see contextLog.ts): its cast and last turn. */
export interface RestoredSession {
  cast: CastState;
  turn: number;
}

/** Rebuild a closed session's cast from its log: the intro, then every join and leave in order. */
export async function restoreSession(sessionDir: string, library: Library): Promise<RestoredSession> {
  const logText = await readOrExplain(path.join(sessionDir, SESSION_FILES.log), 'is this a closed session folder? (run `recover` first if it was interrupted)');
  const parsed = interactiveLogSchema.safeParse(JSON.parse(logText) as unknown);
  if (!parsed.success) throw new EngineError('bad-input', `${sessionDir}: event-log.json is not a valid interactive session log (only those can be continued): ${z.prettifyError(parsed.error)}`);
  const log = parsed.data;


  const known = new Map(log.participants.map((p) => [p.id, p]));
  const asCharacter = (id: string): Character => {
    const fromLibrary = library.characters.get(id);
    if (fromLibrary) return fromLibrary;
    const p = known.get(id);
    const name = p?.name ?? id;
    return { id, name, glyph: p?.glyph ?? Array.from(name)[0]!.toUpperCase(), color: p?.color ?? colorFromId(id), profile: '', sha256: '', file: '' };
  };
  const intro = log.events.find((e) => e.type === 'intro');
  if (!intro || intro.type !== 'intro') throw new EngineError('bad-input', `${sessionDir}: the log has no intro event`);
  const cast = new CastState(intro.cast.map(asCharacter));
  let turn = 0;
  for (const e of log.events) {
    turn = Math.max(turn, e.turn);
    if (e.type === 'join') cast.queueJoin(asCharacter(e.speaker));
    else if (e.type === 'leave') cast.queueRetire(e.speaker);
    else continue;
    cast.land();
  }
  return { cast, turn };
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
