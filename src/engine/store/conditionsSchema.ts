import { z } from 'zod';

/** The run's conditions (SPEC 9), part of the session log format (sessionSchema.ts re-exports them). */

export const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256');

/** The rates a session is priced with, per million tokens, as the model table (plus any overrides) gave them. */
export const priceTierSchema = z.object({
  up_to_prompt_tokens: z.number().int().positive().nullable().describe('the band holds requests with at most this many prompt tokens; null = no bound'),
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cache_write_5m: z.number().nonnegative(),
  cache_write_1h: z.number().nonnegative(),
  cache_read: z.number().nonnegative(),
});
export const conditionPricesSchema = z
  .object({ model: z.string(), source: z.string(), tiers: z.array(priceTierSchema).min(1) })
  .nullable()
  .describe('null when no price is known for the model (cost events then carry usd null)');

/**
 * The run's conditions (SPEC 9): what a reader needs to reproduce or compare the session. They hold from the
 * start (or from `since_seq`); each later change is a `condition-change` event.
 */
export const conditionsSchema = z.object({
  model: z.string(),
  max_tokens: z.number().int().positive(),
  deliberation_depth: z.enum(['off', 'brief', 'full']),
  cache_ttl: z.enum(['5m', '1h']),
  sampling: z.object({}).catchall(z.number()).describe('sampling parameters sent with every call (temperature, top_p, top_k); {} = none, the API defaults'),
  system_sha256: sha256Schema.describe('sha256 of the system blocks\' text, concatenated exactly as sent'),
  prices: conditionPricesSchema,
  engine_version: z.string().min(1).describe('the version of Dialogue Panel that ran the session'),
  sdk_version: z.string().min(1).describe('the version of @anthropic-ai/sdk that made the calls'),
  demo: z
    .literal(true)
    .optional()
    .describe('set on a session of the built-in demo: scripted replies served in-process, no model called, priced at $0; absent on every real session'),
  since_seq: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('set when the conditions were first recorded after the start (a session from an older version, continued): they hold from this event on'),
});
export type SessionConditions = z.infer<typeof conditionsSchema>;

