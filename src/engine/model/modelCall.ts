// Room `engine/model`: the one place the Anthropic SDK is called — streaming, retries, aborts, errors made
// plain. May import: engine/prompt (the request shape), engine/cost (usage types).
import { BaseAnthropic } from '@anthropic-ai/sdk/client';
import { APIConnectionError, APIError, APIUserAbortError } from '@anthropic-ai/sdk/core/error';
import { Messages, type MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages/messages';
import type { MegapromptRequest } from '../prompt/promptLayout';
import type { Usage } from '../cost/costMeter';
import { retryAfterHeader } from './apiErrors';
import { estimateOutputTokens, fromApiUsage } from './callUsage';

/** The version of @anthropic-ai/sdk that makes the calls (recorded in a session's conditions). */
export { VERSION as SDK_VERSION } from '@anthropic-ai/sdk/version';

/** What the API said about why it stopped (message_delta's `stop_details`, e.g. a refusal's category). */
export interface StopDetails {
  type: string;
  category?: string | null;
  explanation?: string | null;
}

/**
 * One request the API answered with a stream, so it was billed (from message_start on), whatever happened
 * next. `attempt` counts every request of the call from 1 (unbilled HTTP errors, retries and pause_turn
 * continuations included). `usageEstimated` is true when no final usage arrived and `usage.output_tokens` is
 * estimated from the text that did (see `estimateOutputTokens`).
 */
export interface BilledAttempt {
  attempt: number;
  usage: Usage;
  usageEstimated: boolean;
  stopReason: string | null;
  stopDetails: StopDetails | null;
}

/** How a call ended. `text` always holds everything that arrived, whatever the outcome. */
export interface CallResult {
  outcome: 'complete' | 'aborted' | 'failed';
  text: string;
  /** Usage of the last billed attempt (null if the API served none); every billed attempt is in `attempts`. */
  usage: Usage | null;
  stopReason: string | null;
  stopDetails: StopDetails | null;
  /** Every billed attempt in order; their usage sums to what the call cost. */
  attempts: BilledAttempt[];
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

/** What a client is made from; `fetch` replaces the network (the built-in demo serves the API in-process). */
export interface ClientOptions {
  apiKey: string;
  baseURL?: string | undefined;
  fetch?: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
}

export function makeClient(o: ClientOptions): ModelClient {
  // The engine retries itself (so each retry is visible to the researcher and logged), hence maxRetries: 0.
  return new MessagesClient({ apiKey: o.apiKey, maxRetries: 0, ...(o.baseURL ? { baseURL: o.baseURL } : {}), ...(o.fetch ? { fetch: o.fetch } : {}) });
}

/** How many times a `pause_turn` is continued before the call ends as it is (an anomaly says so). */
export const MAX_PAUSE_CONTINUATIONS = 3;

/**
 * One model call, streamed. A retryable failure before any text arrived is retried with the server's
 * retry-after (or exponential backoff); once text has arrived a failure keeps the partial text instead,
 * because the researcher has already seen it. A `pause_turn` stop is continued as the API documents: the
 * same request with the reply so far appended as the assistant's turn, so the model carries on from there.
 */
export async function streamCall(client: ModelClient, request: MegapromptRequest, hooks: CallHooks, apiKey: string): Promise<CallResult> {
  const maxRetries = hooks.maxRetries ?? 4;
  const sleep = hooks.sleep ?? abortableSleep;
  const attempts: BilledAttempt[] = [];
  let before = ''; // text of earlier attempts that the call continues (pause_turn)
  let retries = 0;
  let pauses = 0;
  let sent = request;
  for (let attempt = 1; ; attempt++) {
    const r = await attemptCall(client, sent, hooks, apiKey);
    if (r.billed) attempts.push({ attempt, ...r.billed });
    const text = before + r.text;
    const result: CallResult = { outcome: r.outcome, text, usage: r.billed?.usage ?? null, stopReason: r.billed?.stopReason ?? null, stopDetails: r.billed?.stopDetails ?? null, attempts, ...(r.error ? { error: r.error } : {}) };
    if (r.outcome === 'complete' && result.stopReason === 'pause_turn' && pauses < MAX_PAUSE_CONTINUATIONS) {
      pauses++;
      before = text;
      sent = withPartialReply(request, text);
      continue;
    }
    const retryable = r.outcome === 'failed' && r.text.length === 0 && r.error && RETRYABLE.has(r.error.kind);
    if (!retryable || retries >= maxRetries) return result;
    retries++;
    const waitMs = r.retryAfterMs ?? Math.min(30_000, 1000 * 2 ** (retries - 1));
    hooks.onRetry({ status: r.error!.status ?? 0, attempt: attempt + 1, waitMs, kind: r.error!.kind });
    try {
      await sleep(waitMs, hooks.signal);
    } catch {
      const { error: _waitedOut, ...rest } = result;
      return { ...rest, outcome: 'aborted' };
    }
  }
}

/**
 * The request to continue a paused turn: the reply so far as the assistant's (prefilled) turn. The API refuses
 * a final assistant block that ends in whitespace, so that is trimmed; an empty reply resends the request.
 */
export function withPartialReply(request: MegapromptRequest, text: string): MegapromptRequest {
  const partial = text.trimEnd();
  if (partial.length === 0) return request;
  return { ...request, messages: [...request.messages, { role: 'assistant', content: [{ type: 'text', text: partial }] }] };
}

interface AttemptResult {
  outcome: CallResult['outcome'];
  text: string;
  /** Present once message_start arrived: from then on the request is billed. */
  billed?: Omit<BilledAttempt, 'attempt'>;
  error?: CallError;
  retryAfterMs?: number;
}

async function attemptCall(client: ModelClient, request: MegapromptRequest, hooks: CallHooks, apiKey: string): Promise<AttemptResult> {
  let text = '';
  let usage: Usage | null = null;
  let final = false; // a message_delta reported the final (cumulative) usage
  let stopReason: string | null = null;
  let stopDetails: StopDetails | null = null;
  const billed = (): AttemptResult['billed'] =>
    usage === null
      ? undefined
      : final
        ? { usage, usageEstimated: false, stopReason, stopDetails }
        : { usage: { ...usage, output_tokens: estimateOutputTokens(text, usage.output_tokens) }, usageEstimated: true, stopReason, stopDetails };
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
        final = true;
        stopReason = ev.delta.stop_reason ?? stopReason;
        stopDetails = readStopDetails((ev.delta as { stop_details?: unknown }).stop_details) ?? stopDetails;
      }
    }
    return { outcome: 'complete', text, billed: billed() };
  } catch (err) {
    if (hooks.signal.aborted || err instanceof APIUserAbortError) return { outcome: 'aborted', text, billed: billed() };
    const error = describeError(err, apiKey);
    const retryAfterMs = err instanceof APIError ? retryAfterHeader(err.headers) : undefined;
    return { outcome: 'failed', text, billed: billed(), error, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
}

/** `stop_details` as sent, if it has the documented shape; unknown extra fields are dropped. */
function readStopDetails(raw: unknown): StopDetails | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  if (typeof r.type !== 'string') return null;
  const text = (v: unknown): string | null | undefined => (typeof v === 'string' ? v : v === null ? null : undefined);
  const category = text(r.category);
  const explanation = text(r.explanation);
  return { type: r.type, ...(category !== undefined ? { category } : {}), ...(explanation !== undefined ? { explanation } : {}) };
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
