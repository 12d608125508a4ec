import type { Character } from './characters';
import type { LoreEntry } from './lorebook';

/** A cast change or instruction that lands at the next turn boundary, inside the next user message (the prompt
 * layout renders it). */
export type StageDirection =
  | { kind: 'join'; character: Character }
  | { kind: 'retire'; character: Character }
  | { kind: 'revise'; character: Character }
  | { kind: 'address'; character: Character }
  | { kind: 'lore'; character: Character; entry: LoreEntry };

/** Raised for misuse the caller can fix; `code` is stable for UIs and the CLI. */
export class EngineError extends Error {
  constructor(
    readonly code: 'unknown-character' | 'last-member' | 'busy' | 'closed' | 'budget' | 'no-key' | 'context-full' | 'bad-input',
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

export type CastChange = 'join' | 'retire' | 'revise';

/**
 * Who is on the panel, and what changes wait for the next turn boundary. Invariants: at least one member is
 * present once pending changes apply; a member is never both present and retired; a character that left and
 * rejoins is present again (their old materials stay in the context; the join carries the current file).
 */
export class CastState {
  private present: Character[];
  private retired = new Map<string, Character>();
  private pending: Array<{ change: CastChange; character: Character }> = [];

  constructor(opening: readonly Character[]) {
    if (opening.length === 0) throw new EngineError('bad-input', 'a panel needs at least one member');
    this.present = [...opening];
  }

  get members(): readonly Character[] {
    return this.present;
  }
  get retiredMembers(): readonly Character[] {
    return [...this.retired.values()];
  }
  get queued(): ReadonlyArray<{ id: string; change: CastChange }> {
    return this.pending.map((p) => ({ id: p.character.id, change: p.change }));
  }

  isPresent(id: string): boolean {
    return this.present.some((c) => c.id === id);
  }

  find(id: string): Character | undefined {
    return this.present.find((c) => c.id === id) ?? this.retired.get(id);
  }

  /** Members present after the queued changes land. */
  private projected(): string[] {
    const ids = new Set(this.present.map((c) => c.id));
    for (const p of this.pending) {
      if (p.change === 'join') ids.add(p.character.id);
      if (p.change === 'retire') ids.delete(p.character.id);
    }
    return [...ids];
  }

  queueJoin(c: Character): void {
    const pendingIdx = this.pending.findIndex((p) => p.character.id === c.id && p.change === 'retire');
    if (pendingIdx >= 0) {
      this.pending.splice(pendingIdx, 1); // un-retiring before the boundary is a no-op change
      return;
    }
    if (this.projected().includes(c.id)) throw new EngineError('bad-input', `${c.name} is already on the panel`);
    this.pending.push({ change: 'join', character: c });
  }

  queueRetire(id: string): void {
    const joinIdx = this.pending.findIndex((p) => p.character.id === id && p.change === 'join');
    const projected = this.projected();
    if (!projected.includes(id)) throw new EngineError('unknown-character', `"${id}" is not on the panel`);
    if (projected.length <= 1) throw new EngineError('last-member', 'cannot retire the last member: a panel needs at least one');
    if (joinIdx >= 0) {
      this.pending.splice(joinIdx, 1);
      return;
    }
    const c = this.present.find((m) => m.id === id)!;
    this.pending = this.pending.filter((p) => p.character.id !== id);
    this.pending.push({ change: 'retire', character: c });
  }

  queueRevise(c: Character): void {
    if (!this.isPresent(c.id)) throw new EngineError('unknown-character', `"${c.id}" is not on the panel`);
    this.pending = this.pending.filter((p) => !(p.character.id === c.id && p.change === 'revise'));
    this.pending.push({ change: 'revise', character: c });
  }

  /** Apply queued changes at a turn boundary; returns them as stage directions, in the order queued. */
  land(): StageDirection[] {
    const landed = this.pending;
    this.pending = [];
    for (const p of landed) {
      if (p.change === 'join') {
        this.retired.delete(p.character.id);
        this.present.push(p.character);
      } else if (p.change === 'retire') {
        this.present = this.present.filter((c) => c.id !== p.character.id);
        this.retired.set(p.character.id, p.character);
      } else {
        this.present = this.present.map((c) => (c.id === p.character.id ? p.character : c));
      }
    }
    return landed.map((p) => ({ kind: p.change, character: p.character }));
  }

  /** Set the roster outright (a rewind): queued changes are dropped, since they were meant for the old line. */
  reset(present: readonly Character[], retired: readonly Character[]): void {
    if (present.length === 0) throw new EngineError('last-member', 'a panel needs at least one member');
    this.present = [...present];
    this.retired = new Map(retired.map((c) => [c.id, c]));
    this.pending = [];
  }
}
