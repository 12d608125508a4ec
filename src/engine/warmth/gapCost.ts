import { findModel, type PriceOverrides } from '../cost/modelTable';
import type { CacheTtl } from '../prompt/promptLayout';

/**
 * The cost model of one gap between turns. A turn's call caches its whole prompt (P tokens) under the TTL its
 * breakpoints carry; the next call reads it at the read price if the entry is still alive, and otherwise
 * writes all of it again. Three ways to spend the gap:
 * - expire: do nothing; if the gap outlives the TTL, the next turn re-writes P at the write price instead of
 *   reading it (an excess of P × (write − read)).
 * - ping: shortly before each expiry, a minimal request over exactly the cached prefix reads it (P × read) and
 *   writes one output token; the read refreshes the entry for another TTL.
 * - 1h: the turn writes its tail (what it adds to the cache) at the 1-hour price instead of the 5-minute one
 *   (the premium), and the entry lives an hour.
 */

/** USD per token (not per million) of one model's band. */
export interface CacheRates {
  read: number;
  write5m: number;
  write1h: number;
  output: number;
}

/** The rates of the band a prompt of `promptTokens` falls in, per token; null when the model has no price. */
export function cacheRatesFor(model: string, promptTokens: number, overrides?: PriceOverrides): CacheRates | null {
  const info = findModel(model, overrides);
  if (!info) return null;
  const tier = info.tiers.find((t) => t.upToPromptTokens === null || promptTokens <= t.upToPromptTokens) ?? info.tiers.at(-1)!;
  const M = 1_000_000;
  return { read: tier.cacheRead / M, write5m: tier.cacheWrite5m / M, write1h: tier.cacheWrite1h / M, output: tier.output / M };
}

export const TTL_MS: Record<CacheTtl, number> = { '5m': 5 * 60_000, '1h': 60 * 60_000 };

/** How long before expiry a ping is sent: room for a slow round trip, never so early it wastes a refresh. */
export const PING_MARGIN_MS = 20_000;

/** Time between pings (and from the call that wrote the entry to the first ping). */
export function pingIntervalMs(ttl: CacheTtl): number {
  return TTL_MS[ttl] - PING_MARGIN_MS;
}

/** A ping: reads the whole cached prefix and writes the smallest output the API allows (1 token). */
export function pingUsd(prefixTokens: number, r: CacheRates): number {
  return prefixTokens * r.read + r.output;
}

/** What letting the entry expire adds to the next turn: writing the prefix instead of reading it. */
export function rewriteExcessUsd(prefixTokens: number, r: CacheRates, nextTtl: CacheTtl = '5m'): number {
  return prefixTokens * ((nextTtl === '1h' ? r.write1h : r.write5m) - r.read);
}

/** The 1-hour premium on what a call writes. */
export function premium1hUsd(writeTokens: number, r: CacheRates): number {
  return writeTokens * (r.write1h - r.write5m);
}

/** The price of one turn's prompt and reply, given whether the previous prefix was still cached. */
export function turnUsd(o: { prefixTokens: number; previousPrefixTokens: number; warm: boolean; ttl: CacheTtl; outputTokens: number }, r: CacheRates): number {
  const write = o.ttl === '1h' ? r.write1h : r.write5m;
  const read = o.warm ? o.previousPrefixTokens : 0;
  return read * r.read + (o.prefixTokens - read) * write + o.outputTokens * r.output;
}

/** Pings needed to carry an entry of `ttl` across a gap of `gapMs` (one at each interval the gap outlasts). */
export function pingsToBridge(gapMs: number, ttl: CacheTtl): number {
  return gapMs <= 0 ? 0 : Math.ceil(gapMs / pingIntervalMs(ttl)) - 1;
}

/** True when an entry of `ttl` written at the gap's start is still alive when the gap ends, without pings. */
export function outlives(gapMs: number, ttl: CacheTtl): boolean {
  return gapMs < TTL_MS[ttl];
}
