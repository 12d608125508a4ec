import { HUMAN_ID, type InteractiveLog, type SessionEvent, type Totals } from '../sessionSchema';
import { sumCostTotals } from './costTotals';
import { escapeMarkdownBlock as block, escapeMarkdownInline as inline } from './markdownText';

/**
 * `transcript.md`: the session as a researcher reads it. Every piece of model, human or file text goes through
 * the escapers in markdownText.ts, so a renderer shows it as text and can never produce HTML from it; the only
 * HTML here is the fixed `<details>` wrapper around each confer.
 *
 * `names` overrides participant names (id -> name); otherwise the log's participants name everyone.
 */
export function renderTranscript(log: InteractiveLog, names?: Readonly<Record<string, string>>): string {
  const nameOf = (id: string): string => names?.[id] ?? log.participants.find((p) => p.id === id)?.name ?? id;
  const out: string[] = [];
  out.push(`# ${inline(log.title ?? log.session_id)}`, '');
  out.push(`- Session: ${inline(log.session_id)}`);
  out.push(`- Started: ${inline(log.started_at)}${log.ended_at ? ` · ended: ${inline(log.ended_at)}` : ''}`);
  out.push(`- Model: ${inline(log.model)}`);
  out.push(`- Brief: ${log.brief ? `${inline(log.brief.title)} (${inline(log.brief.id)})` : 'none'}`);
  if (log.recovered_at) out.push(`- Recovered from the journal after an interruption, at ${inline(log.recovered_at)}`);
  out.push('', '## Cast', '');
  for (const p of log.participants) {
    if (p.id === HUMAN_ID) continue;
    const span = `joined at turn ${p.joined_turn ?? 0}${p.left_turn != null ? `, retired at turn ${p.left_turn}` : ''}`;
    out.push(`- **${inline(nameOf(p.id))}** (${inline(p.id)}) · ${span}`);
  }
  out.push(`- **${inline(nameOf(HUMAN_ID))}**: the floor`);

  for (const [turn, events] of groupByTurn(log.events)) {
    const body = renderTurn(events, nameOf);
    if (body.length === 0) continue;
    out.push('', turn === 0 ? '## Before the first turn' : `## Turn ${turn}`, '', ...body);
    const costs = events.filter((e) => e.type === 'cost');
    if (costs.length > 0) out.push('', `*Turn ${turn} cost: ${costLine(sumCostTotals(costs))}*`);
  }

  out.push('', '## Totals', '', `- Cost: ${costLine(log.totals)}`, `- Turns: ${log.events.reduce((m, e) => Math.max(m, e.turn), 0)}`);
  return `${out.join('\n')}\n`;
}

function groupByTurn(events: readonly SessionEvent[]): Array<[number, SessionEvent[]]> {
  const groups: Array<[number, SessionEvent[]]> = [];
  for (const e of events) {
    const last = groups[groups.length - 1];
    if (last && last[0] === e.turn) last[1].push(e);
    else groups.push([e.turn, [e]]);
  }
  return groups;
}

// Events in their recorded order; consecutive confer lines share one collapsed block.
function renderTurn(events: readonly SessionEvent[], nameOf: (id: string) => string): string[] {
  const paras: string[] = [];
  let confer: string[] | null = null;
  const flushConfer = (): void => {
    if (!confer) return;
    paras.push(['<details>', `<summary>Confer (${confer.length} ${confer.length === 1 ? 'line' : 'lines'})</summary>`, '', confer.join('\n\n'), '', '</details>'].join('\n'));
    confer = null;
  };
  for (const e of events) {
    if (e.type === 'deliberation') {
      (confer ??= []).push(`**${inline(nameOf(e.speaker))}:** ${block(e.text)}`);
      continue;
    }
    flushConfer();
    const line = renderEvent(e, nameOf);
    if (line !== null) paras.push(line);
  }
  flushConfer();
  return paras.flatMap((p, i) => (i === 0 ? [p] : ['', p]));
}

function renderEvent(e: SessionEvent, nameOf: (id: string) => string): string | null {
  switch (e.type) {
    case 'human-speak': {
      const to = e.target ? ` → **@${inline(nameOf(e.target))}**` : '';
      return `**From the floor**${to}: ${block(e.text) || '*(nothing)*'}`;
    }
    case 'speak':
      return `**${inline(nameOf(e.speaker))}**${e.truncated ? ' *(cut off)*' : ''}: ${block(e.text) || '*(nothing)*'}`;
    case 'pass':
      return `*${inline(nameOf(e.speaker))} passes.*`;
    case 'join':
      return `*${inline(nameOf(e.speaker))} joins the panel.*`;
    case 'leave':
      return `*${inline(nameOf(e.speaker))} retires from the panel.*`;
    case 'revise':
      return `*${inline(nameOf(e.speaker))}'s profile was revised.*`;
    case 'anomaly':
      return `*Format note (${inline(e.kind)}): ${inline(e.detail)}*`;
    case 'error':
      return `**Error** (${inline(e.kind)}): ${inline(e.message)}`;
    case 'resume':
      return '*The session was continued here.*';
    case 'intro': // the cast section covers it
    case 'deliberation': // grouped by renderTurn
    case 'cost': // summed at the end of the turn
    case 'retry': // waiting out an API error says nothing about the conversation
    case 'floor':
    case 'supersede':
      return null;
  }
}

const count = (n: number): string => n.toLocaleString('en-US');

function costLine(t: Totals): string {
  const usd = t.usd === null ? 'price unknown' : `$${t.usd.toFixed(4)}`;
  return `${usd} · ${count(t.input_tokens)} input, ${count(t.cache_creation_input_tokens)} cache write, ${count(t.cache_read_input_tokens)} cache read, ${count(t.output_tokens)} output tokens`;
}
