import * as path from 'node:path';
import { loadLibrary, type Library } from '../src/engine/cast/characters';

/** The repository root: the sample characters and brief the benchmarks play with live under it. */
export const REPO_ROOT = path.resolve(__dirname, '..');

/** Prices are taken at this model's table entry (a current Sonnet). */
export const BENCH_MODEL = 'claude-sonnet-4-6';
export const OPENING_CAST = ['mara', 'oskar', 'ilse'] as const;
export const BRIEF_ID = 'harbour-deal';

/**
 * One human turn of the scripted session. `join` / `retire` are queued just before `say`, so they land at
 * this turn's boundary; `to` makes it an @address turn.
 */
export interface ScriptedTurn {
  turn: number;
  say: string;
  to?: string;
  join?: string;
  retire?: string;
}

const FLOOR_LINES = [
  'Where does each of you stand on the Quayside scheme today?',
  'What would the marina actually cost the fishing co-operative?',
  'Suppose the committee halves the number of flats. Who walks away?',
  'Mara, is the marina really the only thing that makes the numbers work?',
  'The port authority says the container berth needs night access. Does that change anything?',
  'Who here would accept a smaller market hall in exchange for guaranteed berths?',
  'Tomás has joined us from the harbour workers. What should he know first?',
  'Is there a version of this deal that every one of you could sign this month?',
  'What happens if the financing window closes in March with no consent?',
  'Which promise made in the last planning round was broken, and by whom?',
  'Let me play devil’s advocate: why not sell the whole strip to the port?',
  'How would you explain your position to someone who has fished here for forty years?',
  'Oskar has to leave for another meeting. Anything to settle before he goes?',
  'Without Oskar in the room, does the berth question look different?',
  'What would a fair review clause look like, in one sentence each?',
  'Tomás, what do the harbour workers fear most about the night shifts?',
  'If the committee asked for one joint statement, what would it say?',
  'Where exactly is the red line that none of you will cross?',
  'Which of you has changed their mind today, and about what?',
  'Last question: what should I tell the committee you agreed on?',
];

/**
 * The benchmark's session, the same for the engine and the baselines. At 20 turns: three members (mara,
 * oskar, ilse), tomas joins at turn 7, oskar retires at turn 13, and turns 4 and 16 address mara and tomas.
 * Shorter runs (the smoke test) keep one join and one retire, moved forward so they still happen.
 */
export function panelScript(turns = 20): ScriptedTurn[] {
  if (!Number.isInteger(turns) || turns < 1) throw new Error(`panelScript: turns must be a positive whole number, got ${turns}`);
  const joinAt = Math.max(2, Math.round(turns * 0.35));
  const retireAt = Math.max(joinAt + 1, Math.round(turns * 0.65));
  const out: ScriptedTurn[] = [];
  for (let turn = 1; turn <= turns; turn++) {
    const say = FLOOR_LINES[(turn - 1) % FLOOR_LINES.length]!;
    const t: ScriptedTurn = { turn, say: turn > FLOOR_LINES.length ? `${say} (round ${Math.ceil(turn / FLOOR_LINES.length)})` : say };
    if (turn === joinAt) t.join = 'tomas';
    if (turn === retireAt) t.retire = 'oskar';
    if (turn === 4 && turn !== joinAt) t.to = 'mara';
    if (turn === 16 && turn > joinAt) t.to = 'tomas';
    out.push(t);
  }
  return out;
}

export async function benchLibrary(): Promise<Library> {
  const lib = await loadLibrary(path.join(REPO_ROOT, 'characters'));
  for (const id of ['mara', 'oskar', 'ilse', 'tomas']) {
    if (!lib.characters.has(id)) throw new Error(`the benchmark needs characters/${id}.md (problems: ${lib.problems.map((p) => p.message).join('; ') || 'none'})`);
  }
  if (!lib.briefs.has(BRIEF_ID)) throw new Error(`the benchmark needs characters/briefs/${BRIEF_ID}.md`);
  return lib;
}
