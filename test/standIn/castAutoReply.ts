import type { StandInReply } from './replyStream.js';
import { readPrompt, type PromptMember, type PromptReading } from '../../src/engine/demo/demoScript';
import { messageText, systemText, type MessagesRequestBody } from './requestBody.js';

/** A floor line holding this word is declined by castAutoReply (stop_reason refusal, mid-speak). */
export const REFUSAL_TRIGGER = 'REFUSE-ME';

/** One present panel member as the prompt names them. */
export type CastMember = PromptMember;

/** What castAutoReply reads off a request: who is present, who is addressed, what was said (the demo's reader). */
export type TurnReading = PromptReading;

/** Reads the engine's markup: characters in the system, joins and retires in user messages in order. */
export function readTurn(body: MessagesRequestBody): TurnReading {
  return readPrompt(systemText(body), body.messages.filter((m) => m.role === 'user').map(messageText));
}

/**
 * The default reply: a well-formed panel answer (SPEC section 3) for whoever is present, so demos
 * and end-to-end tests run unscripted. Deterministic in the request: the speaking order rotates with
 * the turn number, and the last speaker of the order passes every third turn.
 */
export function castAutoReply(req: MessagesRequestBody): StandInReply {
  const { cast, addressed, turn, floor } = readTurn(req);
  // A scripted refusal for demos and end-to-end tests: a floor line holding the trigger is declined mid-speak.
  if (floor.includes(REFUSAL_TRIGGER) && cast.length > 0) {
    return { text: `<speak who="${cast[0]!.id}">${cast[0]!.name} begins to answer the refused question`, refusal: { category: 'general_harms', explanation: 'The stand-in declines lines holding REFUSE-ME.' } };
  }
  const quote = quoteOf(floor);
  const target = cast.find((m) => m.id === addressed);
  if (target) return { text: speak(target, quote, turn, 0) };
  // Off-format on purpose: a prompt without characters is an engine bug the parser should flag.
  if (cast.length === 0) return { text: 'stand-in: no <character> in the system prompt, so nobody to voice.' };
  if (cast.length === 1) return { text: speak(cast[0]!, quote, turn, 0) };

  const shift = (turn - 1) % cast.length;
  const order = [...cast.slice(shift), ...cast.slice(0, shift)];
  const lineCount = Math.min(4, 2 + (turn % 3));
  const confer = Array.from({ length: lineCount }, (_, i) => {
    const member = order[i % order.length]!;
    return `<line who="${member.id}">${CONFER_LINES[(turn + i) % CONFER_LINES.length]!(member, quote)}</line>`;
  });
  const passer = turn % 3 === 0 ? order[order.length - 1] : undefined;
  const answers = order.map((member, i) => (member === passer ? `<pass who="${member.id}"/>` : speak(member, quote, turn, i)));
  return { text: ['<confer>', ...confer, '</confer>', ...answers].join('\n') };
}

/** A few words of what the human said, with nothing that could read as a tag. */
function quoteOf(floor: string): string {
  const words = floor.replace(/[<>]/g, '').split(/\s+/).filter(Boolean);
  if (words.length === 0) return 'that';
  return `"${words.slice(0, 6).join(' ')}${words.length > 6 ? ' ...' : ''}"`;
}

function speak(member: CastMember, quote: string, turn: number, position: number): string {
  const say = SPEAK_LINES[(turn + position) % SPEAK_LINES.length]!;
  return `<speak who="${member.id}">${say(member, quote)}</speak>`;
}

type Line = (member: CastMember, quote: string) => string;

const SPEAK_LINES: Line[] = [
  (m, q) => `${m.name} here. On ${q}, I think **the timing** matters more than the price. Let me say why before anyone else does.`,
  (m, q) => `I hear ${q}, and as ${m.name} I would not sign anything yet. We should write down what each side actually needs first.`,
  (m, q) => `${m.name}: ${q} is the right question. My answer is a cautious yes, with a \`review-in-30-days\` clause attached.`,
  (m, q) => `Speaking as ${m.name}, ${q} worries me a little. Still, I can live with it if the others can.`,
];

const CONFER_LINES: Line[] = [
  (m, q) => `${m.name}: they asked ${q}; I should open, I know this ground.`,
  (m) => `${m.name}: keep it short this time, we repeated ourselves last turn.`,
  (m, q) => `${m.name}: careful with ${q}, the numbers are not settled.`,
  (m) => `${m.name}: I'll answer whoever speaks before me rather than the question.`,
];
