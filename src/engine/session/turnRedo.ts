import { EngineError, type CastState } from '../cast/castState';
import type { Character, Library } from '../cast/characters';
import type { ContextLog } from '../prompt/contextLog';
import type { NewEvent, SessionEvent } from '../store/sessionSchema';
import { previewRewind, rosterAt, type RewindPreview } from '../prompt/turnLedger';

/** What the redo operations need from their session: its context log, cast, log and turn loop. */
export interface RedoHost {
  readonly ctx: ContextLog;
  readonly cast: CastState;
  events(): readonly SessionEvent[];
  library(): Library;
  /** the last turn number handed out. */
  currentTurn(): number;
  /** hands out the next turn number. */
  nextTurn(): number;
  record(e: NewEvent): SessionEvent;
  castChanged(): void;
  forgetFailedTurn(): void;
  runTurn(target: string | null): Promise<void>;
  /** throws unless the session is open and not answering. */
  ensureIdle(): void;
  /** throws when the next call would pass the budget or the context window. */
  checkCanCall(): void;
  /** the context is being cut back: the cached prefix being kept warm is no longer the one the next turn extends. */
  contextCut(): void;
}

/**
 * Regenerate, edit, rewind and sample choice. Each cuts the context back to a point it had before (so the
 * cached prefix up to there still matches), and records what it set aside as `supersede`: the log stays
 * append-only and the research record keeps every sample.
 */
export class TurnRedo {
  constructor(private readonly host: RedoHost) {}

  /** Ask the last live turn again: the same user line (regenerate) or its floor words replaced (edit). */
  async redo(kind: 'regenerate' | 'edit', newText: string | null): Promise<void> {
    const h = this.host;
    h.ensureIdle();
    const last = h.ctx.ledger.lastLive();
    const asked = last === null ? undefined : this.humanLine(last);
    if (last === null || !asked) throw new EngineError('bad-input', `there is no turn to ${kind} yet`);
    if (newText !== null && newText.trim().length === 0) throw new EngineError('bad-input', 'the edited line is empty');
    h.checkCanCall();
    const slot = h.ctx.ledger.slot(last)!;
    const original = h.ctx.context.messages[slot.userIndex]!.content[0]!;
    const user = newText === null ? original : replaceFloorLine(original, asked.text, newText);
    h.ctx.cut(slot.userIndex);
    h.ctx.push({ role: 'user', content: [user] });
    const turn = h.nextTurn();
    h.ctx.supersede([last]);
    h.ctx.open(turn, slot.userIndex, kind === 'regenerate' ? slot.root : turn);
    h.record({ type: 'supersede', turn, reason: kind, turns: [last] });
    h.record({ type: 'human-speak', turn, text: newText ?? asked.text, target: asked.target, redo_of: last, redo: kind });
    await h.runTurn(asked.target);
  }

  preview(toTurn: number): RewindPreview {
    const h = this.host;
    if (!Number.isInteger(toTurn) || toTurn < 0) throw new EngineError('bad-input', 'rewind needs a turn number ≥ 0');
    if (toTurn !== 0 && !h.ctx.ledger.isLive(toTurn)) throw new EngineError('bad-input', `turn ${toTurn} is not in the current line of the session`);
    return previewRewind(h.events(), h.ctx.ledger, h.cast.members.map((c) => c.id), toTurn);
  }

  async rewind(toTurn: number): Promise<RewindPreview> {
    const h = this.host;
    h.ensureIdle();
    const preview = this.preview(toTurn);
    if (preview.turns.length === 0) return preview;
    this.setAside(preview, 'rewind');
    await h.ctx.sync();
    return preview;
  }

  /**
   * Cut the context back to the end of `preview.toTurn`, supersede the later turns, and put the roster back as
   * it was then (logged as join/leave with the same reason). A rewind, or a refused turn set aside.
   */
  setAside(preview: RewindPreview, reason: 'rewind' | 'refusal'): void {
    const h = this.host;
    h.ctx.cut(h.ctx.ledger.contextEnd(preview.toTurn));
    h.contextCut();
    h.ctx.supersede(preview.turns);
    h.record({ type: 'supersede', turn: h.currentTurn(), reason, turns: preview.turns });
    const byId = (id: string): Character => h.cast.find(id) ?? h.library().characters.get(id)!;
    for (const change of preview.castChanges) {
      const c = byId(change.id);
      if (change.change === 'join') h.record({ type: 'join', turn: h.currentTurn(), speaker: c.id, profile_sha256: this.profileSha(c.id, preview.toTurn), reason });
      else h.record({ type: 'leave', turn: h.currentTurn(), speaker: c.id, reason });
    }
    const then = rosterAt(h.events(), preview.toTurn);
    const everyone = [...h.cast.members, ...h.cast.retiredMembers];
    h.cast.reset(then.map(byId), everyone.filter((c) => !then.includes(c.id)));
    h.forgetFailedTurn();
    h.castChanged();
  }

  samples(): number[] {
    const last = this.host.ctx.ledger.lastLive();
    return last === null ? [] : this.host.ctx.ledger.samples(last);
  }

  async selectSample(turn: number): Promise<void> {
    const h = this.host;
    h.ensureIdle();
    const last = h.ctx.ledger.lastLive();
    if (last === null || last === turn) return;
    if (!h.ctx.ledger.samples(last).includes(turn)) throw new EngineError('bad-input', `turn ${turn} is not a sample of turn ${last}`);
    const slot = h.ctx.ledger.slot(turn)!;
    h.ctx.cut(slot.userIndex + 1);
    if (slot.reply.length > 0) h.ctx.push({ role: 'assistant', content: [slot.reply] });
    h.ctx.supersede([last]);
    h.ctx.restore(turn);
    h.record({ type: 'supersede', turn: h.currentTurn(), reason: 'select', turns: [last], restored: [turn] });
    await h.ctx.sync();
  }

  private humanLine(turn: number): { text: string; target: string | null } | undefined {
    const events = this.host.events();
    for (let i = events.length - 1; i >= 0; i--) {
      const e = events[i]!;
      if (e.type === 'human-speak' && e.turn === turn) return e;
    }
    return undefined;
  }

  /**
   * The revision a member rejoining by rewind had at `toTurn`, from the record (their last join or revise up to
   * then, else the intro's profiles), since that is what the context holds again; null when no record has it (a
   * session logged before the intro carried profiles), rather than a hash of a file that may have changed since.
   */
  private profileSha(id: string, toTurn: number): string | null {
    let sha: string | null = null;
    for (const e of this.host.events()) {
      if (e.turn > toTurn) break;
      if (e.type === 'intro') sha = e.profiles?.[id] ?? sha;
      else if ((e.type === 'join' || e.type === 'revise') && e.speaker === id && e.profile_sha256 !== null) sha = e.profile_sha256;
    }
    return sha;
  }
}

/** The edited user message: the same stage directions, only the floor's words changed. */
export function replaceFloorLine(userText: string, oldText: string, newText: string): string {
  const from = `From the floor: ${JSON.stringify(oldText)}`;
  const at = userText.lastIndexOf(from);
  if (at < 0) throw new EngineError('bad-input', 'the last human line could not be found in the context');
  return userText.slice(0, at) + `From the floor: ${JSON.stringify(newText)}` + userText.slice(at + from.length);
}
