import type { SessionEvent, Totals } from './sessionSchema';

// Enough digits for any real price, few enough that 0.1 + 0.2 is written as 0.3.
const USD_DECIMALS = 1e12;

/**
 * Sums the cost events. `usd` is null as soon as one call had no known price: a partial sum would understate
 * what the session cost, and a researcher reading the totals must not be misled. No cost events: all zeros.
 */
export function sumCostTotals(events: readonly SessionEvent[]): Totals {
  const t: Totals = { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0, usd: 0 };
  for (const e of events) {
    if (e.type !== 'cost') continue;
    t.input_tokens += e.input_tokens;
    t.cache_creation_input_tokens += e.cache_creation_input_tokens;
    t.cache_read_input_tokens += e.cache_read_input_tokens;
    t.output_tokens += e.output_tokens;
    t.usd = t.usd === null || e.usd === null ? null : t.usd + e.usd;
    if (e.kind === 'keep-warm') {
      const k = (t.keep_warm ??= { calls: 0, usd: 0 });
      k.calls++;
      k.usd = k.usd === null || e.usd === null ? null : k.usd + e.usd;
    }
  }
  if (t.usd !== null) t.usd = Math.round(t.usd * USD_DECIMALS) / USD_DECIMALS;
  if (t.keep_warm?.usd != null) t.keep_warm.usd = Math.round(t.keep_warm.usd * USD_DECIMALS) / USD_DECIMALS;
  return t;
}
