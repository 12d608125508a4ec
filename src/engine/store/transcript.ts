import { HUMAN_ID, type InteractiveLog, type SessionEvent, type Totals } from './sessionSchema';
import { sumCostTotals } from './costTotals';
import { keepModelMarkdown, startsWithBlock } from './markdownKept';
import { escapeMarkdownBlock as block, escapeMarkdownInline as inline } from './markdownText';
import { finalLine, redoRoots, supersededAtEnd } from './sessionLine';
import { otherSamplesBlock, refusalLine, supersedeBlock, type NameOf, type SupersededView } from './transcriptSuperseded';

/** The line under a demo session's title: scripted replies are never to be read as a model's. */
export const DEMO_TRANSCRIPT_LINE = '> **Demo session** — the built-in demo: every reply is scripted, no model was called and nothing was billed.';

/**
 * `transcript.md`: the session as a researcher reads it. Every piece of model, human or file text goes through
 * the escapers in markdownText.ts, so a renderer shows it as text and can never produce HTML from it; the only
 * HTML here is the fixed `<details>` wrapper around each confer and each list of superseded turns.
 *
 * It follows the final line (the turns still live at the end, in order); each live turn lists its other samples
 * collapsed, and a rewind is noted where it happened. Costs are per call, so the totals include every call.
 *
 * `names` overrides participant names (id -> name); otherwise the log's participants name everyone.
 */
export function renderTranscript(log: InteractiveLog, names?: Readonly<Record<string, string>>): string {
  const nameOf = distinctNames(log, names);
  const out: string[] = [];
  out.push(`# ${inline(log.title ?? log.session_id)}`, '');
  if (log.conditions?.demo) out.push(DEMO_TRANSCRIPT_LINE, '');
  out.push(`- Session: ${inline(log.session_id)}`);
  out.push(`- Started: ${inline(log.started_at)}${log.ended_at ? ` · ended: ${inline(log.ended_at)}` : ''}`);
  out.push(`- Model: ${inline(log.model)}`);
  out.push(`- Brief: ${log.brief ? `${inline(log.brief.title)} (${inline(log.brief.id)})` : 'none'}`);
  if (log.continues_from) out.push(`- Continues from: ${inline(log.continues_from)}`);
  if (log.continued_in) out.push(`- Continued in: ${inline(log.continued_in)}`);
  if (log.recovered_at) out.push(`- Recovered from the journal after an interruption, at ${inline(log.recovered_at)}`);
  out.push('', '## Cast', '');
  for (const p of log.participants) {
    if (p.id === HUMAN_ID) continue;
    const span = `joined at turn ${p.joined_turn ?? 0}${p.left_turn != null ? `, retired at turn ${p.left_turn}` : ''}`;
    out.push(`- **${inline(nameOf(p.id))}** (${inline(p.id)}) · ${span}`);
  }
  out.push(`- **${inline(nameOf(HUMAN_ID))}**: the floor`);

  for (const part of renderLine(log.events, nameOf)) out.push('', part);

  const line = finalLine(log.events);
  const turns = line.superseded.length === 0 ? `${line.live.length}` : `${line.live.length} in the final line, ${line.superseded.length} superseded (their calls are in the cost above)`;
  out.push('', '## Totals', '', `- Cost: ${costLine(log.totals)}`);
  const kept = log.totals.keep_warm;
  if (kept) out.push(`- Kept warm: ${kept.calls} ping${kept.calls === 1 ? '' : 's'}, ${kept.usd === null ? 'price unknown' : `$${kept.usd.toFixed(4)}`} (included in the cost above)`);
  out.push(`- Turns: ${turns}`);
  return `${out.join('\n')}\n`;
}

/**
 * Display names that tell speakers apart: a name two participants share, or one that reads as the floor's own
 * label ("From the floor"), gets the id after it ("Ada (ada-2)").
 */
function distinctNames(log: InteractiveLog, names?: Readonly<Record<string, string>>): NameOf {
  const base = (id: string): string => names?.[id] ?? log.participants.find((p) => p.id === id)?.name ?? id;
  const seen = new Map<string, number>();
  const fold = (n: string): string => n.trim().toLowerCase();
  for (const p of log.participants) if (p.id !== HUMAN_ID) seen.set(fold(base(p.id)), (seen.get(fold(base(p.id))) ?? 0) + 1);
  const reserved = new Set(['from the floor', 'the floor', fold(base(HUMAN_ID))]);
  return (id) => {
    const name = base(id);
    if (id === HUMAN_ID) return name;
    return (seen.get(fold(name)) ?? 0) > 1 || reserved.has(fold(name)) ? `${name} (${id})` : name;
  };
}

type RosterEvent = Extract<SessionEvent, { type: 'join' | 'leave' }>;

// Not part of any turn's conversation: they happen between turns and are shown where they happened.
function isBetweenTurns(e: SessionEvent): boolean {
  return e.type === 'supersede' || e.type === 'resume' || ((e.type === 'join' || e.type === 'leave') && e.reason !== undefined);
}

/** The live turn sections and the notes between them, each placed by the seq where it starts. */
function renderLine(events: readonly SessionEvent[], nameOf: NameOf): string[] {
  const content = new Map<number, SessionEvent[]>();
  const asks = new Map<number, Extract<SessionEvent, { type: 'human-speak' }>>();
  for (const e of events) {
    if (e.type === 'human-speak' && !asks.has(e.turn)) asks.set(e.turn, e);
    if (isBetweenTurns(e)) continue;
    const list = content.get(e.turn);
    if (list) list.push(e);
    else content.set(e.turn, [e]);
  }
  const view: SupersededView = { content, asks, nameOf };
  const superseded = supersededAtEnd(events);
  const roots = redoRoots(events);
  const families = new Map<number, number[]>();
  for (const [turn, root] of roots) families.set(root, [...(families.get(root) ?? []), turn].sort((a, b) => a - b));
  const liveIn = (family: readonly number[]): number[] => family.filter((t) => !superseded.has(t));
  const placed = placeOrphans(events, families, liveIn);

  const parts: Array<{ seq: number; text: string }> = [];
  for (const [turn, own] of content) {
    if (superseded.has(turn)) continue;
    const family = families.get(roots.get(turn) ?? turn) ?? [turn];
    // Superseded samples go under the family's last live turn (a valid log has exactly one).
    const others = liveIn(family).at(-1) === turn ? family.filter((t) => superseded.has(t)) : [];
    const text = renderLiveTurn(turn, own, inheritedCastChanges(turn, asks, content), view, others);
    if (text !== null) parts.push({ seq: own[0].seq, text });
  }

  const asked = new Set<number>();
  const aside = new Set<number>();
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (e.type === 'human-speak') asked.add(e.turn);
    if (e.type === 'supersede') {
      const liveBefore = [...asked].filter((t) => !aside.has(t) && !e.turns.includes(t));
      for (const t of e.turns) aside.add(t);
      for (const t of e.restored ?? []) aside.delete(t);
      const orphans = placed.get(e.seq) ?? [];
      if (e.reason !== 'rewind' && e.reason !== 'refusal' && orphans.length === 0) continue;
      const roster: RosterEvent[] = [];
      for (let j = i + 1; j < events.length; j++) {
        const r = events[j];
        if ((r.type !== 'join' && r.type !== 'leave') || r.reason !== e.reason) break;
        roster.push(r);
      }
      i += roster.length;
      const first = Math.min(...e.turns);
      const rewoundTo = liveBefore.filter((t) => t < first).reduce((m, t) => Math.max(m, t), 0);
      parts.push({ seq: e.seq, text: supersedeBlock(view, e, { rewoundTo, placed: orphans, roster }) });
    } else if (e.type === 'resume') {
      parts.push({ seq: e.seq, text: '*The session was continued here.*' });
    } else if ((e.type === 'join' || e.type === 'leave') && e.reason !== undefined) {
      // Not after its rewind's supersede event (the audit reports that); still shown.
      parts.push({ seq: e.seq, text: `*${inline(nameOf(e.speaker))} ${e.type === 'join' ? 'is back on the panel' : 'leaves the panel'} (a ${e.reason}).*` });
    }
  }
  return parts.sort((a, b) => a.seq - b.seq).map((p) => p.text);
}

/**
 * Families with no live turn left (normally a rewind took their last one away) are listed at the supersede event
 * that last set one of them aside: keyed by that event's seq, ascending turns.
 */
function placeOrphans(events: readonly SessionEvent[], families: ReadonlyMap<number, number[]>, liveIn: (f: readonly number[]) => number[]): Map<number, number[]> {
  const familyOf = new Map<number, number>();
  for (const [root, turns] of families) for (const t of turns) familyOf.set(t, root);
  const lastTouch = new Map<number, number>();
  for (const e of events) {
    if (e.type !== 'supersede') continue;
    for (const t of e.turns) {
      const root = familyOf.get(t);
      if (root !== undefined) lastTouch.set(root, e.seq);
    }
  }
  const placed = new Map<number, number[]>();
  for (const [root, turns] of families) {
    const at = lastTouch.get(root);
    if (liveIn(turns).length > 0 || at === undefined) continue;
    placed.set(at, [...(placed.get(at) ?? []), ...turns].sort((a, b) => a - b));
  }
  return placed;
}

// A re-asked turn carries the cast changes that landed with the line it re-asks (its context holds them).
function inheritedCastChanges(turn: number, asks: ReadonlyMap<number, Extract<SessionEvent, { type: 'human-speak' }>>, content: ReadonlyMap<number, readonly SessionEvent[]>): SessionEvent[] {
  const chain: number[] = [];
  for (let t = asks.get(turn)?.redo_of; t !== undefined && t < turn && !chain.includes(t); t = asks.get(t)?.redo_of) chain.unshift(t);
  return chain.flatMap((t) => (content.get(t) ?? []).filter((e) => e.type === 'join' || e.type === 'leave' || e.type === 'revise'));
}

function renderLiveTurn(turn: number, own: readonly SessionEvent[], inherited: readonly SessionEvent[], view: SupersededView, others: readonly number[]): string | null {
  const body = renderTurn([...inherited, ...own], view.nameOf);
  if (body.length === 0) return null;
  const ask = view.asks.get(turn);
  const note = ask?.redo === 'regenerate' ? `*Another sample of turn ${ask.redo_of}.*` : ask?.redo === 'edit' ? `*Turn ${ask.redo_of}'s line, edited and asked again.*` : null;
  const out = [turn === 0 ? '## Before the first turn' : `## Turn ${turn}`, '', ...(note ? [note, ''] : []), ...body];
  // Keep-warm pings happen between turns: they are in the totals, not in the turn's own cost.
  const costs = own.filter((e) => e.type === 'cost' && e.kind !== 'keep-warm');
  if (costs.length > 0) out.push('', `*Turn ${turn} cost: ${costLine(sumCostTotals(costs))}*`);
  if (others.length > 0) out.push('', otherSamplesBlock(view, turn, others));
  return out.join('\n');
}

// Events in their recorded order; consecutive confer lines share one collapsed block.
function renderTurn(events: readonly SessionEvent[], nameOf: NameOf): string[] {
  const paras: string[] = [];
  let confer: string[] | null = null;
  const flushConfer = (): void => {
    if (!confer) return;
    paras.push(['<details>', `<summary>Confer (${confer.length} ${confer.length === 1 ? 'line' : 'lines'})</summary>`, '', confer.join('\n\n'), '', '</details>'].join('\n'));
    confer = null;
  };
  for (const e of events) {
    if (e.type === 'deliberation') {
      (confer ??= []).push(said(`**${inline(nameOf(e.speaker))}:**`, e.text));
      continue;
    }
    flushConfer();
    const line = renderEvent(e, nameOf);
    if (line !== null) paras.push(line);
  }
  flushConfer();
  return paras.flatMap((p, i) => (i === 0 ? [p] : ['', p]));
}

function renderEvent(e: SessionEvent, nameOf: NameOf): string | null {
  switch (e.type) {
    case 'intro':
      // The cast section covers the rest of the intro.
      if (!e.carried_over) return null;
      return [
        `*Carried over from session ${inline(e.carried_over.from)}: the model's summary of it opens this session's context.*`,
        '',
        ['<details>', '<summary>The carried-over summary</summary>', '', block(e.carried_over.summary) || '*(nothing)*', '', '</details>'].join('\n'),
      ].join('\n');
    case 'human-speak': {
      const to = e.target ? ` → **@${inline(nameOf(e.target))}**` : '';
      return said(`**From the floor**${to}:`, e.text);
    }
    case 'speak':
      return said(`**${inline(nameOf(e.speaker))}**${e.truncated ? ' *(cut off)*' : ''}:`, e.text);
    case 'pass':
      return `*${inline(nameOf(e.speaker))} passes.*`;
    case 'greeting':
      return said(`**${inline(nameOf(e.speaker))}** *(greeting${e.greeting > 0 ? `, alternate ${e.greeting}` : ''})*:`, e.text);
    case 'join':
      return `*${inline(nameOf(e.speaker))} joins the panel.*`;
    case 'leave':
      return `*${inline(nameOf(e.speaker))} retires from the panel.*`;
    case 'revise':
      return `*${inline(nameOf(e.speaker))}'s profile was revised.*`;
    case 'lore':
      return `*${inline(nameOf(e.speaker))} recalls lore: ${inline(e.name)} (named: ${inline(e.key)}).*`;
    case 'anomaly':
      return `*Format note (${inline(e.kind)}): ${inline(e.detail)}*`;
    case 'error':
      return `**Error** (${inline(e.kind)}): ${inline(e.message)}`;
    case 'refusal': // a refused turn is always set aside, but a log may be hand-made
      return refusalLine(e);
    case 'condition-change':
      return `*Conditions changed: ${Object.entries(e.changes).map(([k, v]) => `${inline(k)} ${inline(conditionValue(v.from))} → ${inline(conditionValue(v.to))}`).join('; ')}.*`;
    case 'deliberation': // grouped by renderTurn
    case 'cost': // summed at the end of the turn
    case 'retry': // waiting out an API error says nothing about the conversation
    case 'floor':
    case 'supersede': // these two happen between turns: renderLine shows them where they happened
    case 'resume':
      return null;
  }
}

/** A speaker's words after their label: on the same line, or below it when the words open with a list or code. */
function said(label: string, text: string): string {
  const md = keepModelMarkdown(text);
  if (md === '') return `${label} *(nothing)*`;
  return startsWithBlock(md) ? `${label}\n\n${md}` : `${label} ${md}`;
}

const count = (n: number): string => n.toLocaleString('en-US');

// Prices are an object: the transcript names their source; the log holds the rates.
function conditionValue(v: unknown): string {
  if (v === null) return 'none';
  if (typeof v === 'object') return 'source' in v ? `rates from ${String((v as { source: unknown }).source)}` : JSON.stringify(v);
  return String(v);
}

function costLine(t: Totals): string {
  const usd = t.usd === null ? 'price unknown' : `$${t.usd.toFixed(4)}`;
  return `${usd} · ${count(t.input_tokens)} input, ${count(t.cache_creation_input_tokens)} cache write, ${count(t.cache_read_input_tokens)} cache read, ${count(t.output_tokens)} output tokens`;
}
