import type { SessionEvent } from './sessionSchema';
import { sumCostTotals } from './costTotals';
import { escapeMarkdownInline as inline } from './markdownText';

/**
 * The superseded part of `transcript.md`, kept compact: the final line is what a reader follows, and these
 * blocks say what was set aside on the way (each response cut to one short line; the event log has it whole).
 * Like the rest of the transcript, every piece of text goes through the inline escaper.
 */

export type NameOf = (id: string) => string;
type SupersedeEvent = Extract<SessionEvent, { type: 'supersede' }>;
type HumanSpeakEvent = Extract<SessionEvent, { type: 'human-speak' }>;

/** What the superseded blocks need to know about the log; built once by the transcript. */
export interface SupersededView {
  /** each turn's own events (supersede events, rewind roster changes and resumes are not part of a turn) */
  content: ReadonlyMap<number, readonly SessionEvent[]>;
  /** the first human line of each asked turn */
  asks: ReadonlyMap<number, HumanSpeakEvent>;
  nameOf: NameOf;
}

const SHORT_CHARS = 160;

/** A collapsed list of the other samples of live turn `live` (ascending turn numbers, all superseded). */
export function otherSamplesBlock(view: SupersededView, live: number, others: readonly number[]): string {
  const liveText = view.asks.get(live)?.text;
  const items = others.map((t) => shortTurn(view, t, { floorLine: view.asks.get(t)?.text !== liveText, castChanges: false }));
  return details(`${others.length} other ${others.length === 1 ? 'sample' : 'samples'}`, items);
}

/**
 * The note where a supersede event set turns aside with nothing in the final line to list them under (a rewind,
 * normally): what went and how much, the roster changes the rewind made (`roster`, in order), and the set-aside
 * turns (`placed`, ascending: the listed turns and their earlier samples) collapsed.
 */
export function supersedeBlock(
  view: SupersededView,
  e: SupersedeEvent,
  o: { rewoundTo: number; placed: readonly number[]; roster: ReadonlyArray<Extract<SessionEvent, { type: 'join' | 'leave' }>> },
): string {
  const listed = e.turns.filter((t) => view.asks.has(t));
  const inListed = (x: SessionEvent): boolean => listed.includes(x.turn);
  const events = [...view.content.values()].flat();
  const lines = events.filter((x) => x.type === 'human-speak' && inListed(x)).length;
  const responses = events.filter((x) => x.type === 'speak' && inListed(x)).length;
  const what = `${turnsPhrase(listed)} superseded (${plural(lines, 'human line')}, ${plural(responses, 'response')})`;
  // A heading of its own: the note sits between two turn sections and belongs to neither.
  const head =
    e.reason === 'rewind'
      ? ['## Rewind', '', `**Rewound to ${o.rewoundTo === 0 ? 'the start' : `turn ${o.rewoundTo}`}**: ${what}.`]
      : e.reason === 'refusal'
        ? ['## Declined', '', `**The model declined ${turnsPhrase(listed)}**: it was set aside (${plural(lines, 'human line')}, ${plural(responses, 'partial response')}).`]
        : ['## Set aside', '', `**Superseded** (${e.reason}): ${what}, and nothing in the line replaced ${listed.length === 1 ? 'it' : 'them'}.`];
  const paras = [head.join('\n')];
  for (const r of o.roster) {
    paras.push(`*${inline(view.nameOf(r.speaker))} ${r.type === 'join' ? 'is back on the panel' : 'leaves the panel'} (the ${e.reason}).*`);
  }
  if (o.placed.length > 0) {
    const items = o.placed.map((t) => shortTurn(view, t, { floorLine: true, castChanges: true }));
    paras.push(details(plural(o.placed.length, 'superseded turn'), items));
  }
  return paras.join('\n\n');
}

/** `turn 5`, `turns 5–7`, `turns 2, 5–7`: runs of three or more collapse to a range. */
export function turnsPhrase(turns: readonly number[]): string {
  const sorted = [...new Set(turns)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    if (j - i >= 2) parts.push(`${sorted[i]}–${sorted[j]}`);
    else for (let k = i; k <= j; k++) parts.push(String(sorted[k]));
    i = j + 1;
  }
  return `${sorted.length === 1 ? 'turn' : 'turns'} ${parts.join(', ')}`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function details(summary: string, items: readonly string[]): string {
  return ['<details>', `<summary>${summary}</summary>`, '', items.join('\n\n'), '', '</details>'].join('\n');
}

// One turn in short form: a heading line, then one list item per human line, cast change, response and error.
function shortTurn(view: SupersededView, turn: number, o: { floorLine: boolean; castChanges: boolean }): string {
  const events = view.content.get(turn) ?? [];
  const ask = view.asks.get(turn);
  const how = ask?.redo === 'regenerate' ? `another sample of turn ${ask.redo_of}` : ask?.redo === 'edit' ? `turn ${ask.redo_of}'s line, edited` : null;
  const costs = events.filter((e) => e.type === 'cost');
  const usd = costs.length === 0 ? null : sumCostTotals(costs).usd;
  const head = [`**Turn ${turn}**`, ...(how ? [how] : []), ...(costs.length === 0 ? [] : [usd === null ? 'price unknown' : `$${usd.toFixed(4)}`])].join(' · ');
  const items: string[] = [];
  for (const e of events) {
    const item = shortEvent(e, view.nameOf, o);
    if (item !== null) items.push(`- ${item}`);
  }
  return items.length === 0 ? head : `${head}\n\n${items.join('\n')}`;
}

function shortEvent(e: SessionEvent, nameOf: NameOf, o: { floorLine: boolean; castChanges: boolean }): string | null {
  switch (e.type) {
    case 'human-speak':
      return o.floorLine ? `From the floor${e.target ? ` → @${inline(nameOf(e.target))}` : ''}: ${short(e.text)}` : null;
    case 'speak':
      return `**${inline(nameOf(e.speaker))}:**${e.truncated ? ' *(cut off)*' : ''} ${short(e.text)}`;
    case 'pass':
      return `*${inline(nameOf(e.speaker))} passes.*`;
    case 'join':
    case 'leave':
    case 'revise':
      if (!o.castChanges) return null;
      return `*${inline(nameOf(e.speaker))} ${e.type === 'join' ? 'joins' : e.type === 'leave' ? 'retires' : 'has a revised profile'}.*`;
    case 'error':
      return `*Error (${inline(e.kind)})*`;
    case 'refusal':
      return refusalLine(e);
    default:
      return null; // the confer, costs and format notes stay in the event log
  }
}

// Cut before escaping, so an escape sequence is never split; at a word boundary when there is one nearby.
/** A refused turn, marked: the model's reason if given, and the start of what had arrived (in full in the log). */
export function refusalLine(e: Extract<SessionEvent, { type: 'refusal' }>): string {
  const why = [e.category, e.explanation].filter((x): x is string => typeof x === 'string' && x.length > 0).map(inline).join(': ');
  return `**The model declined this turn**${why ? ` (${why})` : ''}: it was set aside, and later requests do not hold it. What had arrived: ${short(e.partial_text)}`;
}

function short(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length === 0) return '*(nothing)*';
  if (flat.length <= SHORT_CHARS) return inline(flat);
  let cut = flat.slice(0, SHORT_CHARS);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1); // never half an emoji
  const space = cut.lastIndexOf(' ');
  return `${inline((space > SHORT_CHARS * 0.6 ? cut.slice(0, space) : cut).trimEnd())}…`;
}
