// Room `engine/prompt`: what is sent to the model — the system blocks, the user/assistant messages with their
// stage directions and cache breakpoints (promptLayout), and the append-only context log with its turn ledger
// (contextLog, turnLedger). May import: engine/cast (character and stage-direction types), engine/store (event types).
import type { StageDirection } from '../cast/castState';
import { resolveMacros } from '../cast/cardMacros';
import type { Brief, Character } from '../cast/characters';
import type { LoreEntry } from '../cast/lorebook';

export type { StageDirection } from '../cast/castState';

/**
 * The model context exactly as it is sent, minus cache markers. It only ever grows at its end
 * (SPEC 4, the append-only invariant): `system` is fixed when the session opens, and each turn appends one
 * user message and one assistant message. Logged as `context.jsonl` (contextLog.ts) so a session can be continued byte-for-byte.
 */
export interface PromptContext {
  system: string[];
  messages: ContextMessage[];
}

/** One message; each string is one text block. A user message has exactly one block, an assistant reply one. */
export interface ContextMessage {
  role: 'user' | 'assistant';
  content: string[];
}

export type CacheTtl = '5m' | '1h';
export type DeliberationDepth = 'off' | 'brief' | 'full';

interface TextBlockParam {
  type: 'text';
  text: string;
  cache_control?: { type: 'ephemeral'; ttl?: CacheTtl };
}

/** The request body for `messages.stream`, shaped like the SDK's MessageCreateParams. */
export interface MegapromptRequest {
  model: string;
  max_tokens: number;
  system: TextBlockParam[];
  messages: Array<{ role: 'user' | 'assistant'; content: TextBlockParam[] }>;
}

const DEPTH_RULE: Record<DeliberationDepth, string> = {
  off: 'Skip the confer entirely: never write a <confer> block. Go straight to the responses.',
  brief: 'Keep the confer short: one or two <line>s in all, just enough to settle who leads and why.',
  full: 'The confer is a flowing back-and-forth of three to six <line>s in which members react to each other — no fixed rounds, not everyone has to speak in it, and nobody recaps. With a large panel (more than five members), keep it to the members the line concerns most, at most eight <line>s, so it stays readable.',
};

/** The rules block: the first system block, identical for every session with the same depth. */
export function rulesBlock(depth: DeliberationDepth): string {
  return `You are staging a panel discussion. You voice every member of the panel yourself, in one running conversation with a human researcher ("the floor"). Each member is defined by their materials in a <character id="..." name="..."> block (here, or later in a stage direction). Stay true to each member: their knowledge, interests, voice and red lines. Members are distinct people, not a chorus: they disagree, concede, interrupt each other's arguments and change their minds only for reasons.

Each human turn arrives as a user message containing From the floor: "..." and sometimes stage directions in a <stage> block first. Stage directions take effect from that turn:
- <join id="ID" name="NAME">materials</join>: a new member joins the panel now. They already know everything said so far.
- <retire id="ID"/>: that member has left the panel. Stop voicing them: they no longer confer, speak or pass.
- <revise id="ID" name="NAME">materials</revise>: the member's materials were revised; from now on these replace the earlier ones.
- <address id="ID"/>: the floor addressed that one member. Only they answer, with no confer.
- <lore id="ID" entry="..." name="...">text</lore>: something that member knows, recalled because the conversation just touched on it. Background for them to draw on if it matters, not a line to recite.

Answer every turn in exactly this format and nothing outside the tags:

<confer>
<line who="ID">what this member says to the others, backstage</line>
<line who="ID">...</line>
</confer>
<speak who="ID">this member's response to the floor</speak>
<speak who="ID">...</speak>
<pass who="ID"/>

Rules of the turn:
1. Confer first. The confer is the panel's internal back-and-forth about the floor's line: how each member reacts, what they want to say, who the line most implicates. The floor never sees it. ${DEPTH_RULE[depth]}
2. Then respond, relevance-led: the member the turn most implicates speaks first. Every present member then either speaks or passes, each exactly once.
3. Each follower answers what was actually said before them in the responses — the delivered lines, not the backstage draft. Going first matters.
4. A member with nothing worth adding passes with <pass who="ID"/> rather than echoing others. Never force a flat chorus.
5. Addressed turns (<address id="ID"/>) and turns with only one member present: no <confer>; exactly one <speak> by that member.
6. who is always the member's id exactly as given in id="..." (lowercase), never their name.
7. Responses are spoken words: no stage directions, no narration, no name prefixes. Light markdown is fine. Keep each response to what that person would actually say in the room.`;
}

export function briefBlock(brief: Brief): string {
  return `<brief title="${attr(brief.title)}">\n${brief.text}\n</brief>`;
}

export function materialsBlock(c: Character, tag: 'character' | 'join' | 'revise' = 'character'): string {
  const tagline = c.tagline ? `\n${c.tagline}` : '';
  return `<${tag} id="${c.id}" name="${attr(c.name)}">${tagline}\n${c.profile}\n</${tag}>`;
}

function attr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** The system blocks of a new session: rules, the brief, then each opening member's materials. */
export function openingSystem(depth: DeliberationDepth, brief: Brief | null, cast: readonly Character[], carriedOver?: { from: string; summary: string }): string[] {
  return [
    rulesBlock(depth),
    ...(brief ? [briefBlock(brief)] : []),
    ...cast.map((c) => materialsBlock(c)),
    ...(carriedOver ? [carryOverBlock(carriedOver.from, carriedOver.summary)] : []),
  ];
}

/** The summary that opens a carried-over session: the panel already had this conversation. */
export function carryOverBlock(from: string, summary: string): string {
  return `<carried-over from="${attr(from)}">\nThis panel is continuing an earlier session with the same floor. What happened so far, as the panel remembers it:\n${summary}\n</carried-over>`;
}

/** How a carry-over request opens (a scripted stand-in such as the demo recognises it by this). */
export const CARRY_OVER_STAGE = '<stage>The session is about to be carried over into a fresh context. Step out of the turn format for this one reply.</stage>';

/** The request for a carry-over summary: appended to the live context so its cached prefix is read, not rewritten. */
export function carryOverRequestText(present: readonly Character[]): string {
  const ids = present.map((c) => `<member id="${c.id}">…</member>`).join('\n');
  return `${CARRY_OVER_STAGE}
Write a compact summary of the session so far, for the same panel to continue from: what the floor asked and what was said, the positions, agreements and open questions, in at most 300 words. Then, for each member present, where they stand now, in their own voice and from their own perspective (at most 120 words each). Answer exactly in this shape and nothing else:
<summary>…</summary>
${ids}`;
}

/**
 * The two messages a greeting opens a 1:1 session with (before the first turn): a user message saying the member
 * speaks first, then the greeting as that member's reply in the wire format, so the model continues from its own
 * first line. They are appended once at the start, so the context still only grows at its end.
 */
export function greetingMessages(c: Character, text: string): ContextMessage[] {
  return [
    { role: 'user', content: [`<stage>The session opens. ${c.name} greets the floor first, before the floor has said anything.</stage>`] },
    { role: 'assistant', content: [`<speak who="${c.id}">${text}</speak>`] },
  ];
}

/**
 * A recalled lorebook entry. `entry` marks it in the context, which is how a session knows (after a resume or a
 * rewind too) that it has already been recalled: once per session, while it is in the context.
 */
export function loreBlock(c: Character, entry: LoreEntry): string {
  return `<lore id="${c.id}" entry="${attr(entry.key)}" name="${attr(entry.name)}">${resolveMacros(entry.content.trim(), c.name)}</lore>`;
}

/** The entries recalled so far, as `id entry` pairs, read from the lore blocks in the context's user messages. */
export function recalledLore(ctx: PromptContext): Set<string> {
  const out = new Set<string>();
  for (const m of ctx.messages) {
    if (m.role !== 'user') continue;
    for (const hit of m.content[0]!.matchAll(/<lore id="([a-z0-9-]+)" entry="([^"]*)"/g)) out.add(`${hit[1]} ${unattr(hit[2]!)}`);
  }
  return out;
}

function unattr(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&amp;/g, '&');
}

/** The user message of one turn: stage directions (cast changes, then recalled lore, then any address), then the floor's line. */
export function userTurnText(floorText: string, directions: readonly StageDirection[]): string {
  const lines: string[] = [];
  const stage = directions.filter((d) => d.kind !== 'address');
  if (stage.length > 0) {
    lines.push('<stage>');
    for (const d of stage) {
      if (d.kind === 'join') lines.push(materialsBlock(d.character, 'join'));
      else if (d.kind === 'revise') lines.push(materialsBlock(d.character, 'revise'));
      else if (d.kind === 'lore') lines.push(loreBlock(d.character, d.entry));
      else lines.push(`<retire id="${d.character.id}"/> ${d.character.name} takes their leave of the panel. Stop voicing ${d.character.name} (${d.character.id}) from now on.`);
    }
    lines.push('</stage>');
  }
  lines.push(`From the floor: ${JSON.stringify(floorText)}`);
  const address = directions.find((d) => d.kind === 'address');
  if (address) {
    lines.push(`<address id="${address.character.id}"/> Only ${address.character.name} answers this turn: one <speak who="${address.character.id}">, no <confer>.`);
  }
  return lines.join('\n');
}

/**
 * Assemble the request. Breakpoints (at most 4 allowed, 2 used): the last system block, which caches the
 * rules, brief and opening cast once; and the last user message, which moves each turn so the whole history
 * up to the new line is written once and read on every later turn.
 */
export function buildRequest(ctx: PromptContext, o: { model: string; maxTokens: number; ttl: CacheTtl }): MegapromptRequest {
  const cache = o.ttl === '1h' ? ({ type: 'ephemeral', ttl: '1h' } as const) : ({ type: 'ephemeral' } as const);
  const lastUser = findLastIndex(ctx.messages, (m) => m.role === 'user');
  return {
    model: o.model,
    max_tokens: o.maxTokens,
    system: ctx.system.map((text, i) => (i === ctx.system.length - 1 ? { type: 'text', text, cache_control: cache } : { type: 'text', text })),
    messages: ctx.messages.map((m, mi) => ({
      role: m.role,
      content: m.content.map((text, bi) =>
        mi === lastUser && bi === m.content.length - 1 ? { type: 'text', text, cache_control: cache } : { type: 'text', text },
      ),
    })),
  };
}

function findLastIndex<T>(xs: readonly T[], pred: (x: T) => boolean): number {
  for (let i = xs.length - 1; i >= 0; i--) if (pred(xs[i]!)) return i;
  return -1;
}
