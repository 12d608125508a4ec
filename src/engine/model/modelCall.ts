// Room `engine/model`: the one place the Anthropic SDK is called — streaming, retries, aborts, errors made
// plain. May import: engine/prompt (the request shape), engine/cost (usage types).
import { BaseAnthropic } from '@anthropic-ai/sdk/client';
import { APIConnectionError, APIError, APIUserAbortError } from '@anthropic-ai/sdk/core/error';
import { Messages, type MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages/messages';
import type { MegapromptRequest } from '../prompt/promptLayout';
import type { Usage } from '../cost/costMeter';

/** How a call ended. `text` always holds everything that arrived, whatever the outcome. */
export interface CallResult {
  outcome: 'complete' | 'aborted' | 'failed';
  text: string;
  /** Usage as last reported by the API (message_start, then the cumulative message_delta); null if none arrived. */
  usage: Usage | null;
  stopReason: string | null;
  error?: CallError;
}

/** A failed call, described for the researcher. `message` never contains the API key. */
export interface CallError {
  kind: 'authentication' | 'permission' | 'rate_limit' | 'overloaded' | 'server' | 'connection' | 'invalid_request' | 'not_found' | 'unknown';
  status: number | null;
  message: string;
}

export interface RetryNotice {
  status: number;
  attempt: number;
  waitMs: number;
  kind: CallError['kind'];
}

export interface CallHooks {
  onText(delta: string): void;
  onRetry(n: RetryNotice): void;
  signal: AbortSignal;
  /** how many times a retryable failure (429, 529, 5xx, connection) is retried before giving up. */
  maxRetries?: number;
  /** for tests: wait implementation. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const RETRYABLE: ReadonlySet<CallError['kind']> = new Set(['rate_limit', 'overloaded', 'server', 'connection']);

/**
 * The SDK's client with the Messages API only. The default export `Anthropic` also constructs every other
 * resource (models, files, skills, beta, ...), which keeps ~290 KB the engine never calls in each bundle;
 * the SDK's `BaseAnthropic` is the same client without them.
 */
class MessagesClient extends BaseAnthropic {
  messages: Messages = new Messages(this);
}

/** What the engine needs of a client: `new Anthropic(...)` (tests) and makeClient()'s both qualify. */
export type ModelClient = Pick<MessagesClient, 'messages'>;

export function makeClient(o: { apiKey: string; baseURL?: string | undefined }): ModelClient {
  // The engine retries itself (so each retry is visible to the researcher and logged), hence maxRetries: 0.
  return new MessagesClient({ apiKey: o.apiKey, maxRetries: 0, ...(o.baseURL ? { baseURL: o.baseURL } : {}) });
}

/**
 * One model call, streamed. A retryable failure before any text arrived is retried with the server's
 * retry-after (or exponential backoff); once text has arrived a failure keeps the partial text instead,
 * because the researcher has already seen it.
 */
export async function streamCall(client: ModelClient, request: MegapromptRequest, hooks: CallHooks, apiKey: string): Promise<CallResult> {
  const maxRetries = hooks.maxRetries ?? 4;
  const sleep = hooks.sleep ?? abortableSleep;
  for (let attempt = 1; ; attempt++) {
    const r = await attemptCall(client, request, hooks, apiKey);
    const retryable = r.outcome === 'failed' && r.text.length === 0 && r.error && RETRYABLE.has(r.error.kind);
    if (!retryable || attempt > maxRetries) return r;
    const waitMs = r.retryAfterMs ?? Math.min(30_000, 1000 * 2 ** (attempt - 1));
    hooks.onRetry({ status: r.error!.status ?? 0, attempt: attempt + 1, waitMs, kind: r.error!.kind });
    try {
      await sleep(waitMs, hooks.signal);
    } catch {
      return { outcome: 'aborted', text: '', usage: r.usage, stopReason: null };
    }
  }
}

async function attemptCall(
  client: ModelClient,
  request: MegapromptRequest,
  hooks: CallHooks,
  apiKey: string,
): Promise<CallResult & { retryAfterMs?: number }> {
  let text = '';
  let usage: Usage | null = null;
  let stopReason: string | null = null;
  try {
    const stream = client.messages.stream(request as MessageCreateParamsNonStreaming, { signal: hooks.signal });
    for await (const ev of stream) {
      if (ev.type === 'message_start') {
        usage = fromApiUsage(ev.message.usage, null);
      } else if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') {
        text += ev.delta.text;
        hooks.onText(ev.delta.text);
      } else if (ev.type === 'message_delta') {
        usage = fromApiUsage(ev.usage, usage);
        stopReason = ev.delta.stop_reason ?? stopReason;
      }
    }
    return { outcome: 'complete', text, usage, stopReason };
  } catch (err) {
    if (hooks.signal.aborted || err instanceof APIUserAbortError) {
      return { outcome: 'aborted', text, usage, stopReason };
    }
    const error = describeError(err, apiKey);
    const retryAfterMs = err instanceof APIError ? retryAfter(err.headers) : undefined;
    return { outcome: 'failed', text, usage, stopReason, error, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
}

interface ApiUsageLike {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation?: { ephemeral_5m_input_tokens?: number | null; ephemeral_1h_input_tokens?: number | null } | null;
  service_tier?: string | null;
}

/** message_delta usage is cumulative and may omit input fields; keep what message_start said for those. */
function fromApiUsage(u: ApiUsageLike, prev: Usage | null): Usage {
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

function retryAfter(headers: Headers | undefined): number | undefined {
  const ms = Number(headers?.get?.('retry-after-ms') ?? NaN);
  if (Number.isFinite(ms)) return Math.max(0, Math.round(ms));
  const v = headers?.get?.('retry-after');
  if (v == null) return undefined;
  const secs = Number(v);
  if (Number.isFinite(secs)) return Math.max(0, Math.round(secs * 1000));
  const date = Date.parse(v);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/** Never let the key reach a message: SDK and server messages can quote request headers. */
export function redactKey(message: string, apiKey: string): string {
  let out = message;
  if (apiKey.length >= 8) out = out.split(apiKey).join('[redacted key]');
  return out.replace(/sk-ant-[A-Za-z0-9_-]{8,}/g, '[redacted key]');
}

export function describeError(err: unknown, apiKey: string): CallError {
  const raw = err instanceof Error ? err.message : String(err);
  const message = redactKey(raw, apiKey);
  if (err instanceof APIConnectionError) return { kind: 'connection', status: null, message: `Could not reach the model API: ${message}` };
  if (err instanceof APIError) {
    const status = typeof err.status === 'number' ? err.status : null;
    const errorType = (err.error as { error?: { type?: string } } | undefined)?.error?.type;
    if (status === 401 || errorType === 'authentication_error') {
      return {
        kind: 'authentication',
        status,
        message: 'The API key was rejected (401). Set a valid key with the command "Dialogue: Set API Key", or the ANTHROPIC_API_KEY environment variable.',
      };
    }
    if (status === 403) return { kind: 'permission', status, message: `The API refused this request (403): ${message}` };
    if (status === 404) return { kind: 'not_found', status, message: `Not found (404) — check the model id and base URL: ${message}` };
    if (status === 429 || errorType === 'rate_limit_error') return { kind: 'rate_limit', status: status ?? 429, message: `Rate limited (429): ${message}` };
    if (status === 529 || errorType === 'overloaded_error') return { kind: 'overloaded', status: status ?? 529, message: `The API is overloaded (529): ${message}` };
    if (status === 400) return { kind: 'invalid_request', status, message: `The API rejected the request (400): ${message}` };
    if (status !== null && status >= 500) return { kind: 'server', status, message: `The API failed (${status}): ${message}` };
    if (status === null) return { kind: 'connection', status: null, message: `The stream broke: ${message}` };
  }
  // undici reports a socket closed mid-body as "terminated"; the SDK passes it through as a plain error.
  if (/terminated|ECONNRESET|socket hang up|fetch failed|other side closed/i.test(raw)) {
    return { kind: 'connection', status: null, message: `The connection dropped mid-reply (${message}); what arrived is kept.` };
  }
  return { kind: 'unknown', status: null, message };
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('aborted'));
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
