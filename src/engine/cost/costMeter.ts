import { findModel, type PriceOverrides, type PriceTier } from './modelTable';

/**
 * Token counts of one model call, as the Messages API reports them. `cache_creation_5m` / `cache_creation_1h`
 * are the TTL split of `cache_creation_input_tokens` when the API reports it (`usage.cache_creation`).
 */
export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_5m?: number;
  cache_creation_1h?: number;
  /** How the API served the call (`usage.service_tier`): `batch` is billed at half of every rate. */
  service_tier?: 'standard' | 'priority' | 'batch';
}

/** Message Batches bill every token class, cache reads and writes included, at this fraction of the standard rate. */
export const BATCH_PRICE_FACTOR = 0.5;

/**
 * The price of one call. `usd` is null exactly when `known` is false (no table entry or override for `model`);
 * otherwise it is rounded to a millionth of a dollar. `contextTokens` = input + cache writes + cache reads.
 */
export interface CostBreakdown {
  usd: number | null;
  contextTokens: number;
  model: string;
  known: boolean;
}

function tierFor(tiers: readonly PriceTier[], promptTokens: number): PriceTier {
  const tier = tiers.find((t) => t.upToPromptTokens === null || promptTokens <= t.upToPromptTokens);
  // The table invariant (last band unbounded) makes this unreachable; the last band is the safe reading anyway.
  return tier ?? tiers[tiers.length - 1]!;
}

/**
 * Prices one call. When the 5m/1h split is absent, every cache write is priced at `defaultTtl` (default '5m');
 * writes the split does not account for are priced at `defaultTtl` too. The band is chosen by the prompt size;
 * a call served at `service_tier: batch` costs BATCH_PRICE_FACTOR of the total.
 */
export function priceUsage(
  model: string,
  usage: Usage,
  opts?: { overrides?: PriceOverrides; defaultTtl?: '5m' | '1h' },
): CostBreakdown {
  const split5m = usage.cache_creation_5m ?? 0;
  const split1h = usage.cache_creation_1h ?? 0;
  const unsplit = Math.max(0, usage.cache_creation_input_tokens - split5m - split1h);
  const defaultIs1h = (opts?.defaultTtl ?? '5m') === '1h';
  const writes5m = split5m + (defaultIs1h ? 0 : unsplit);
  const writes1h = split1h + (defaultIs1h ? unsplit : 0);
  const contextTokens = usage.input_tokens + writes5m + writes1h + usage.cache_read_input_tokens;

  const info = findModel(model, opts?.overrides);
  if (!info) return { usd: null, contextTokens, model, known: false };

  const t = tierFor(info.tiers, contextTokens);
  // Rates are per million tokens, so the sum is in micro-dollars; rounding it avoids float dust like 0.010500000000000001.
  const microUsd =
    usage.input_tokens * t.input +
    writes5m * t.cacheWrite5m +
    writes1h * t.cacheWrite1h +
    usage.cache_read_input_tokens * t.cacheRead +
    usage.output_tokens * t.output;
  const factor = usage.service_tier === 'batch' ? BATCH_PRICE_FACTOR : 1;
  return { usd: Math.round(microUsd * factor) / 1_000_000, contextTokens, model, known: true };
}

/** "$0.0123" under a dollar, "$1.23" from a dollar up, "<$0.0001" for dust, "—" for an unknown price. */
export function formatUsd(usd: number | null): string {
  if (usd === null || !Number.isFinite(usd)) return '—';
  if (usd === 0) return '$0.00';
  const sign = usd < 0 ? '-' : '';
  const abs = Math.abs(usd);
  if (abs < 0.0001) return `${sign}<$0.0001`;
  const cents4 = abs.toFixed(4);
  // Decide on the rounded value so 0.99996 prints "$1.00", not "$1.0000".
  if (Number(cents4) < 1) return `${sign}$${cents4}`;
  return `${sign}$${abs.toFixed(2)}`;
}
