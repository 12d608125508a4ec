// Room `engine/cost`: the model table (prices, context windows, sources), pricing one call (costMeter) and the
// session's running meter: budget, context and cache warmth (sessionMeter). May import: engine/cast,
// engine/prompt (types) and the protocol's Meter type.
import { z } from 'zod';

/**
 * One price band of a model, in USD per million tokens. A request falls in the first band whose
 * `upToPromptTokens` is >= its prompt tokens (input + cache writes + cache reads); `null` = no upper bound,
 * and only the last band may have it.
 */
export interface PriceTier {
  upToPromptTokens: number | null;
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
}

/** A model the meter can price. `tiers` is non-empty and ordered by `upToPromptTokens`; `source` names where the numbers come from. */
export interface ModelInfo {
  id: string;
  family: string;
  contextWindow: number;
  tiers: PriceTier[];
  source: string;
}

type Rates = Omit<PriceTier, 'upToPromptTokens'>;

function flat(input: number, output: number, cacheWrite5m: number, cacheWrite1h: number, cacheRead: number): PriceTier[] {
  return [{ upToPromptTokens: null, input, output, cacheWrite5m, cacheWrite1h, cacheRead }];
}

const M = 1_000_000;
const K200 = 200_000;
const PRICING_PAGE = 'https://platform.claude.com/docs/en/about-claude/pricing';
const overview = (slug: string): string => `https://platform.claude.com/docs/en/models/${slug}/overview`;
const FABLE_5_2_NEWS = 'https://platform.claude.com/docs/en/models/fable-5-2/whats-new-fable-5-2';

/*
 * The price table. Every figure was read on 2026-11-22 from the source named in the entry; figures that
 * are not printed on an Anthropic page say where they come from. Models in the SDK's `Model` type that are
 * missing here on purpose:
 * - claude-mythos-preview: retired 2026-06-30 (ghost.fail/models/claude-mythos-preview); no per-token
 *   price was published that could be found, so it records `usd: null`.
 */
export const MODEL_TABLE: readonly ModelInfo[] = [
  // Fable 5.2 / Mythos 5.2 (released 2026-11-09). 1M context per the official "What's new"
  // (FABLE_5_2_NEWS, read 2026-11-22). The per-token figures
  // are from secondary reports of the launch notes, which agree: developersdigest.tech/blog/claude-fable-5-2-
  // whats-new-migration-2026 ($8/$40, reads $0.20), docs.apiyi.com/news/claude-fable-5-2-launch (5m write $10),
  // github.com/archid21/rightsize v0.10.2 (1h write $16). 5m/1h writes equal the documented 1.25x/2x of input.
  // Mythos 5.2 shares Fable 5.2's specifications and pricing, as every Fable/Mythos pair on the pricing page does.
  { id: 'claude-fable-5-2', family: 'fable', contextWindow: M, tiers: flat(8, 40, 10, 16, 0.2), source: `${FABLE_5_2_NEWS} + launch reports (read 2026-11-22)` },
  { id: 'claude-mythos-5-2', family: 'mythos', contextWindow: M, tiers: flat(8, 40, 10, 16, 0.2), source: `${FABLE_5_2_NEWS} + launch reports (read 2026-11-22)` },

  // Haiku 5.5 (released 2026-10-07): two bands split at prompts of 100,000 tokens, counting cache reads and writes;
  // the whole request, output included, is billed at its band. Input, output, 5m writes and the lower 1h write
  // are printed on the official overview (read 2026-11-22). The upper 1h write ($1.00 = 2x $0.50) and the cache
  // reads ($0.01 / $0.05 = 0.1x input) are from github.com/kurofune/claudit v1.9.2 (checked against the live pricing
  // page 2026-10-24) and apidog.com/blog/how-to-use-claude-haiku-5-5-api.
  {
    id: 'claude-haiku-5-5',
    family: 'haiku',
    contextWindow: M,
    tiers: [
      { upToPromptTokens: 100_000, input: 0.1, output: 0.5, cacheWrite5m: 0.125, cacheWrite1h: 0.2, cacheRead: 0.01 },
      { upToPromptTokens: null, input: 0.5, output: 2.5, cacheWrite5m: 0.625, cacheWrite1h: 1, cacheRead: 0.05 },
    ],
    source: `${overview('haiku-5-5')} + ${PRICING_PAGE} via claudit v1.9.2 (read 2026-11-22)`,
  },

  // Sonnet 5.5: official overview (read 2026-11-22) prints $2/$10, writes $2.50/$4, reads $0.20. Anthropic cut the
  // reads to $0.10 (0.05x input) on 2026-10-07, after that page was stored: github.com/kurofune/claudit v1.9.2,
  // github.com/TheKrush/PromptFuel v1.0.23, github.com/rashidrazak/opencode-cmd-provider v2.2.6. The cut price is used.
  { id: 'claude-sonnet-5-5', family: 'sonnet', contextWindow: M, tiers: flat(2, 10, 2.5, 4, 0.1), source: `${overview('sonnet-5-5')} + 2026-10-07 cache-read cut (read 2026-11-22)` },

  // Opus 5.5: official overview (read 2026-11-22); reads are 0.05x input as printed.
  { id: 'claude-opus-5-5', family: 'opus', contextWindow: M, tiers: flat(4, 20, 5, 8, 0.2), source: `${overview('opus-5-5')} (read 2026-11-22)` },

  // Fable 5.1 / Mythos 5.1 / Fable 5 / Mythos 5 / Opus 5 / Opus 4.8 / 4.7 / 4.6 / 4.5: the model pricing table on the
  // official pricing page (read 2026-11-22). Fable/Mythos 5.1 reads are 0.025x input (footnote 1 on that page).
  { id: 'claude-fable-5-1', family: 'fable', contextWindow: M, tiers: flat(10, 50, 12.5, 20, 0.25), source: `${PRICING_PAGE} (read 2026-11-22)` },
  { id: 'claude-mythos-5-1', family: 'mythos', contextWindow: M, tiers: flat(10, 50, 12.5, 20, 0.25), source: `${PRICING_PAGE} (read 2026-11-22)` },
  { id: 'claude-fable-5', family: 'fable', contextWindow: M, tiers: flat(10, 50, 12.5, 20, 1), source: `${PRICING_PAGE} (read 2026-11-22)` },
  { id: 'claude-mythos-5', family: 'mythos', contextWindow: M, tiers: flat(10, 50, 12.5, 20, 1), source: `${PRICING_PAGE} (read 2026-11-22)` },
  { id: 'claude-opus-5', family: 'opus', contextWindow: M, tiers: flat(5, 25, 6.25, 10, 0.5), source: `${PRICING_PAGE} (read 2026-11-22)` },
  { id: 'claude-opus-4-8', family: 'opus', contextWindow: M, tiers: flat(5, 25, 6.25, 10, 0.5), source: `${PRICING_PAGE} (read 2026-11-22)` },
  // Opus 4.7's 1M window: the AWS Bedrock and Google Cloud model cards (Anthropic's own overview was not found).
  { id: 'claude-opus-4-7', family: 'opus', contextWindow: M, tiers: flat(5, 25, 6.25, 10, 0.5), source: `${PRICING_PAGE} (read 2026-11-22)` },
  { id: 'claude-opus-4-6', family: 'opus', contextWindow: M, tiers: flat(5, 25, 6.25, 10, 0.5), source: `${PRICING_PAGE} (read 2026-11-22)` },
  { id: 'claude-opus-4-5', family: 'opus', contextWindow: K200, tiers: flat(5, 25, 6.25, 10, 0.5), source: `${PRICING_PAGE} (read 2026-11-22)` },

  // Sonnet 5 (its $2/$10 launch price was made permanent in Aug 2026): official overview (read 2026-11-22).
  { id: 'claude-sonnet-5', family: 'sonnet', contextWindow: M, tiers: flat(2, 10, 2.5, 4, 0.2), source: `${overview('sonnet-5')} (read 2026-11-22)` },

  // Sonnet 4.6 / 4.5 and Haiku 4.5: the pricing page's model table (read 2026-11-22). Context windows from the
  // official overviews (Sonnet 4.6: 1M at standard rates; Sonnet 4.5: 200K, deprecated, retires 2026-11-30;
  // Haiku 4.5: 200K), so none of them has a long-context band.
  { id: 'claude-sonnet-4-6', family: 'sonnet', contextWindow: M, tiers: flat(3, 15, 3.75, 6, 0.3), source: `${PRICING_PAGE} (read 2026-11-22)` },
  { id: 'claude-sonnet-4-5', family: 'sonnet', contextWindow: K200, tiers: flat(3, 15, 3.75, 6, 0.3), source: `${PRICING_PAGE} (read 2026-11-22)` },
  { id: 'claude-haiku-4-5', family: 'haiku', contextWindow: K200, tiers: flat(1, 5, 1.25, 2, 0.1), source: `${PRICING_PAGE} (read 2026-11-22)` },
];

const RATE_FIELDS = ['input', 'output', 'cacheWrite5m', 'cacheWrite1h', 'cacheRead'] as const;

/** User price corrections keyed by model id (the `dialogue.prices` setting). A field replaces that rate in every band of the model. */
export type PriceOverrides = Record<string, Partial<Rates> & { contextWindow?: number }>;

const DATED_SUFFIX = /-\d{8}$/;

function tableEntry(id: string): ModelInfo | undefined {
  const exact = MODEL_TABLE.find((m) => m.id === id);
  if (exact) return exact;
  // Dated snapshots ("claude-sonnet-4-5-20250929") bill as their alias.
  const base = id.replace(DATED_SUFFIX, '');
  return base === id ? undefined : MODEL_TABLE.find((m) => m.id === base);
}

const rate = z
  .number({ error: 'must be a number (USD per million tokens)' })
  .finite({ error: 'must be a finite number' })
  .nonnegative({ error: 'must not be negative' });

const overrideEntrySchema = z.strictObject({
  input: rate.optional(),
  output: rate.optional(),
  cacheWrite5m: rate.optional(),
  cacheWrite1h: rate.optional(),
  cacheRead: rate.optional(),
  contextWindow: z
    .number({ error: 'must be a number of tokens' })
    .int({ error: 'must be a whole number of tokens' })
    .positive({ error: 'must be positive' })
    .optional(),
});

/** Validates `dialogue.prices`. A model the table does not know must give every rate and its context window, so nothing is guessed. */
export const priceOverridesSchema: z.ZodType<PriceOverrides> = z
  .record(z.string().min(1, { error: 'model ids must not be empty' }), overrideEntrySchema, {
    error: 'must be an object mapping model ids to prices',
  })
  .superRefine((overrides, ctx) => {
    for (const [id, entry] of Object.entries(overrides)) {
      if (tableEntry(id)) continue;
      const missing = [...RATE_FIELDS, 'contextWindow' as const].filter((f) => entry[f] === undefined);
      if (missing.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: [id],
          message: `is not in the built-in price table, so it needs ${[...RATE_FIELDS, 'contextWindow'].join(', ')} (missing: ${missing.join(', ')})`,
        });
      }
    }
  });

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length === 0 ? 'prices' : issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const known = [...RATE_FIELDS, 'contextWindow'].join(', ');
    return `${where}: unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')} (known: ${known})`;
  }
  if (issue.code === 'invalid_key') return `${where}: model ids must not be empty`;
  return `${where}: ${issue.message}`;
}

/** Parses the raw setting; on failure `message` lists every problem as `model.field: what is wrong`, joined by "; ". */
export function parsePriceOverrides(json: unknown): { ok: true; value: PriceOverrides } | { ok: false; message: string } {
  const result = priceOverridesSchema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, message: result.error.issues.map(describeIssue).join('; ') };
}

function overrideFor(id: string, base: ModelInfo | undefined, overrides: PriceOverrides | undefined) {
  if (!overrides) return undefined;
  const own = Object.prototype.hasOwnProperty.call(overrides, id) ? overrides[id] : undefined;
  if (own || !base) return own;
  return Object.prototype.hasOwnProperty.call(overrides, base.id) ? overrides[base.id] : undefined;
}

/** The built-in demo's model (engine/demo): scripted replies, no model called, so every call is priced at $0. */
export const DEMO_MODEL = 'dialogue-demo';
const DEMO_MODEL_INFO: ModelInfo = {
  id: DEMO_MODEL,
  family: 'demo',
  contextWindow: K200,
  tiers: flat(0, 0, 0, 0, 0),
  source: 'the built-in demo: scripted replies, no model called, nothing billed',
};

/**
 * Looks a model up by exact id, then as a dated alias of a table id, with `overrides` applied on top. The demo
 * model is never overridden: its $0 is a fact, not a price.
 */
export function findModel(id: string, overrides?: PriceOverrides): ModelInfo | undefined {
  if (id === DEMO_MODEL) return DEMO_MODEL_INFO;
  const base = tableEntry(id);
  const override = overrideFor(id, base, overrides);
  if (!override) return base;
  const rates: Partial<Rates> = {};
  for (const f of RATE_FIELDS) if (override[f] !== undefined) rates[f] = override[f];
  if (base) {
    return {
      ...base,
      contextWindow: override.contextWindow ?? base.contextWindow,
      tiers: base.tiers.map((t) => ({ ...t, ...rates })),
      source: `${base.source}; overridden by dialogue.prices`,
    };
  }
  // An unvalidated, incomplete override for an unknown model stays unknown rather than half-priced.
  if (override.contextWindow === undefined || RATE_FIELDS.some((f) => rates[f] === undefined)) return undefined;
  return {
    id,
    family: 'custom',
    contextWindow: override.contextWindow,
    tiers: [{ upToPromptTokens: null, ...(rates as Rates) }],
    source: 'dialogue.prices',
  };
}

/** The model a new session uses unless a setting or flag says otherwise: a current Sonnet. */
export const DEFAULT_MODEL = 'claude-sonnet-5-5';
