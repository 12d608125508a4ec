import { TTL_MS, pingIntervalMs, pingUsd, turnUsd, type CacheRates } from '../src/engine/warmth/gapCost';
import { LOOKBACK_TURNS, type OracleChoice, type TurnShape } from '../src/engine/warmth/oracle';
import type { Anchor, WarmthPolicy } from '../src/engine/warmth/policies';
import type { CacheTtl } from '../src/engine/prompt/promptLayout';
import { thinkTimes, type TraceName } from './warmthTraces';

/** Session shape: 40 turns, the context growing linearly from ~5k to ~80k tokens. */
export const TURNS = 40;
export const FIRST_PROMPT = 5_000;
export const LAST_PROMPT = 80_000;
/** The reply is most of what a turn adds to the context (the rest is the floor's line and stage directions). */
export const REPLY_SHARE = 0.9;
/** Streaming speed: the entry's clock starts when the call starts, so the reply's time counts toward the gap. */
export const OUTPUT_TOKENS_PER_SECOND = 60;

/** One simulated session: the turns' shapes with the gaps of a trace (`seed` picks the researcher's day). */
export function sessionShape(trace: TraceName, seed: number): TurnShape[] {
  const step = (LAST_PROMPT - FIRST_PROMPT) / (TURNS - 1);
  const think = thinkTimes(trace, TURNS - 1, seed);
  return Array.from({ length: TURNS }, (_, i) => {
    const promptTokens = Math.round(FIRST_PROMPT + step * i);
    const outputTokens = Math.round(step * REPLY_SHARE);
    const replyMs = (outputTokens / OUTPUT_TOKENS_PER_SECOND) * 1000;
    return { promptTokens, outputTokens, gapMs: i < TURNS - 1 ? replyMs + think[i]! : 0 };
  });
}

/** The gaps of earlier sessions of the same researcher (what `auto` has seen before this one). */
export function pastGaps(trace: TraceName, seed: number, sessions: number): number[] {
  const out: number[] = [];
  for (let s = 1; s <= sessions; s++) for (const t of sessionShape(trace, seed * 1000 + s)) if (t.gapMs > 0) out.push(t.gapMs);
  return out;
}

export interface SimResult {
  usd: number;
  pings: number;
  coldTurns: number;
  ttl1hTurns: number;
}

/** Chooses per turn; the simulator asks as the engine would (ttlFor at each call, shouldPing at each point). */
export type Chooser = Pick<WarmthPolicy, 'ttlFor' | 'shouldPing' | 'noteGap'>;

/**
 * Replays a session through a policy against a simulated cache with the API's rules (as the stand-in has them):
 * each call leaves an entry for its prompt under its TTL; a call reads the longest live entry within the
 * look-back and refreshes only that one; a ping reads (and refreshes) the last turn's entry. So an older 1-hour
 * entry (an anchor) outlives the 5-minute ones written after it. Nothing here decides: the policy is asked as
 * the engine asks it, and the cost of each call comes from the price table.
 */
export function simulate(turns: readonly TurnShape[], policy: Chooser, rates: CacheRates, configured: CacheTtl = '5m'): SimResult {
  const r: SimResult = { usd: 0, pings: 0, coldTurns: 0, ttl1hTurns: 0 };
  let now = 0;
  const entries: Array<{ turn: number; tokens: number; ttl: CacheTtl; expiresAt: number }> = [];
  for (let t = 0; t < turns.length; t++) {
    const turn = turns[t]!;
    const reachable = entries.filter((e) => e.expiresAt > now && e.turn >= t - LOOKBACK_TURNS);
    const hit = reachable.reduce<(typeof entries)[number] | null>((best, e) => (!best || e.tokens > best.tokens ? e : best), null);
    if (hit) hit.expiresAt = now + TTL_MS[hit.ttl];
    const read = hit?.tokens ?? 0;
    const anchor = anchorFor(reachable, t + 1, now);
    const ttl = policy.ttlFor({ promptTokens: turn.promptTokens, writeTokens: turn.promptTokens - read, tailTokens: turn.promptTokens - (t > 0 ? turns[t - 1]!.promptTokens : 0), rates, ...(anchor ? { anchor } : {}) }, configured);
    r.usd += turnUsd({ prefixTokens: turn.promptTokens, previousPrefixTokens: read, warm: read > 0, ttl, outputTokens: turn.outputTokens }, rates);
    if (t > 0 && (!hit || hit.turn !== t - 1)) r.coldTurns++;
    if (ttl === '1h') r.ttl1hTurns++;
    const own = { turn: t, tokens: turn.promptTokens, ttl, expiresAt: now + TTL_MS[ttl] };
    entries.push(own);
    if (t === turns.length - 1) break;
    const interval = pingIntervalMs(ttl);
    const later = ttl === '1h' ? null : anchor;
    for (let j = 1; j * interval < turn.gapMs; j++) {
      const at = now + j * interval;
      if (own.expiresAt <= at) break;
      if (!policy.shouldPing({ index: j, elapsedMs: j * interval, prefixTokens: turn.promptTokens, ttl, rates, ...(later ? { anchor: later } : {}) })) break;
      r.usd += pingUsd(turn.promptTokens, rates);
      r.pings++;
      own.expiresAt = at + TTL_MS[ttl];
    }
    policy.noteGap(turn.gapMs);
    now += turn.gapMs;
  }
  return r;
}

/** The longest live 1-hour entry the turn after `nextTurn - 1` could still reach (the anchor), from `now`. */
function anchorFor(entries: ReadonlyArray<{ turn: number; tokens: number; ttl: CacheTtl; expiresAt: number }>, nextTurn: number, now: number): Anchor | null {
  let best: Anchor | null = null;
  for (const e of entries) {
    if (e.ttl !== '1h' || e.turn < nextTurn - LOOKBACK_TURNS) continue;
    if (!best || e.tokens > best.tokens) best = { tokens: e.tokens, expiresInMs: e.expiresAt - now };
  }
  return best;
}

/** Plays back the oracle's choices (so the simulator checks the oracle's own arithmetic). */
export function replay(choices: readonly OracleChoice[]): Chooser {
  let turn = -1;
  return {
    ttlFor: () => choices[++turn]!.ttl,
    shouldPing: (p) => p.index <= choices[turn]!.pings,
    noteGap: () => undefined,
  };
}
