import type { CacheTtl } from '../prompt/promptLayout';
import { outlives, pingUsd, pingsToBridge, turnUsd, type CacheRates } from './gapCost';

/** One turn of a session as the cost model sees it: its prompt, its reply, and the gap that follows it. */
export interface TurnShape {
  /** Tokens of the prompt, all of it cached at the call's last breakpoint. Non-decreasing across turns. */
  promptTokens: number;
  outputTokens: number;
  /** From this turn's call to the next turn's call (ignored for the last turn). */
  gapMs: number;
}

/** The hindsight choice for one gap: the TTL the turn caches with, and whether pings carry the entry across. */
export interface OracleChoice {
  ttl: CacheTtl;
  pings: number;
}

/**
 * The hindsight-optimal cost of a session: knowing every gap in advance, choose per turn the TTL and whether to
 * ping across the following gap (partial pinging never pays in hindsight: it either bridges the gap or is
 * wasted). A dynamic programme over turns with one bit of state, whether the previous prefix is still cached,
 * because a cold turn's write — the whole prompt — is priced at that turn's own TTL.
 */
export function oracle(turns: readonly TurnShape[], rates: CacheRates): { usd: number; choices: OracleChoice[] } {
  type Cell = { usd: number; choices: OracleChoice[] };
  // best[warm]: the cheapest way to arrive at turn t with the previous prefix warm (1) or cold (0).
  let best: [Cell | null, Cell | null] = [{ usd: 0, choices: [] }, null];
  for (let t = 0; t < turns.length; t++) {
    const turn = turns[t]!;
    const previous = t > 0 ? turns[t - 1]!.promptTokens : 0;
    const last = t === turns.length - 1;
    const next: [Cell | null, Cell | null] = [null, null];
    const offer = (warm: 0 | 1, usd: number, choices: OracleChoice[]) => {
      const cell = next[warm];
      if (!cell || usd < cell.usd - 1e-15) next[warm] = { usd, choices };
    };
    for (const warmIn of [0, 1] as const) {
      const arrived = best[warmIn];
      if (!arrived) continue;
      for (const ttl of ['5m', '1h'] as const) {
        const cost = arrived.usd + turnUsd({ prefixTokens: turn.promptTokens, previousPrefixTokens: previous, warm: warmIn === 1, ttl, outputTokens: turn.outputTokens }, rates);
        if (last) {
          offer(0, cost, [...arrived.choices, { ttl, pings: 0 }]);
          continue;
        }
        offer(outlives(turn.gapMs, ttl) ? 1 : 0, cost, [...arrived.choices, { ttl, pings: 0 }]);
        const pings = pingsToBridge(turn.gapMs, ttl);
        if (pings > 0) offer(1, cost + pings * pingUsd(turn.promptTokens, rates), [...arrived.choices, { ttl, pings }]);
      }
    }
    best = next;
  }
  const end = [best[0], best[1]].filter((c): c is Cell => c !== null).sort((a, b) => a.usd - b.usd)[0]!;
  return end;
}
