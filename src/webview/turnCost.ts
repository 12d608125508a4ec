import { formatTokens, formatUsd } from './elements';
import type { SessionEvent } from './sessionEvent';

/** One turn's calls summed (the figure left of its floor marker); `unknown` when a call had no price. */
export interface TurnCost {
  usd: number;
  unknown: boolean;
  input: number;
  cacheWrite: number;
  cacheRead: number;
  output: number;
}

/** `c` (or a fresh sum) with one more call of the turn added. */
export function addCall(c: TurnCost | undefined, ev: Extract<SessionEvent, { type: 'cost' }>): TurnCost {
  const sum = c ?? { usd: 0, unknown: false, input: 0, cacheWrite: 0, cacheRead: 0, output: 0 };
  if (ev.usd === null) sum.unknown = true;
  else sum.usd += ev.usd;
  sum.input += ev.input_tokens;
  sum.cacheWrite += ev.cache_creation_input_tokens;
  sum.cacheRead += ev.cache_read_input_tokens;
  sum.output += ev.output_tokens;
  return sum;
}

/** The figure, its breakdown as a hover title, and the sentence a screen reader gets (the next sibling). */
export function fillTurnCost(node: HTMLElement, c: TurnCost): void {
  const figure = c.unknown && c.usd === 0 ? '—' : `${formatUsd(c.usd)}${c.unknown ? '+' : ''}`;
  node.textContent = figure;
  node.title = `this turn: ${formatTokens(c.input)} in · ${formatTokens(c.cacheWrite)} cache write · ` +
    `${formatTokens(c.cacheRead)} cache read · ${formatTokens(c.output)} out`;
  const price = figure === '—' ? 'an unknown price' : c.unknown ? `at least ${formatUsd(c.usd)}` : formatUsd(c.usd);
  const spoken = node.nextElementSibling;
  if (spoken) {
    spoken.textContent = `This turn cost ${price}: ${formatTokens(c.input)} input tokens, ${formatTokens(c.cacheWrite)} written to ` +
      `the cache, ${formatTokens(c.cacheRead)} read from it, ${formatTokens(c.output)} output.`;
  }
}
