// Room `engine/demo`: the built-in demo — a scripted stand-in for the Messages API served in-process to the real
// SDK (demoFetch), its scripted cast lines (demoScript), and the demo session's options and folder (demoSession).
// May import: engine/model (the SDK client, the SSE encoder), engine/cost, engine/cast, engine/prompt,
// engine/session (option types), engine/store. Nothing in the engine imports it: the extension (and tests) do.

/** One present panel member as the prompt names them. */
export interface PromptMember {
  id: string;
  name: string;
}

/** What a scripted reply is written from: who is present, who is addressed, what the floor said, which turn. */
export interface PromptReading {
  /** present members in order of arrival: the system's characters, then joins, minus retires. */
  cast: PromptMember[];
  /** the id from `<address id=".."/>` in the last user message, if any. */
  addressed: string | undefined;
  /** the number of user messages (1 on the first turn). */
  turn: number;
  /** the quoted text of the last `From the floor: "..."` line ('' when absent). */
  floor: string;
  /** the last user message asks for a carry-over summary instead of a turn. */
  carryOver: boolean;
}

import { CARRY_OVER_STAGE } from '../prompt/promptLayout';

const TAG = /<(character|join|retire|address)\b([^>]*?)\/?>/g;
const ATTR = /([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/**
 * Reads the engine's own markup (SPEC 4) off a request's text: `<character>` blocks in the system, `<join>` and
 * `<retire>` stage directions in user messages in order, the last message's `<address>` and floor line.
 */
export function readPrompt(systemText: string, userTexts: readonly string[]): PromptReading {
  const cast: PromptMember[] = [];
  const arrive = (attrs: Map<string, string>): void => {
    const id = attrs.get('id');
    // The rules block shows the markup with placeholder ids ("ID", "..."); only real ids name members.
    if (id && /^[a-z0-9][a-z0-9-]*$/.test(id) && !cast.some((m) => m.id === id)) cast.push({ id, name: attrs.get('name') ?? id });
  };
  for (const [kind, attrs] of tags(systemText)) if (kind === 'character') arrive(attrs);
  let addressed: string | undefined;
  userTexts.forEach((text, n) => {
    for (const [kind, attrs] of tags(text)) {
      const id = attrs.get('id');
      if (kind === 'join') arrive(attrs);
      else if (kind === 'retire') cast.splice(0, cast.length, ...cast.filter((m) => m.id !== id));
      else if (kind === 'address' && n === userTexts.length - 1) addressed = id;
    }
  });
  const last = userTexts.at(-1) ?? '';
  const quoted = /From the floor: ("(?:[^"\\]|\\.)*")/.exec(last)?.[1];
  let floor = '';
  if (quoted) {
    try {
      floor = JSON.parse(quoted) as string;
    } catch {
      floor = quoted.slice(1, -1);
    }
  }
  return { cast, addressed, turn: userTexts.length, floor, carryOver: last.startsWith(CARRY_OVER_STAGE) };
}

function* tags(text: string): Generator<[string, Map<string, string>]> {
  for (const match of text.matchAll(TAG)) {
    const attrs = new Map<string, string>();
    for (const a of match[2]!.matchAll(ATTR)) attrs.set(a[1]!, unescapeAttr(a[2] ?? a[3] ?? ''));
    yield [match[1]!, attrs];
  }
}

function unescapeAttr(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

type Line = (name: string, quote: string) => string;

/** The sample cast's own voices (characters/*.md); anyone else gets the generic lines below. */
const VOICES: Record<string, { speak: Line[]; confer: Line[] }> = {
  mara: {
    speak: [
      (_, q) => `On ${q}: forty-one percent of the ground floor is public, and the marina pays for it. Take the marina out and the numbers stop working.`,
      (_, q) => `I hear ${q}. My financing window closes in March, so whatever we agree has to be agreed this year.`,
      () => `Put a figure on it and I will answer with a figure. Abstractions do not build flats.`,
    ],
    confer: [(_, q) => `They asked ${q}. I should open: it is my scheme they are testing.`, () => `Keep Oskar on the berth, not on the marina.`],
  },
  oskar: {
    speak: [
      (_, q) => `${q}, you say. Let me tell you about Jonas, who has worked the east berth for thirty years: he asked me the same thing last week.`,
      () => `Two hundred and ten members still work that berth. I want it in writing for fifteen years, not "by the back door" later.`,
      () => `I'll wait until the others have spoken. But I will have the last word on the berth.`,
    ],
    confer: [() => `Let Mara show her numbers first; the berth is the real question.`, (_, q) => `${q} is about jobs, whatever they dress it as.`],
  },
  ilse: {
    speak: [
      (_, q) => `What the policy says about ${q} is one thing; what I think is another. The policy: nothing below the 2080 flood line.`,
      () => `A short question: "affordable" at what percentage of market? Eighty is not affordable.`,
      () => `I can recommend a scheme that survives an appeal. I cannot recommend one that floods.`,
    ],
    confer: [() => `I'll flag the flood line before anyone promises anything.`, (_, q) => `${q} needs a procedural answer, not a sales pitch.`],
  },
  tomas: {
    speak: [
      (_, q) => `${q}? In Vigo we say "the sea does not read renderings". Badly translated, but true.`,
      () => `The fish market opens at five. Whatever you build, it still opens at five, right where it is.`,
      () => `Give the co-operative a say in the berthing rules and I will stop making jokes. Mostly.`,
    ],
    confer: [() => `Somebody mention the slipway, or I will.`, (_, q) => `${q}: nobody has asked the boats.`],
  },
};

const GENERIC: { speak: Line[]; confer: Line[] } = {
  speak: [
    (n, q) => `${n} here. On ${q}, I think the timing matters more than the price.`,
    (n, q) => `I hear ${q}, and as ${n} I would not sign anything yet: first write down what each side needs.`,
    (_, q) => `${q} is the right question. My answer is a cautious yes, with a review in thirty days.`,
  ],
  confer: [(n, q) => `${n}: they asked ${q}; I know this ground.`, (n) => `${n}: keep it short, we repeated ourselves last turn.`],
};

/** Said once, by whoever speaks first on the first turn: the demo never pretends to be a model. */
export const DEMO_NOTICE = '(This is the built-in demo: every reply is scripted, no model is called and nothing is billed. Set an API key to talk to the real panel.)';

/**
 * The demo's reply to a request, in the wire format (SPEC 3): a confer, then one response per member in a
 * rotating order, one member passing every third turn; an addressed turn or a one-member panel gets one
 * `<speak>` and no confer. Deterministic in the request, so the same session replays the same way.
 */
export function scriptedReply(reading: PromptReading): string {
  const { cast, addressed, turn } = reading;
  const quote = quoteOf(reading.floor);
  if (cast.length === 0) return 'demo: no <character> in the system prompt, so nobody to voice.';
  const speak = (m: PromptMember, position: number): string => {
    const lines = (VOICES[m.id] ?? GENERIC).speak;
    const text = lines[(turn + position) % lines.length]!(m.name, quote);
    return `<speak who="${m.id}">${turn === 1 && position === 0 ? `${DEMO_NOTICE}\n\n${text}` : text}</speak>`;
  };
  const target = cast.find((m) => m.id === addressed);
  if (target) return speak(target, 0);
  if (cast.length === 1) return speak(cast[0]!, 0);
  const shift = (turn - 1) % cast.length;
  const order = [...cast.slice(shift), ...cast.slice(0, shift)];
  const confer = order.slice(0, Math.min(order.length, 3)).map((m, i) => {
    const lines = (VOICES[m.id] ?? GENERIC).confer;
    return `<line who="${m.id}">${lines[(turn + i) % lines.length]!(m.name, quote)}</line>`;
  });
  const passer = turn % 3 === 0 ? order.at(-1) : undefined;
  const answers = order.map((m, i) => (m === passer ? `<pass who="${m.id}"/>` : speak(m, i)));
  return ['<confer>', ...confer, '</confer>', ...answers].join('\n');
}

/**
 * The demo's carry-over summary, in the shape the engine asks for (`<summary>` then one `<member>` each), so
 * "Carry over" in a demo opens a fresh demo session that starts from a readable summary.
 */
export function scriptedSummary(reading: PromptReading): string {
  const turns = Math.max(0, reading.turn - 1);
  const names = reading.cast.map((m) => m.name).join(', ');
  const members = reading.cast.map((m) => `<member id="${m.id}">I am ${m.name}. This was a scripted demo, so I stand where I started.</member>`);
  return [`<summary>A demo session of ${turns} turn${turns === 1 ? '' : 's'} with ${names || 'nobody'}: every reply was scripted, so there is nothing to remember but the questions.</summary>`, ...members].join('\n');
}

/** A few words of what the floor said, with nothing that could read as a tag. */
function quoteOf(floor: string): string {
  const words = floor.replace(/[<>]/g, '').split(/\s+/).filter(Boolean);
  if (words.length === 0) return 'that';
  return `"${words.slice(0, 6).join(' ')}${words.length > 6 ? ' ...' : ''}"`;
}
