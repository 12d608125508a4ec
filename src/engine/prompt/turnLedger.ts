import type { SessionEvent } from '../store/sessionSchema';

/**
 * Where each turn sits in the context, and which turns still carry the conversation forward. The context
 * only grows at its end between redo operations; a regenerate, edit, rewind or sample choice cuts it back
 * to a point it had before, so the cached prefix up to that point still matches.
 */
export interface TurnSlot {
  /** index of the turn's user message in `PromptContext.messages`. */
  userIndex: number;
  /** the raw reply as received ('' when nothing arrived). */
  reply: string;
  /** the first turn of the sample group: a turn and its regenerations share the user message. */
  root: number;
}

/** What a rewind would undo, for the confirmation the UI shows. */
export interface RewindPreview {
  toTurn: number;
  turns: number[];
  humanLines: number;
  responses: number;
  castChanges: Array<{ id: string; change: 'join' | 'leave' }>;
}

export class TurnLedger {
  private slots = new Map<number, TurnSlot>();
  private superseded = new Set<number>();

  open(turn: number, userIndex: number, root = turn): void {
    this.slots.set(turn, { userIndex, reply: '', root });
  }
  setReply(turn: number, reply: string): void {
    const s = this.slots.get(turn);
    if (s) s.reply = reply;
  }
  slot(turn: number): TurnSlot | undefined {
    return this.slots.get(turn);
  }
  isLive(turn: number): boolean {
    return this.slots.has(turn) && !this.superseded.has(turn);
  }
  supersede(turns: readonly number[]): void {
    for (const t of turns) this.superseded.add(t);
  }
  restore(turn: number): void {
    this.superseded.delete(turn);
  }

  /** The newest turn still in the line, or null before the first turn. */
  lastLive(): number | null {
    let best: number | null = null;
    for (const t of this.slots.keys()) if (!this.superseded.has(t) && (best === null || t > best)) best = t;
    return best;
  }

  /** The newest live turn before `turn`, or 0 when none is (the start of the session). */
  lastLiveBefore(turn: number): number {
    let best = 0;
    for (const t of this.slots.keys()) if (t < turn && !this.superseded.has(t) && t > best) best = t;
    return best;
  }

  /** Live turns after `turn`, in order. */
  liveAfter(turn: number): number[] {
    return [...this.slots.keys()].filter((t) => t > turn && !this.superseded.has(t)).sort((a, b) => a - b);
  }

  /** Every sample of the turn's group (the turn, its regenerations and theirs), oldest first. */
  samples(turn: number): number[] {
    const root = this.slots.get(turn)?.root;
    return [...this.slots.entries()].filter(([, s]) => s.root === root).map(([t]) => t).sort((a, b) => a - b);
  }

  /** Number of context messages that end turn `turn` (0 for "before the first turn"). */
  contextEnd(turn: number): number {
    // Before the first turn: whatever opened the context (a greeting) stays; it ends where the first turn's user message sits.
    if (turn === 0) return this.slots.size === 0 ? 0 : Math.min(...[...this.slots.values()].map((s) => s.userIndex));
    const s = this.slots.get(turn);
    if (!s) throw new Error(`turn ${turn} is not in the ledger`);
    return s.userIndex + 1 + (s.reply.length > 0 ? 1 : 0);
  }
}

/**
 * The members present at the end of `turn`, replayed from the log: every intro/join/leave in journal order
 * up to the last event of that turn. Rewind compensations come later in the log, so they are excluded.
 */
export function rosterAt(events: readonly SessionEvent[], turn: number): string[] {
  let lastSeq = 0;
  for (const e of events) if (e.turn <= turn) lastSeq = Math.max(lastSeq, e.seq);
  const present: string[] = [];
  for (const e of events) {
    if (e.seq > lastSeq) break;
    if (e.type === 'intro') present.splice(0, present.length, ...e.cast);
    else if (e.type === 'join' && !present.includes(e.speaker)) present.push(e.speaker);
    else if (e.type === 'leave') present.splice(present.indexOf(e.speaker) >>> 0, present.includes(e.speaker) ? 1 : 0);
  }
  return present;
}

export function previewRewind(events: readonly SessionEvent[], ledger: TurnLedger, currentRoster: readonly string[], toTurn: number): RewindPreview {
  const turns = ledger.liveAfter(toTurn);
  const inTurns = (e: SessionEvent) => turns.includes(e.turn);
  const then = rosterAt(events, toTurn);
  return {
    toTurn,
    turns,
    humanLines: events.filter((e) => e.type === 'human-speak' && inTurns(e)).length,
    responses: events.filter((e) => e.type === 'speak' && inTurns(e)).length,
    castChanges: [
      ...currentRoster.filter((id) => !then.includes(id)).map((id) => ({ id, change: 'leave' as const })),
      ...then.filter((id) => !currentRoster.includes(id)).map((id) => ({ id, change: 'join' as const })),
    ],
  };
}
