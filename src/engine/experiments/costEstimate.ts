import type { Library } from '../cast/characters';
import { BATCH_PRICE_FACTOR, priceUsage } from '../cost/costMeter';
import { findModel, type PriceOverrides } from '../cost/modelTable';
import { openingSystem, userTurnText, type StageDirection } from '../prompt/promptLayout';
import type { PlannedRun } from './experimentPlan';


/** Output tokens the estimate assumes per turn: a confer of this size plus RESPONSE_TOKENS per answering member. */
const CONFER_TOKENS = { off: 0, brief: 60, full: 200 } as const;
const RESPONSE_TOKENS = 120;
/** The smallest prefix the API caches (most models); below it the estimate prices the prompt as uncached input. */
const MIN_CACHEABLE = 1024;

/** What a run is expected to cost; `usd` is null when the model has no known price. */
export interface RunEstimate {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  usd: number | null;
}

/** The assumptions behind estimateRun, printed with every estimate so the figure can be judged. */
export const ESTIMATE_ASSUMPTIONS: readonly string[] = [
  'tokens ≈ UTF-8 bytes ÷ 4 for the system prompt, profiles and floor lines exactly as the engine lays them out',
  `each reply writes ${CONFER_TOKENS.full}/${CONFER_TOKENS.brief}/${CONFER_TOKENS.off} confer tokens (depth full/brief/off) plus ${RESPONSE_TOKENS} per answering member, capped at max_tokens`,
  'turn 1 writes the whole prompt to the cache; each later turn reads the previous prompt from it and writes the new tail (previous reply + new floor line)',
  `a prompt under ${MIN_CACHEABLE} tokens is not cached; no retries, refusals or stopped turns`,
  'prices from the built-in table (with DIALOGUE_PRICES overrides); --batch at 50% of every rate, with 1-hour cache writes',
];

const tokens = (s: string): number => Math.ceil(Buffer.byteLength(s, 'utf8') / 4);

/** Estimates one run by walking its script the way the session will lay out the context. */
export function estimateRun(run: PlannedRun, library: Library, o: { batch: boolean; prices?: PriceOverrides }): RunEstimate {
  const c = run.condition;
  const cast = c.cast.map((id) => library.characters.get(id)!);
  const brief = c.brief === null ? null : library.briefs.get(c.brief) ?? null;
  let prompt = openingSystem(c.depth, brief, cast).reduce((n, block) => n + tokens(block), 0);
  const present = new Set(c.cast);
  let queued: StageDirection[] = [];
  let cached = 0;
  let lastReply = 0;
  let lastUser = 0;
  const est: RunEstimate = { requests: 0, inputTokens: 0, outputTokens: 0, usd: findModel(c.model, o.prices) ? 0 : null };
  const ttl = o.batch ? '1h' : c.ttl;
  const call = (addressed: boolean, userTokens: number): void => {
    const reply = Math.min(c.max_tokens, addressed || present.size === 1 ? RESPONSE_TOKENS : CONFER_TOKENS[c.depth] + RESPONSE_TOKENS * present.size);
    const total = prompt + userTokens;
    const cacheable = total >= MIN_CACHEABLE;
    const read = cacheable ? Math.min(cached, total) : 0;
    const write = cacheable ? total - read : 0;
    const usage = { input_tokens: cacheable ? 0 : total, cache_read_input_tokens: read, cache_creation_input_tokens: write, output_tokens: reply, ...(ttl === '1h' ? { cache_creation_1h: write } : { cache_creation_5m: write }) };
    const price = priceUsage(c.model, usage, { ...(o.prices ? { overrides: o.prices } : {}), defaultTtl: ttl });
    est.requests++;
    est.inputTokens += total;
    est.outputTokens += reply;
    if (est.usd !== null && price.usd !== null) est.usd += price.usd * (o.batch ? BATCH_PRICE_FACTOR : 1);
    if (cacheable) cached = total;
    lastReply = reply;
    lastUser = userTokens;
  };
  for (const a of run.actions) {
    if ('add' in a) {
      queued.push({ kind: 'join', character: library.characters.get(a.add)! });
    } else if ('retire' in a) {
      queued.push({ kind: 'retire', character: library.characters.get(a.retire)! });
    } else if ('say' in a) {
      for (const d of queued) d.kind === 'join' ? present.add(d.character.id) : present.delete(d.character.id);
      const user = tokens(userTurnText(a.say, queued)) + (a.to ? 30 : 0);
      queued = [];
      prompt += lastUser + lastReply;
      call(a.to !== undefined, user);
    } else if ('edit' in a) {
      // the same context minus the last exchange, with a new floor line
      lastReply = 0;
      call(false, tokens(userTurnText(a.edit, [])));
    } else if ('regenerate' in a) {
      const user = lastUser;
      lastReply = 0;
      call(false, user);
    }
    // rewind: the context is cut back; the estimate keeps the longer prompt (an upper bound)
  }
  if (est.usd !== null) est.usd = Math.round(est.usd * 1_000_000) / 1_000_000;
  return est;
}

/** Sums run estimates; usd is null if any run's model has no price. */
export function sumEstimates(list: readonly RunEstimate[]): RunEstimate {
  return list.reduce<RunEstimate>(
    (acc, e) => ({
      requests: acc.requests + e.requests,
      inputTokens: acc.inputTokens + e.inputTokens,
      outputTokens: acc.outputTokens + e.outputTokens,
      usd: acc.usd === null || e.usd === null ? null : Math.round((acc.usd + e.usd) * 1_000_000) / 1_000_000,
    }),
    { requests: 0, inputTokens: 0, outputTokens: 0, usd: 0 },
  );
}
