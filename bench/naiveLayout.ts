import type { Brief, Library } from '../src/engine/cast/characters';
import { buildRequest, openingSystem, userTurnText, type DeliberationDepth, type MegapromptRequest, type PromptContext, type StageDirection } from '../src/engine/prompt/promptLayout';
import { OPENING_CAST, type ScriptedTurn } from './panelScript';

/**
 * The layout the design avoids: a joiner's materials appended to the system block (where the opening cast's
 * are) instead of arriving in the turn's user message. Everything else is the engine's: the same replies, the
 * same retire and address directions, the same breakpoints. Changing the system block changes the prefix of
 * everything after it, so the join turn re-writes the whole history into the cache.
 *
 * `engine` is the engine's context after the whole script; its assistant messages (one per turn) are reused.
 */
export function naiveRequests(
  script: readonly ScriptedTurn[],
  engine: PromptContext,
  o: { library: Library; brief: Brief | null; depth: DeliberationDepth; model: string; maxTokens: number },
): MegapromptRequest[] {
  const character = (id: string) => {
    const c = o.library.characters.get(id);
    if (!c) throw new Error(`naive layout: unknown character "${id}"`);
    return c;
  };
  const inSystem = OPENING_CAST.map(character);
  const messages: PromptContext['messages'] = [];
  const requests: MegapromptRequest[] = [];
  script.forEach((t, i) => {
    if (t.join) inSystem.push(character(t.join));
    const directions: StageDirection[] = [];
    if (t.retire) directions.push({ kind: 'retire', character: character(t.retire) });
    if (t.to) directions.push({ kind: 'address', character: character(t.to) });
    messages.push({ role: 'user', content: [userTurnText(t.say, directions)] });
    const ctx: PromptContext = { system: openingSystem(o.depth, o.brief, inSystem), messages: [...messages] };
    requests.push(buildRequest(ctx, { model: o.model, maxTokens: o.maxTokens, ttl: '5m' }));
    const reply = engine.messages[2 * i + 1];
    if (!reply || reply.role !== 'assistant') throw new Error(`naive layout: the engine context has no reply for turn ${t.turn}`);
    messages.push(reply);
  });
  return requests;
}
