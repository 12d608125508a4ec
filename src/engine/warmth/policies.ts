import type { CacheTtl } from '../prompt/promptLayout';
import { TTL_MS, pingIntervalMs, pingUsd, premium1hUsd, rewriteExcessUsd, type CacheRates } from './gapCost';
import { LOOKBACK_TURNS } from './oracle';
import { ThinkTimes, type GapDistribution } from './thinkTimes';

/** The `dialogue.cacheWarmth` setting / `--warmth` flag. */
export type WarmthMode = 'off' | 'keep-warm' | 'auto';
export const WARMTH_MODES: readonly WarmthMode[] = ['off', 'keep-warm', 'auto'];
export const DEFAULT_KEEP_WARM_MINUTES = 30;

/** What a policy knows as a turn's call is about to be sent. `writeTokens` ≤ `promptTokens`. */
export interface TurnFacts {
  /** The prompt this call caches (everything up to its last breakpoint). */
  promptTokens: number;
  /** What the call will write: its new tail if the previous prefix is warm, else the whole prompt. */
  writeTokens: number;
  /** What this turn adds to the previous turn's prompt (its tail); defaults to `writeTokens`. */
  tailTokens?: number;
  rates: CacheRates;
  /**
   * The anchor: the longest prefix cached under the 1-hour TTL by an earlier call, still alive and within the
   * API's look-back of the next turn. If this call's own entry expires, the next turn reads up to it and writes
   * only the rest again. `expiresInMs` counts from this call. Absent when there is none.
   */
  anchor?: Anchor;
}

/** A prefix still cached under the 1-hour TTL: its size, and how long it lives from now unless read. */
export interface Anchor {
  tokens: number;
  expiresInMs: number;
}

/** A moment shortly before the cached prefix expires, while the panel is idle. */
export interface PingPoint {
  /** 1-based: the n-th ping point since the turn's call (the n-th interval of the entry's TTL). */
  index: number;
  /** Time since the turn's call; ping points fall at index × pingIntervalMs(ttl). */
  elapsedMs: number;
  prefixTokens: number;
  ttl: CacheTtl;
  rates: CacheRates;
  /** As in TurnFacts (`expiresInMs` from the turn's call). */
  anchor?: Anchor;
}

/**
 * Decides, per gap, the TTL a turn's call caches with and whether to ping at each ping point. The engine and
 * the simulator drive the same objects: `ttlFor` as each turn is sent, `shouldPing` at each ping point, and
 * `noteGap` when the next turn arrives.
 */
export interface WarmthPolicy {
  readonly mode: WarmthMode;
  ttlFor(turn: TurnFacts, configured: CacheTtl): CacheTtl;
  shouldPing(point: PingPoint): boolean;
  noteGap(gapMs: number): void;
}

/** Today's behaviour: the configured TTL, never a ping. */
export function offPolicy(): WarmthPolicy {
  return { mode: 'off', ttlFor: (_t, configured) => configured, shouldPing: () => false, noteGap: () => undefined };
}

/** Ping shortly before each expiry for up to `keepWarmMinutes` after the turn; the configured TTL. */
export function keepWarmPolicy(keepWarmMinutes = DEFAULT_KEEP_WARM_MINUTES): WarmthPolicy {
  const limitMs = keepWarmMinutes * 60_000;
  return { mode: 'keep-warm', ttlFor: (_t, configured) => configured, shouldPing: (p) => p.elapsedMs <= limitMs, noteGap: () => undefined };
}

/** The cheapest way to carry on from a ping point, in expectation: ping `pings` more times, then let it expire. */
export interface Plan {
  pings: number;
  usd: number;
}

/**
 * The best plan from ping point `from` (1-based; `from` = 1 at the turn's call, conditioned on nothing) given the
 * gap distribution: pinging k times costs a ping at each point the researcher is still away, and after the
 * last one the entry expires TTL later; if the gap outlasts that, the next turn re-writes the prefix.
 * Considers at most the points up to `limitMs` after the turn. O(points).
 */
export function bestPlan(dist: GapDistribution, o: { from: number; ttl: CacheTtl; prefixTokens: number; rates: CacheRates; limitMs: number; anchor?: Anchor | undefined }): Plan {
  const interval = pingIntervalMs(o.ttl);
  const ttlMs = TTL_MS[o.ttl];
  const given = o.from <= 1 ? 1 : dist.survival(o.from * interval);
  // At a ping point the researcher is away by definition: condition on the gap exceeding it.
  const cond = (ms: number): number => (given <= 0 ? 0 : Math.min(1, dist.survival(ms) / given));
  const ping = pingUsd(o.prefixTokens, o.rates);
  const rewrite = rewriteExcessUsd(o.prefixTokens, o.rates);
  // With an anchor, a gap that outlives the entry (at `ms`) but not the anchor re-writes only what lies past it;
  // priced at the 1-hour rate, because the turn that finds only the anchor is the one that renews it.
  const anchor = o.anchor && o.anchor.tokens < o.prefixTokens ? o.anchor : null;
  const rewriteTail = anchor ? rewriteExcessUsd(o.prefixTokens - anchor.tokens, o.rates, '1h') : rewrite;
  const expired = (ms: number): number => {
    const anchorGone = anchor ? Math.max(ms, anchor.expiresInMs) : ms;
    return rewrite * cond(anchorGone) + rewriteTail * (cond(ms) - cond(anchorGone));
  };
  const lastPoint = Math.min(Math.floor(o.limitMs / interval), o.from + MAX_PLANNED_PINGS);
  // k = 0: the entry last refreshed at point from-1 (or the call) expires TTL after it.
  let best: Plan = { pings: 0, usd: expired((o.from - 1) * interval + ttlMs) };
  let spent = 0;
  for (let j = o.from; j <= lastPoint; j++) {
    spent += ping * (j === o.from && o.from > 1 ? 1 : cond(j * interval));
    const usd = spent + expired(j * interval + ttlMs);
    if (usd < best.usd) best = { pings: j - o.from + 1, usd };
  }
  return best;
}

/** Pings planned at most (a day of 5-minute refreshes): beyond that every prior says the researcher left. */
const MAX_PLANNED_PINGS = 300;

/**
 * `auto`: per gap, the choice with the least expected cost under the researcher's think times (ThinkTimes:
 * this and earlier sessions, with a prior). A 1-hour write leaves an anchor the API keeps after later 5-minute
 * writes, so a break after a 5-minute turn costs only a re-write of the tails since the anchor. At each turn it
 * weighs the best 5-minute plan (let it expire, or ping k times; a miss re-writes the tails past the anchor)
 * against renewing the anchor (the premium on this call's write), by the replacement rule in `ttlFor`. At each
 * ping point it plans again knowing the researcher is still away, so a long absence stops the pinging.
 */
export class AutoPolicy implements WarmthPolicy {
  readonly mode = 'auto' as const;
  readonly thinkTimes: ThinkTimes;

  constructor(history: readonly number[] = [], private readonly limitMs = DEFAULT_KEEP_WARM_MINUTES * 60_000) {
    this.thinkTimes = new ThinkTimes(history);
  }

  /** The expected cost of each TTL for the coming gap (exposed so the choice can be explained). */
  expected(turn: TurnFacts): Record<CacheTtl, number> {
    const plan = (ttl: CacheTtl) => bestPlan(this.thinkTimes, { from: 1, ttl, prefixTokens: turn.promptTokens, rates: turn.rates, limitMs: Math.max(this.limitMs, TTL_MS[ttl]), anchor: turn.anchor }).usd;
    return { '5m': plan('5m'), '1h': premium1hUsd(turn.writeTokens, turn.rates) + plan('1h') };
  }

  /**
   * Renew the anchor (write this turn with the 1-hour TTL) when riding on the old one is expected to cost more
   * than the best long-run average per turn: the classic replacement rule. A cycle starts with the premium on
   * one tail; each later turn of it risks re-writing the tails written since the anchor (or pinging instead),
   * which grows with the anchor's age. `cycle` is that least average; a turn that writes more than a tail (a
   * cold one) pays the extra premium on top.
   */
  ttlFor(turn: TurnFacts): CacheTtl {
    const e = this.expected(turn);
    const tail = Math.min(turn.tailTokens ?? turn.writeTokens, turn.promptTokens);
    const renewal = premium1hUsd(tail, turn.rates) + (e['1h'] - premium1hUsd(turn.writeTokens, turn.rates));
    const cycle = this.cycleUsd(turn, tail, renewal);
    return e['5m'] >= cycle + (e['1h'] - renewal) ? '1h' : '5m';
  }

  /** The least average cost per turn of re-anchoring every k turns (k within the look-back). */
  private cycleUsd(turn: TurnFacts, tail: number, renewal: number): number {
    let best = renewal;
    let total = renewal;
    for (let k = 2; k <= LOOKBACK_TURNS; k++) {
      const anchor = { tokens: Math.max(0, turn.promptTokens - (k - 1) * tail), expiresInMs: TTL_MS['1h'] };
      total += this.expected({ ...turn, anchor })['5m'];
      best = Math.min(best, total / k);
    }
    return best;
  }

  shouldPing(p: PingPoint): boolean {
    if (p.elapsedMs > this.limitMs) return false;
    return bestPlan(this.thinkTimes, { from: p.index, ttl: p.ttl, prefixTokens: p.prefixTokens, rates: p.rates, limitMs: this.limitMs, anchor: p.anchor }).pings > 0;
  }

  noteGap(gapMs: number): void {
    this.thinkTimes.note(gapMs);
  }
}

/** The policy for a mode. */
export function warmthPolicy(mode: WarmthMode, o: { keepWarmMinutes?: number; history?: readonly number[] } = {}): WarmthPolicy {
  const minutes = o.keepWarmMinutes ?? DEFAULT_KEEP_WARM_MINUTES;
  if (mode === 'keep-warm') return keepWarmPolicy(minutes);
  if (mode === 'auto') return new AutoPolicy(o.history ?? [], minutes * 60_000);
  return offPolicy();
}
