import { EngineError } from '../cast/castState';
import { userTurnText, type StageDirection } from '../prompt/promptLayout';
import { landLore } from './loreRecall';
import type { TurnRunner } from './turnRunner';

/** How a turn re-asks an earlier one (a refused turn tried again), and the model it goes to if not the session's. */
export interface AskAgain {
  redo_of: number;
  redo: 'regenerate' | 'edit';
  model?: string;
}

/**
 * One human turn: queued cast changes land (join/leave/revise events), the line is recorded and appended to the
 * context with its stage directions, and the model is asked. Resolves when the floor returns; API failures
 * become events and notices, not rejections.
 */
export async function askPanel(runner: TurnRunner, text: string, target: string | null, again?: AskAgain): Promise<void> {
  const { cast, journal, ctx } = runner;
  runner.ensureIdle();
  if (text.trim().length === 0) throw new EngineError('bad-input', 'say something first');
  runner.checkCanCall();
  const landing = cast.queued;
  const addressee = target === null ? null : cast.find(target);
  const willBePresent = target === null || (cast.isPresent(target) && !landing.some((q) => q.id === target && q.change === 'retire')) || landing.some((q) => q.id === target && q.change === 'join');
  if (target !== null && (!addressee || !willBePresent)) {
    const joiner = landing.find((q) => q.id === target && q.change === 'join');
    if (!joiner) throw new EngineError('unknown-character', `"${target}" is not on the panel`);
  }
  const turn = runner.nextTurn();
  const directions = cast.land();
  for (const d of directions) {
    if (d.kind === 'join') {
      journal.noteParticipant({ id: d.character.id, name: d.character.name, glyph: d.character.glyph, color: d.character.color });
      runner.record({ type: 'join', turn, speaker: d.character.id, profile_sha256: d.character.sha256 });
    } else if (d.kind === 'retire') {
      runner.record({ type: 'leave', turn, speaker: d.character.id });
    } else {
      runner.record({ type: 'revise', turn, speaker: d.character.id, profile_sha256: d.character.sha256 });
    }
  }
  if (directions.length > 0) runner.emit({ kind: 'cast' });
  runner.record({ type: 'human-speak', turn, text, target, ...(again ?? {}) });
  const addressed = target === null ? null : cast.find(target)!;
  // Keyed lore the floor line (or the previous responses) names joins as stage directions, before the @address.
  const lore = landLore({ turn, present: cast.members, floorText: text, events: runner.events(), previousTurn: ctx.ledger.lastLive(), context: ctx.context, record: (e) => runner.record(e) });
  const all: StageDirection[] = [...directions, ...lore, ...(addressed ? [{ kind: 'address' as const, character: addressed }] : [])];
  ctx.push({ role: 'user', content: [userTurnText(text, all)] });
  ctx.open(turn, ctx.context.messages.length - 1);
  await runner.runTurn(target, again?.model);
}
