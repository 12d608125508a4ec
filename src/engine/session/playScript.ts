import { z } from 'zod';
import { characterIdSchema } from '../store/sessionSchema';

/** The longest scripted pause: a day, well past any cache TTL. */
export const MAX_WAIT_SECONDS = 24 * 60 * 60;

/** One line of a CLI script (JSON Lines). Cast changes land at the next turn boundary. */
export const scriptActionSchema = z.union([
  z.strictObject({ say: z.string().min(1, 'say needs some text'), to: characterIdSchema.optional() }),
  z.strictObject({ add: characterIdSchema }),
  z.strictObject({ retire: characterIdSchema }),
  z.strictObject({ regenerate: z.literal(true) }),
  z.strictObject({ edit: z.string().min(1, 'edit needs the new text') }),
  z.strictObject({ rewind: z.number().int().nonnegative() }),
  // Think time: the researcher pauses this long before the next action (the cache may cool meanwhile).
  z.strictObject({ wait: z.number().positive().max(MAX_WAIT_SECONDS) }),
]);
export type ScriptAction = z.infer<typeof scriptActionSchema>;

export class ScriptError extends Error {}

/** Parse a whole script up front, so a bad line fails before anything is written. Blank lines are skipped. */
export function parseScript(text: string, file: string): ScriptAction[] {
  const actions: ScriptAction[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line.length === 0) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (err) {
      throw new ScriptError(`${file}:${i + 1}: not valid JSON (${(err as Error).message})`);
    }
    const r = scriptActionSchema.safeParse(json);
    if (!r.success) {
      throw new ScriptError(`${file}:${i + 1}: not a script action — expected {"say": "..."}, {"say": "...", "to": "id"}, {"add": "id"}, {"retire": "id"}, {"regenerate": true}, {"edit": "..."}, {"rewind": N} or {"wait": SECONDS} (0 < SECONDS <= ${MAX_WAIT_SECONDS})`);
    }
    actions.push(r.data);
  });
  if (!actions.some((a) => 'say' in a)) throw new ScriptError(`${file}: the script has no {"say": ...} line, so there is nothing to play`);
  return actions;
}

/** Where a continued session stands before its script: the last turn, the turns in its line, its roster at each. */
export interface ScriptStart {
  turn: number;
  live: readonly number[];
  rosterAt(turn: number): readonly string[];
}

/**
 * Dry-run the script's cast changes against the opening cast (or, continuing a session, its roster now): unknown
 * ids, retiring the last member, addressing someone absent. Returns the first problem as a message naming the
 * line, or null.
 */
export function checkScriptCast(actions: readonly ScriptAction[], opening: readonly string[], known: ReadonlySet<string>, file: string, lineOf: (index: number) => number, start?: ScriptStart): string | null {
  let present = new Set(opening);
  let queued: Array<{ id: string; change: 'add' | 'retire' }> = [];
  // Turn numbers as the engine will assign them, with the roster after each, so a rewind can be checked too.
  let turn = start?.turn ?? 0;
  let live: number[] = [...(start?.live ?? [])];
  const rosterAfter = new Map<number, Set<string>>([[0, new Set(start ? start.rosterAt(0) : opening)]]);
  for (const t of live) rosterAfter.set(t, new Set(start!.rosterAt(t)));
  const projected = (): Set<string> => {
    const s = new Set(present);
    for (const q of queued) q.change === 'add' ? s.add(q.id) : s.delete(q.id);
    return s;
  };
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i]!;
    const where = `${file}:${lineOf(i)}`;
    if ('add' in a) {
      if (!known.has(a.add)) return `${where}: unknown character "${a.add}"`;
      if (projected().has(a.add)) return `${where}: "${a.add}" is already on the panel`;
      queued.push({ id: a.add, change: 'add' });
    } else if ('retire' in a) {
      const p = projected();
      if (!p.has(a.retire)) return `${where}: cannot retire "${a.retire}": not on the panel`;
      if (p.size <= 1) return `${where}: cannot retire "${a.retire}", the last member: a panel needs at least one`;
      queued.push({ id: a.retire, change: 'retire' });
    } else if ('regenerate' in a || 'edit' in a) {
      if (live.length === 0) return `${where}: nothing to ${'edit' in a ? 'edit' : 'regenerate'} before the first {"say": ...}`;
      turn++;
      rosterAfter.set(turn, new Set(present));
      live = [...live.slice(0, -1), turn];
    } else if ('wait' in a) {
      continue;
    } else if ('rewind' in a) {
      if (a.rewind !== 0 && !live.includes(a.rewind)) return `${where}: cannot rewind to turn ${a.rewind}: it is not a turn of the current line (live turns: ${live.join(', ') || 'none'})`;
      live = live.filter((t) => t <= a.rewind);
      present = new Set(rosterAfter.get(a.rewind));
      queued = [];
    } else {
      for (const q of queued.splice(0)) q.change === 'add' ? present.add(q.id) : present.delete(q.id);
      if (a.to !== undefined && !present.has(a.to)) return `${where}: cannot address "${a.to}": not on the panel at that turn`;
      turn++;
      live.push(turn);
      rosterAfter.set(turn, new Set(present));
    }
  }
  return null;
}

/** The 1-based file line of each action, for messages about a parsed script. */
export function actionLines(text: string): number[] {
  const out: number[] = [];
  text.split(/\r?\n/).forEach((l, i) => {
    if (l.trim().length > 0) out.push(i + 1);
  });
  return out;
}
