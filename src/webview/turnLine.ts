import type { SessionEvent } from './sessionEvent';

type HumanSpeak = Extract<SessionEvent, { type: 'human-speak' }>;
type Supersede = Extract<SessionEvent, { type: 'supersede' }>;
export type SupersedeReason = Supersede['reason'];

/** One human turn as the panel knows it. `root` and `group` never change once set. */
export interface TurnInfo {
  turn: number;
  text: string;
  target: string | null;
  /** The first turn of its sample group: a turn and its regenerations (same words, same context) share it. */
  root: number;
  /** The turn whose place on screen this one takes: the first turn of its chain of regenerations and edits. */
  group: number;
  redo: 'regenerate' | 'edit' | undefined;
}

/**
 * Which turns carry the conversation forward: `supersede` events folded in seq order (a `select` can bring a
 * turn back). The webview's copy of the engine's ledger, rebuilt from events alone so a replay shows the same.
 */
export class TurnLine {
  private readonly turns = new Map<number, TurnInfo>();
  private readonly byRoot = new Map<number, number[]>();
  private readonly superseded = new Map<number, SupersedeReason>();
  private maxTurn = 0;

  reset(): void {
    this.turns.clear();
    this.byRoot.clear();
    this.superseded.clear();
    this.maxTurn = 0;
  }

  add(ev: HumanSpeak): TurnInfo {
    const asked = ev.redo_of === undefined ? undefined : this.turns.get(ev.redo_of);
    const root = asked && ev.redo === 'regenerate' ? asked.root : ev.turn;
    const info: TurnInfo = {
      turn: ev.turn, text: ev.text, target: ev.target, root, group: asked ? asked.group : ev.turn, redo: ev.redo,
    };
    this.turns.set(ev.turn, info);
    const samples = this.byRoot.get(root) ?? [];
    samples.push(ev.turn);
    samples.sort((a, b) => a - b);
    this.byRoot.set(root, samples);
    this.maxTurn = Math.max(this.maxTurn, ev.turn);
    return info;
  }

  /** Applies one supersede event; returns the known turns whose liveness it changed. */
  supersede(ev: Supersede): number[] {
    const changed: number[] = [];
    for (const t of ev.turns) {
      if (!this.superseded.has(t) && this.turns.has(t)) changed.push(t);
      this.superseded.set(t, ev.reason);
    }
    for (const t of ev.restored ?? []) {
      if (this.superseded.delete(t) && this.turns.has(t)) changed.push(t);
    }
    return changed;
  }

  get(turn: number): TurnInfo | undefined {
    return this.turns.get(turn);
  }

  isLive(turn: number): boolean {
    return this.turns.has(turn) && !this.superseded.has(turn);
  }

  /** Why the turn left the line, or undefined while it is live. */
  supersededBy(turn: number): SupersedeReason | undefined {
    return this.superseded.get(turn);
  }

  /** The newest live turn (the one regenerate, edit and sample choice act on); null before the first turn. */
  lastLive(): number | null {
    // Turn numbers only grow, so this walks back over the superseded tail only (empty unless just rewound).
    for (let t = this.maxTurn; t > 0; t--) if (this.isLive(t)) return t;
    return null;
  }

  /** The samples the turn can be flipped between (it and every regeneration of the same line), oldest first. */
  samples(turn: number): readonly number[] {
    const info = this.turns.get(turn);
    return info ? (this.byRoot.get(info.root) ?? [turn]) : [];
  }
}
