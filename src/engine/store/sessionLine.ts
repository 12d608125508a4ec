import type { LogIssue, SessionEvent } from './sessionSchema';

/**
 * The "final line" of a session: a regenerate, edit, rewind or sample choice never deletes anything, it appends
 * a `supersede` event, and the turns that still carry the conversation are what is left after folding every
 * supersede event in log order. Transcript, index and audit all read the line through this one file.
 */

/** The turns of an interactive log as its final line sees them. Each list is ascending; `live` and `superseded` partition `asked`. */
export interface FinalLine {
  /** every turn with a human line */
  asked: number[];
  /** asked turns that still carry the conversation at the end: what a viewer shows */
  live: number[];
  /** asked turns set aside by the end: what a viewer may offer */
  superseded: number[];
}

type SupersedeEvent = Extract<SessionEvent, { type: 'supersede' }>;
type HumanSpeakEvent = Extract<SessionEvent, { type: 'human-speak' }>;

const ascending = (a: number, b: number): number => a - b;

// Listed turns first, then restored ones: an event cannot both set aside and bring back the same turn.
function applySupersede(superseded: Set<number>, e: SupersedeEvent): void {
  for (const t of e.turns) superseded.add(t);
  for (const t of e.restored ?? []) superseded.delete(t);
}

/** The superseded set at the end of the log (turns need not have been asked; the audit reports those). */
export function supersededAtEnd(events: readonly SessionEvent[]): Set<number> {
  const out = new Set<number>();
  for (const e of events) if (e.type === 'supersede') applySupersede(out, e);
  return out;
}

export function finalLine(events: readonly SessionEvent[]): FinalLine {
  const asked = new Set<number>();
  for (const e of events) if (e.type === 'human-speak') asked.add(e.turn);
  const out = supersededAtEnd(events);
  const all = [...asked].sort(ascending);
  return { asked: all, live: all.filter((t) => !out.has(t)), superseded: all.filter((t) => out.has(t)) };
}

/**
 * Each asked turn's redo family, named by its first turn: a turn, the turns that asked it again (`redo_of`),
 * and theirs. A regenerate and an edit both join the family of the turn they re-ask.
 */
export function redoRoots(events: readonly SessionEvent[]): Map<number, number> {
  const root = new Map<number, number>();
  for (const e of events) {
    if (e.type !== 'human-speak' || root.has(e.turn)) continue;
    root.set(e.turn, e.redo_of !== undefined ? (root.get(e.redo_of) ?? e.turn) : e.turn);
  }
  return root;
}

/**
 * What the schema cannot say about the line (audit rules): a supersede event sets aside turns that were asked
 * before it and are still in the line, and brings back only turns that were set aside; a re-asked turn
 * (`redo_of`) names an earlier turn that a supersede event has already set aside, and a regenerate repeats its
 * line word for word; a roster change marked `rewind` directly follows the rewind's supersede event.
 */
export function checkFinalLine(events: readonly SessionEvent[]): LogIssue[] {
  const problems: LogIssue[] = [];
  const asked = new Map<number, HumanSpeakEvent>();
  const superseded = new Set<number>();
  // The turn of the rewind whose roster changes may follow, or null when the previous event was something else.
  let rewindAt: { turn: number; reason: 'rewind' | 'refusal' } | null = null;
  events.forEach((e, i) => {
    const at = `events[${i}]`;
    if (e.type === 'human-speak') {
      problems.push(...checkRedo(e, at, asked, superseded));
      if (!asked.has(e.turn)) asked.set(e.turn, e);
    } else if (e.type === 'supersede') {
      if (e.turns.length === 0) problems.push({ path: `${at}.turns`, message: 'a supersede event must list the turns it sets aside' });
      const seen = new Set<number>();
      e.turns.forEach((t, j) => {
        if (!asked.has(t)) problems.push({ path: `${at}.turns[${j}]`, message: `turn ${t} has no human line before this event, so there is nothing to supersede` });
        else if (superseded.has(t) || seen.has(t)) problems.push({ path: `${at}.turns[${j}]`, message: `turn ${t} is already superseded` });
        seen.add(t);
      });
      (e.restored ?? []).forEach((t, j) => {
        if (!superseded.has(t)) problems.push({ path: `${at}.restored[${j}]`, message: `turn ${t} is not superseded before this event, so it cannot be restored` });
      });
      applySupersede(superseded, e);
    } else if ((e.type === 'join' || e.type === 'leave') && e.reason !== undefined) {
      if (rewindAt?.turn !== e.turn || rewindAt.reason !== e.reason) {
        problems.push({ path: `${at}.reason`, message: `a roster change undone by a ${e.reason} must directly follow the ${e.reason}'s supersede event at turn ${e.turn}` });
      }
      return; // a rewind (or a refused turn set aside) may undo several changes in a row
    }
    rewindAt = e.type === 'supersede' && (e.reason === 'rewind' || e.reason === 'refusal') ? { turn: e.turn, reason: e.reason } : null;
  });
  return problems;
}

function checkRedo(e: HumanSpeakEvent, at: string, asked: ReadonlyMap<number, HumanSpeakEvent>, superseded: ReadonlySet<number>): LogIssue[] {
  if (e.redo_of === undefined && e.redo === undefined) return [];
  if (e.redo_of === undefined) return [{ path: `${at}.redo`, message: 'a re-asked turn names the turn it asks again: redo_of is missing' }];
  if (e.redo === undefined) return [{ path: `${at}.redo_of`, message: 'a re-asked turn says how it was asked again: redo ("regenerate" or "edit") is missing' }];
  const original = asked.get(e.redo_of);
  if (e.redo_of >= e.turn || !original) {
    return [{ path: `${at}.redo_of`, message: `${e.redo_of} is not an earlier turn with a human line` }];
  }
  if (!superseded.has(e.redo_of)) {
    return [{ path: `${at}.redo_of`, message: `turn ${e.redo_of} is still in the line: a supersede event must set it aside before it is asked again` }];
  }
  if (e.redo === 'regenerate' && (e.text !== original.text || e.target !== original.target)) {
    return [{ path: `${at}.${e.text !== original.text ? 'text' : 'target'}`, message: `a regenerate asks turn ${e.redo_of}'s line again unchanged, but this one differs (an edit is redo "edit")` }];
  }
  return [];
}
