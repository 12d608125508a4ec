import type { CacheTtl } from '../prompt/promptLayout';
import { TTL_MS, outlives, pingIntervalMs, pingUsd, pingsToBridge, turnUsd, type CacheRates } from './gapCost';

/** One turn of a session as the cost model sees it: its prompt, its reply, and the gap that follows it. */
export interface TurnShape {
  /** Tokens of the prompt, all of it cached at the call's last breakpoint. Non-decreasing across turns. */
  promptTokens: number;
  outputTokens: number;
  /** From this turn's call to the next turn's call (ignored for the last turn). */
  gapMs: number;
}

/**
 * How many turns back a call still finds a cached prefix: the API looks back 20 content blocks from a
 * breakpoint, and a turn adds at least two (the floor's line, the reply), so 8 turns is safely within it.
 */
export const LOOKBACK_TURNS = 8;

/** The hindsight choice for one gap: the TTL the turn caches with, and whether pings carry the entry across. */
export interface OracleChoice {
  ttl: CacheTtl;
  pings: number;
}

/**
 * The hindsight-optimal cost of a session: knowing every gap in advance, choose per turn the TTL and whether to
 * ping across the following gap (partial pinging never pays in hindsight: it either bridges the gap or is
 * wasted). The cache keeps every call's entry, so a turn after an expired gap still reads the latest 1-hour
 * entry (the anchor) if it is alive and within the look-back. A dynamic programme over turns whose state is what
 * the next turn can read: is the previous prompt still cached, and which anchor lives until when. Exactly optimal
 * under the cost model; the benchmark replays its choices through the simulator and checks the two agree.
 */
export function oracle(turns: readonly TurnShape[], rates: CacheRates): { usd: number; choices: OracleChoice[] } {
  type Cell = { usd: number; choices: OracleChoice[]; warm: boolean; anchor: number; anchorUntil: number };
  let cells = new Map<string, Cell>([['', { usd: 0, choices: [], warm: false, anchor: -1, anchorUntil: 0 }]]);
  let at = 0;
  for (let t = 0; t < turns.length; t++) {
    const turn = turns[t]!;
    const last = t === turns.length - 1;
    const next = new Map<string, Cell>();
    const offer = (c: Cell) => {
      const key = `${c.warm ? 1 : 0}|${c.anchor}|${c.anchor < 0 ? 0 : c.anchorUntil}`;
      const held = next.get(key);
      if (!held || c.usd < held.usd - 1e-15) next.set(key, c);
    };
    for (const from of cells.values()) {
      const anchorAlive = from.anchor >= 0 && from.anchorUntil > at && from.anchor >= t - LOOKBACK_TURNS;
      const read = from.warm ? turns[t - 1]!.promptTokens : anchorAlive ? turns[from.anchor]!.promptTokens : 0;
      // A read refreshes the entry it hits: the anchor only when it is what this turn reads.
      const anchorHit = from.warm ? from.anchor === t - 1 : anchorAlive;
      const anchorUntil = anchorHit ? at + TTL_MS['1h'] : from.anchorUntil;
      for (const ttl of ['5m', '1h'] as const) {
        const usd = from.usd + turnUsd({ prefixTokens: turn.promptTokens, previousPrefixTokens: read, warm: read > 0, ttl, outputTokens: turn.outputTokens }, rates);
        const anchor = ttl === '1h' ? t : from.anchor;
        const until = ttl === '1h' ? at + TTL_MS['1h'] : anchorUntil;
        const choices = (pings: number) => [...from.choices, { ttl, pings }];
        if (last) {
          offer({ usd, choices: choices(0), warm: false, anchor: -1, anchorUntil: 0 });
          continue;
        }
        offer({ usd, choices: choices(0), warm: outlives(turn.gapMs, ttl), anchor, anchorUntil: until });
        const pings = pingsToBridge(turn.gapMs, ttl);
        if (pings > 0) {
          // Pings refresh this turn's entry, which is the anchor when it was written with the 1-hour TTL.
          const bridged = anchor === t ? at + pings * pingIntervalMs(ttl) + TTL_MS['1h'] : until;
          offer({ usd: usd + pings * pingUsd(turn.promptTokens, rates), choices: choices(pings), warm: true, anchor, anchorUntil: bridged });
        }
      }
    }
    cells = next;
    at += turn.gapMs;
  }
  const end = [...cells.values()].sort((a, b) => a.usd - b.usd)[0]!;
  return { usd: end.usd, choices: end.choices };
}
