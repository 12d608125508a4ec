import type { Usage } from '../cost/costMeter';

/**
 * Usage as the stream reports it, and the estimate for a stream that never reported its final usage.
 * message_start carries the input side (exact: the request was billed for it) with `output_tokens` 1; the
 * cumulative `message_delta` carries the final output count. A stream that is stopped, dropped or ends in an
 * error event never sends that delta, so its output side is estimated from the text that did arrive.
 */

interface ApiUsageLike {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation?: { ephemeral_5m_input_tokens?: number | null; ephemeral_1h_input_tokens?: number | null } | null;
  service_tier?: string | null;
}

/** message_delta usage is cumulative and may omit input fields; keep what message_start said for those. */
export function fromApiUsage(u: ApiUsageLike, prev: Usage | null): Usage {
  const pick = (v: number | null | undefined, fallback: number): number => (typeof v === 'number' ? v : fallback);
  const out: Usage = {
    input_tokens: pick(u.input_tokens, prev?.input_tokens ?? 0),
    output_tokens: pick(u.output_tokens, prev?.output_tokens ?? 0),
    cache_creation_input_tokens: pick(u.cache_creation_input_tokens, prev?.cache_creation_input_tokens ?? 0),
    cache_read_input_tokens: pick(u.cache_read_input_tokens, prev?.cache_read_input_tokens ?? 0),
  };
  const split5m = u.cache_creation?.ephemeral_5m_input_tokens ?? prev?.cache_creation_5m;
  const split1h = u.cache_creation?.ephemeral_1h_input_tokens ?? prev?.cache_creation_1h;
  if (typeof split5m === 'number') out.cache_creation_5m = split5m;
  if (typeof split1h === 'number') out.cache_creation_1h = split1h;
  const tier = u.service_tier ?? prev?.service_tier;
  if (tier === 'standard' || tier === 'priority' || tier === 'batch') out.service_tier = tier;
  return out;
}

/**
 * A tokenizer-free estimate of the output tokens behind `text`: one token per 4 UTF-8 bytes, rounded up.
 * Anthropic's rule of thumb is about 3.5-4 characters of English per token; counting bytes instead of
 * characters weighs accented and non-Latin scripts (which tokenize finer) more heavily, so the estimate errs
 * towards more tokens, i.e. towards over- rather than under-stating the cost. Never below what the API last
 * reported (message_start's 1), since that part was certainly billed.
 */
export function estimateOutputTokens(text: string, reported: number): number {
  return Math.max(reported, Math.ceil(Buffer.byteLength(text, 'utf8') / 4));
}
