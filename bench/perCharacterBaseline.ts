import type Anthropic from '@anthropic-ai/sdk';
import type { Brief, Character } from '../src/engine/cast/characters';
import type { Usage } from '../src/engine/cost/costMeter';
import { briefBlock, materialsBlock, type CacheTtl, type MegapromptRequest } from '../src/engine/prompt/promptLayout';

/**
 * The baseline the megaprompt is measured against: what group-chat tools do. Every speaking character gets
 * its own call per turn, over the whole shared conversation so far, with its own system prompt (rules for
 * that one character, the brief, its materials) and its own cache breakpoints (last system block, last
 * message). Its own earlier lines are `assistant` turns; everyone else's are `user` text blocks, one block per
 * utterance so that the prefix a character cached on its last call is still a prefix on its next one.
 */

/** One thing said in the room, in order. `speaker` is a character id, or null for the human (the floor). */
export interface Utterance {
  speaker: string | null;
  text: string;
}

/** One human turn as the baseline replays it: the floor's line, then who spoke (in delivery order) and what. */
export interface BaselineTurn {
  turn: number;
  floor: string;
  responses: Array<{ speaker: string; text: string }>;
}

/** One baseline call's accounting; `usage` is what the server reported for it. */
export interface BaselineCall {
  turn: number;
  speaker: string;
  usage: Usage;
}

/** The single-character counterpart of the engine's rules block: same duties, minus the multi-voice format. */
export function singleCharacterRules(c: Character): string {
  return `You are ${c.name}, one member of a panel discussion with a human researcher ("the floor") and other panel members, who are voiced separately. Your materials are in the <character> block below. Stay true to them: your knowledge, interests, voice and red lines. The other members are distinct people: disagree, concede and change your mind only for reasons.

The conversation so far is in the messages. The floor's lines start with From the floor:, other members' lines start with their name, and your own earlier lines are your previous replies.

Reply with what ${c.name} says next, in the room:
1. Answer what was actually said before you this turn, not only the floor's question. Going after others matters.
2. Spoken words only: no stage directions, no narration, no name prefix. Light markdown is fine.
3. If you have nothing worth adding, say so in a few words rather than echoing others.
4. Keep it to what ${c.name} would actually say in the room.`;
}

export function baselineSystem(c: Character, brief: Brief | null): string[] {
  return [singleCharacterRules(c), ...(brief ? [briefBlock(brief)] : []), materialsBlock(c)];
}

/** How `who` sees an utterance: its own words as itself, anyone else's labelled. */
function renderForeign(u: Utterance, names: ReadonlyMap<string, string>): string {
  if (u.speaker === null) return `From the floor: ${JSON.stringify(u.text)}`;
  return `${names.get(u.speaker) ?? u.speaker}: ${u.text}`;
}

/**
 * The request for `who`'s next line after `transcript`. The transcript must start with the floor and must not
 * end with `who` (it is their turn to speak), so the messages alternate and end with a user message.
 */
export function baselineRequest(
  who: Character,
  brief: Brief | null,
  transcript: readonly Utterance[],
  names: ReadonlyMap<string, string>,
  o: { model: string; maxTokens: number; ttl: CacheTtl },
): MegapromptRequest {
  const cache = o.ttl === '1h' ? ({ type: 'ephemeral', ttl: '1h' } as const) : ({ type: 'ephemeral' } as const);
  const messages: MegapromptRequest['messages'] = [];
  for (const u of transcript) {
    const role = u.speaker === who.id ? 'assistant' : 'user';
    const text = role === 'assistant' ? u.text : renderForeign(u, names);
    const last = messages[messages.length - 1];
    if (last && last.role === role) last.content.push({ type: 'text', text });
    else messages.push({ role, content: [{ type: 'text', text }] });
  }
  const final = messages[messages.length - 1];
  if (!final || final.role !== 'user' || messages[0]!.role !== 'user') {
    throw new Error(`baselineRequest: ${who.id}'s transcript must start with the floor and end with someone else`);
  }
  final.content[final.content.length - 1]!.cache_control = cache;
  const system = baselineSystem(who, brief);
  return {
    model: o.model,
    max_tokens: o.maxTokens,
    system: system.map((text, i) => (i === system.length - 1 ? { type: 'text', text, cache_control: cache } : { type: 'text', text })),
    messages,
  };
}

/**
 * Plays the turns one call per response. `reply(turn, speaker, text)` is called before each call so the
 * server can be told to answer with exactly that character's text (output sizes then match the megaprompt's).
 */
export async function runPerCharacterBaseline(
  turns: readonly BaselineTurn[],
  o: {
    client: Anthropic;
    characters: ReadonlyMap<string, Character>;
    brief: Brief | null;
    model: string;
    ttl?: CacheTtl;
    reply: (text: string) => void;
  },
): Promise<BaselineCall[]> {
  const names = new Map([...o.characters].map(([id, c]) => [id, c.name]));
  const transcript: Utterance[] = [];
  const calls: BaselineCall[] = [];
  for (const t of turns) {
    transcript.push({ speaker: null, text: t.floor });
    for (const r of t.responses) {
      const who = o.characters.get(r.speaker);
      if (!who) throw new Error(`baseline: turn ${t.turn} has a response by unknown character "${r.speaker}"`);
      const request = baselineRequest(who, o.brief, transcript, names, { model: o.model, maxTokens: 4096, ttl: o.ttl ?? '5m' });
      o.reply(r.text);
      const message = await o.client.messages.create(request as Anthropic.MessageCreateParamsNonStreaming);
      const u = message.usage;
      calls.push({
        turn: t.turn,
        speaker: r.speaker,
        usage: {
          input_tokens: u.input_tokens,
          output_tokens: u.output_tokens,
          cache_creation_input_tokens: u.cache_creation_input_tokens ?? 0,
          cache_read_input_tokens: u.cache_read_input_tokens ?? 0,
        },
      });
      transcript.push({ speaker: r.speaker, text: r.text });
    }
  }
  return calls;
}
