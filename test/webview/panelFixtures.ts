import type { HostMessage, MemberView, Meter } from '../../src/protocol';

type InitMessage = Extract<HostMessage, { type: 'init' }>;
type SessionEvent = Extract<HostMessage, { type: 'event' }>['event'];
/** An event before seq/at are stamped (what the scripts below write). */
export type EventSpec = SessionEvent extends infer E ? (E extends SessionEvent ? Omit<E, 'seq' | 'at'> : never) : never;

export const MARA: MemberView = { id: 'mara', name: 'Mara Voss', glyph: 'M', color: '#c0563f', tagline: 'Harbour developer' };
export const OSKAR: MemberView = { id: 'oskar', name: 'Oskar Lind', glyph: 'O', color: '#3c6e9e', tagline: 'Union organiser' };
export const ILSE: MemberView = { id: 'ilse', name: 'Ilse Brandt', glyph: 'I', color: '#4f8a5b', tagline: 'City planner' };
export const TOMAS: MemberView = { id: 'tomas', name: 'Tomás Reyes', glyph: 'T', color: '#8a5fb0', tagline: 'Port economist' };
export const JUNE: MemberView = { id: 'june', name: 'June Okafor', glyph: 'J', color: '#b08a2e', tagline: 'Local journalist' };
/** Glyphs outside Latin, as the design's own examples have them (they need a CJK font to render). */
export const LI: MemberView = { id: 'li-wen', name: 'Li Wen', glyph: '李', color: '#2e7d7d', tagline: 'Shipping agent' };
export const DMITRI: MemberView = { id: 'dmitri', name: 'Dmitri Volkov', glyph: 'Д', color: '#7d2e6b', tagline: 'Crane operator' };

const EXTRA_NAMES = [
  'Henrike Albers', 'Pieter de Wit', 'Saoirse Byrne', 'Kwame Mensah', 'Li Wen', 'Agnieszka Nowak',
  'Rafael Duarte', 'Yuki Tanaka', 'Fatima Zahra',
];
const EXTRA_COLORS = ['#a0522d', '#2e7d7d', '#7d2e6b', '#5a6b2e', '#2e4a7d', '#7d5a2e', '#6b2e2e', '#2e7d4a', '#4a2e7d'];

/** The three-member cast the tests talk to. */
export const CAST: MemberView[] = [MARA, OSKAR, ILSE];
/** The whole character library (present members included, as the host sends it). */
export const LIBRARY: MemberView[] = [MARA, OSKAR, ILSE, TOMAS, JUNE];

/** A twelve-member cast (for wrapping): the five above plus seven more. */
export function bigCast(): MemberView[] {
  const extra = EXTRA_NAMES.slice(0, 7).map((name, i): MemberView => ({
    id: name.toLowerCase().replace(/[^a-z]+/g, '-'), name, glyph: name[0]!, color: EXTRA_COLORS[i]!, tagline: 'Resident',
  }));
  return [...LIBRARY, ...extra];
}

/** Stamps seq/at on a script of events, the way the engine's store would. */
export function stamp(specs: EventSpec[], firstSeq = 1): SessionEvent[] {
  const t0 = Date.parse('2026-11-22T04:07:00Z');
  return specs.map((s, i) => ({ ...s, seq: firstSeq + i, at: new Date(t0 + (firstSeq + i) * 1000).toISOString() }) as SessionEvent);
}

export function cost(turn: number, usd: number | null, extra: Partial<Extract<EventSpec, { type: 'cost' }>> = {}): EventSpec {
  return {
    type: 'cost', turn, model: 'claude-sonnet-4-5', input_tokens: 120, cache_creation_input_tokens: turn === 1 ? 6200 : 310,
    cache_read_input_tokens: turn === 1 ? 0 : 6200 * turn, output_tokens: 420, usd, ...extra,
  };
}

/** Two finished turns: a conferred turn with a pass, then an @addressed one. */
export function historyEvents(): SessionEvent[] {
  return stamp([
    { type: 'intro', turn: 0, brief: { id: 'harbour-deal', title: 'The harbour deal' }, cast: ['mara', 'oskar', 'ilse'] },
    { type: 'human-speak', turn: 1, text: 'The council wants the old grain quay turned into flats by 2028. Who gains?', target: null },
    { type: 'deliberation', turn: 1, speaker: 'oskar', text: 'This is about the dockers who still load there. I go first.' },
    { type: 'deliberation', turn: 1, speaker: 'mara', text: 'Let him. I will answer with the numbers he leaves out.' },
    { type: 'deliberation', turn: 1, speaker: 'ilse', text: 'Nothing to add until the zoning question comes up.' },
    { type: 'speak', turn: 1, speaker: 'oskar', order: 1, truncated: false,
      text: 'Not the forty families who still work the **night shift** at that quay. Flats by 2028 means the cranes go by 2026.' },
    { type: 'speak', turn: 1, speaker: 'mara', order: 2, truncated: false,
      text: 'Oskar, the quay lost money eleven years running. The deal funds:\n\n- a new berth at Nordkai\n- retraining for every docker who wants it' },
    { type: 'pass', turn: 1, speaker: 'ilse', order: 3 },
    cost(1, 0.0412),
    { type: 'floor', turn: 1 },
    { type: 'human-speak', turn: 2, text: 'Ilse, does the zoning even allow it?', target: 'ilse' },
    { type: 'speak', turn: 2, speaker: 'ilse', order: 1, truncated: false,
      text: 'Not as drawn. The quay is *industrial* until the 2027 plan review — I sit on that committee.' },
    cost(2, 0.0061),
    { type: 'floor', turn: 2 },
  ]);
}

export function meter(over: Partial<Meter> = {}): Meter {
  return {
    contextTokens: 41_200, contextWindow: 200_000, cacheWarmUntil: Date.now() + 192_000, ttl: '5m',
    coldWriteUsd: 0.04, budgetUsd: null, ...over,
  };
}

export function initMessage(over: Partial<InitMessage> = {}): InitMessage {
  return {
    type: 'init', title: 'Harbour deal — panel', brief: { id: 'harbour-deal', title: 'The harbour deal' },
    cast: CAST, library: LIBRARY, theme: 'cream', readOnly: false, canContinue: false,
    events: historyEvents(), answering: false, meter: meter(), ...over,
  };
}

/** One `event` host message. */
export function eventMessage(spec: EventSpec, seq: number): HostMessage {
  return { type: 'event', event: stamp([spec], seq)[0]! };
}

/**
 * A long session for rendering tests and the benchmark: `turns` turns, each a floor line and one message
 * per member of `cast` (so `turns * cast.length` messages), with costs and floors.
 */
export function longHistory(turns: number, cast: MemberView[] = [MARA, OSKAR, ILSE, TOMAS]): SessionEvent[] {
  const specs: EventSpec[] = [{ type: 'intro', turn: 0, brief: null, cast: cast.map((m) => m.id) }];
  for (let t = 1; t <= turns; t++) {
    specs.push({ type: 'human-speak', turn: t, text: `Question ${t}: what about the quay?`, target: null });
    cast.forEach((m, i) => specs.push({
      type: 'speak', turn: t, speaker: m.id, order: i + 1, truncated: false,
      text: `${m.name.split(' ')[0]} on turn ${t}: the *berth* matters, and so do the **jobs**. A second sentence to give the message some body.`,
    }));
    specs.push(cost(t, 0.004), { type: 'floor', turn: t });
  }
  return stamp(specs);
}

/** One answered turn: the floor's line, a confer line per speaker, their responses in order, cost, floor. */
export function answeredTurn(
  turn: number,
  text: string,
  responses: Array<[speaker: string, words: string]>,
  asked: { target?: string | null; redo_of?: number; redo?: 'regenerate' | 'edit' } = {},
): EventSpec[] {
  const { target = null, ...redo } = asked;
  return [
    { type: 'human-speak', turn, text, target, ...redo },
    ...responses.map(([speaker, words]): EventSpec => ({ type: 'deliberation', turn, speaker, text: `(${speaker} on turn ${turn}) ${words.slice(0, 40)}` })),
    ...responses.map(([speaker, words], i): EventSpec => ({ type: 'speak', turn, speaker, order: i + 1, truncated: false, text: words })),
    cost(turn, 0.012),
    { type: 'floor', turn },
  ];
}

export const BERTH_QUESTION = 'Suppose the council offers a new berth at Nordkai and two years of retraining pay. Does that change anything?';

/**
 * The two turns of historyEvents, then turn 3 asked and answered, then regenerated: turn 4 asks turn 3 again
 * (so turn 3 is superseded and turns 3 and 4 are the two samples of the last line).
 */
export function regeneratedEvents(): SessionEvent[] {
  const first = historyEvents();
  return [...first, ...stamp([
    ...answeredTurn(3, BERTH_QUESTION, [
      ['mara', 'It changes the arithmetic: the heavy cargo stays in the city.'],
      ['oskar', 'Two years of pay is a severance package with a ribbon on it.'],
    ]),
    { type: 'supersede', turn: 4, reason: 'regenerate', turns: [3] },
    ...answeredTurn(4, BERTH_QUESTION, [
      ['oskar', 'A berth at Nordkai is a promise, not a contract. Put it in writing.'],
      ['mara', 'It is in writing, Oskar: clause nine of the draft.'],
      ['ilse', 'And clause nine depends on the 2027 review.'],
    ], { redo_of: 3, redo: 'regenerate' }),
  ], first.length + 1)];
}
