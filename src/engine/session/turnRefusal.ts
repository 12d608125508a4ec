import type { Character } from '../cast/characters';
import type { CallResult } from '../model/modelCall';
import { previewRewind } from '../prompt/turnLedger';
import type { TurnRedo, RedoHost } from './turnRedo';

/** A turn the model declined and the session set aside: what "Try again" / "Edit your line" ask again. */
export interface RefusedTurn {
  turn: number;
  text: string;
  target: string | null;
  category: string | null;
}

/**
 * The model declined turn `turn` (stop_reason `refusal`). Anthropic's guidance is that the context must be
 * reset before continuing, or later turns keep being refused: so the refusal is recorded with what had
 * arrived, and the turn is set aside exactly as a rewind to the turn before it would (a `supersede` with reason
 * `refusal`, the roster put back, nothing deleted from the log). Cast changes that had landed at the refused
 * turn, and any queued while it ran, are queued again so the next turn lands them: the researcher asked for
 * them, the model did not decline them.
 */
export function setAsideRefusedTurn(host: RedoHost, redo: TurnRedo, turn: number, result: CallResult, model: string): RefusedTurn {
  const details = result.stopDetails;
  host.record({
    type: 'refusal',
    turn,
    model,
    category: details?.category ?? null,
    explanation: details?.explanation ?? null,
    partial_text: result.text,
  });
  const landed: Array<{ id: string; change: 'join' | 'retire' | 'revise' }> = [];
  for (const e of host.events()) {
    if (e.turn !== turn) continue;
    if ((e.type === 'join' || e.type === 'leave') && e.reason === undefined) landed.push({ id: e.speaker, change: e.type === 'join' ? 'join' : 'retire' });
    else if (e.type === 'revise') landed.push({ id: e.speaker, change: 'revise' });
  }
  const queued = [...host.cast.queued];
  const before = host.ctx.ledger.lastLiveBefore(turn);
  const preview = previewRewind(host.events(), host.ctx.ledger, host.cast.members.map((c) => c.id), before);
  redo.setAside(preview, 'refusal');
  const byId = (id: string): Character | undefined => host.cast.find(id) ?? host.library().characters.get(id);
  const again = [...landed, ...queued];
  for (const q of again) {
    const c = byId(q.id);
    if (!c) continue; // a file deleted meanwhile: nothing to land
    if (q.change === 'join') host.cast.queueJoin(c);
    else if (q.change === 'retire') host.cast.queueRetire(q.id);
    else host.cast.queueRevise(c);
  }
  if (again.length > 0) host.castChanged();
  const asked = [...host.events()].reverse().find((e) => e.type === 'human-speak' && e.turn === turn);
  return {
    turn,
    text: asked?.type === 'human-speak' ? asked.text : '',
    target: asked?.type === 'human-speak' ? asked.target : null,
    category: details?.category ?? null,
  };
}
