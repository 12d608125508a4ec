import type { Character } from '../cast/characters';
import { loreTrigger, type LoreEntry } from '../cast/lorebook';
import { recalledLore, type PromptContext, type StageDirection } from '../prompt/promptLayout';
import type { NewEvent, SessionEvent } from '../store/sessionSchema';

/** One keyed lorebook entry a turn recalls, and the key its text named. */
export interface LoreRecall {
  character: Character;
  entry: LoreEntry;
  trigger: string;
}

/**
 * The keyed entries this turn recalls: those of members present this turn whose key the floor's line, or the
 * responses of the previous turn, name; each at most once per session (`recalled`: those already in the
 * context). They become stage directions in this turn's user message, at the end of the context, so the
 * cached prefix is never rewritten.
 */
export function recallLore(present: readonly Character[], scanText: string, recalled: ReadonlySet<string>): LoreRecall[] {
  const out: LoreRecall[] = [];
  for (const character of present) {
    for (const entry of character.lore ?? []) {
      if (recalled.has(`${character.id} ${entry.key}`)) continue;
      const trigger = loreTrigger(entry, scanText);
      if (trigger !== null) out.push({ character, entry, trigger });
    }
  }
  return out;
}

/** What a turn's lore scan reads: the floor's line, then the responses of the turn before it (if any). */
export function loreScanText(floorText: string, events: readonly SessionEvent[], previousTurn: number | null): string {
  const responses = previousTurn === null ? [] : events.filter((e) => e.type === 'speak' && e.turn === previousTurn).map((e) => (e.type === 'speak' ? e.text : ''));
  return [floorText, ...responses].join('\n');
}

export function loreDirection(r: LoreRecall): StageDirection {
  return { kind: 'lore', character: r.character, entry: r.entry };
}

export function loreEvent(turn: number, r: LoreRecall): NewEvent {
  return { type: 'lore', turn, speaker: r.character.id, entry: r.entry.key, name: r.entry.name, key: r.trigger };
}

/** Recalls this turn's lore: records a `lore` event per entry and returns the stage directions, in order. */
export function landLore(o: {
  turn: number;
  present: readonly Character[];
  floorText: string;
  events: readonly SessionEvent[];
  previousTurn: number | null;
  context: PromptContext;
  record: (e: NewEvent) => void;
}): StageDirection[] {
  const recalls = recallLore(o.present, loreScanText(o.floorText, o.events, o.previousTurn), recalledLore(o.context));
  for (const r of recalls) o.record(loreEvent(o.turn, r));
  return recalls.map(loreDirection);
}
