import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  messageDeltaEvent,
  messageStartEvent,
  messageStopEvent,
  pingEvent,
  sseFrame,
  textBlockStartEvent,
  textBlockStopEvent,
  textDeltaEvent,
  textPieces,
  type StreamUsage,
} from '../model/sseEvents';
import { readPrompt, scriptedReply, scriptedSummary } from './demoScript';

/**
 * The demo's Messages API, served in-process: a `fetch` the real SDK client calls instead of the network. It
 * answers POST /v1/messages with the API's real server-sent events (the same encoder the test stand-in uses),
 * so the SDK's streaming, the tag parser, the recorder and the cost accounting all run as they do for real.
 * Usage is counted as the stand-in counts it (one token per started 4 bytes) with prompt-cache accounting, so
 * the meter shows a plausible context and a warm cache; the demo model is priced at $0 (modelTable's DEMO_MODEL).
 */

const block = z.looseObject({ type: z.string(), text: z.string().optional(), cache_control: z.looseObject({ ttl: z.enum(['5m', '1h']).optional() }).nullish() });
const requestSchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  stream: z.boolean().optional(),
  system: z.array(block).optional(),
  messages: z.array(z.looseObject({ role: z.enum(['user', 'assistant']), content: z.union([z.string(), z.array(block)]) })).min(1),
});
type DemoRequest = z.infer<typeof requestSchema>;

/** How the demo paces its stream: small pieces, a beat apart, so the drawer visibly fills as in a real turn. */
export interface DemoPacing {
  chunkSize: number;
  delayMs: number;
}
export const DEMO_PACING: DemoPacing = { chunkSize: 8, delayMs: 12 };

/** The demo's tokenizer, the stand-in's: one token per started 4 bytes of UTF-8. */
export function demoTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, 'utf8') / 4);
}

/**
 * A fetch for `new Anthropic({ fetch })`. Each call gets its own cache (a session's client keeps one), so a
 * demo session's second turn reads what its first wrote, as the real API's cache would.
 */
export function demoFetch(pacing: DemoPacing = DEMO_PACING): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
  const cache = new Map<string, number>();
  let served = 0;
  return async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const requestId = `req_demo_${String(++served).padStart(6, '0')}`;
    if ((init?.method ?? 'GET') !== 'POST' || url.pathname !== '/v1/messages') {
      return errorResponse(404, requestId, 'not_found_error', `${init?.method ?? 'GET'} ${url.pathname} is not served by the demo`);
    }
    let request: DemoRequest;
    try {
      request = requestSchema.parse(JSON.parse(typeof init?.body === 'string' ? init.body : ''));
    } catch (err) {
      return errorResponse(400, requestId, 'invalid_request_error', `the demo could not read the request: ${(err as Error).message.split('\n')[0]}`);
    }
    const texts = (content: DemoRequest['messages'][number]['content']): string => (typeof content === 'string' ? content : content.map((b) => b.text ?? '').join('\n'));
    const reading = readPrompt(
      (request.system ?? []).map((b) => b.text ?? '').join('\n'),
      request.messages.filter((m) => m.role === 'user').map((m) => texts(m.content)),
    );
    // A keep-warm ping (max_tokens 1) is answered like the API would: one token, the cache refreshed.
    const text = request.max_tokens <= 1 ? '.' : reading.carryOver ? scriptedSummary(reading) : scriptedReply(reading);
    const usage = accountCache(request, cache);
    const events = [
      messageStartEvent({ id: `msg_demo_${String(served).padStart(6, '0')}`, model: request.model, usage: { ...usage, output_tokens: 1 } }),
      textBlockStartEvent(),
      pingEvent(),
      ...textPieces(text, pacing.chunkSize).map(textDeltaEvent),
      textBlockStopEvent(),
      messageDeltaEvent({ stopReason: request.max_tokens <= 1 ? 'max_tokens' : 'end_turn', usage: { ...usage, output_tokens: demoTokens(text) } }),
      messageStopEvent(),
    ];
    return new Response(sseStream(events, pacing.delayMs, init?.signal ?? undefined), {
      status: 200,
      headers: { 'content-type': 'text/event-stream; charset=utf-8', 'request-id': requestId },
    });
  };
}

/** The events as an SSE byte stream, a beat between text deltas; an abort ends it as a dropped connection would. */
function sseStream(events: ReadonlyArray<{ type: string }>, delayMs: number, signal: AbortSignal | undefined): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let next = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (signal?.aborted) {
        controller.error(signal.reason ?? new Error('aborted'));
        return;
      }
      const event = events[next++];
      if (!event) {
        controller.close();
        return;
      }
      if (event.type === 'content_block_delta' && delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      controller.enqueue(encoder.encode(sseFrame(event)));
    },
  });
}

/**
 * Prompt-cache accounting, as the API documents it: the prompt is laid out system blocks first, then each
 * message's blocks; a block with `cache_control` is a breakpoint. The longest breakpoint prefix already cached is
 * read; everything up to the last breakpoint beyond it is written; the rest is plain input.
 */
function accountCache(request: DemoRequest, cache: Map<string, number>): Omit<StreamUsage, 'output_tokens'> {
  let key = createHash('sha256').update(`model:${request.model}`).digest('hex');
  let tokens = 0;
  const breakpoints: Array<{ key: string; tokens: number; ttl: '5m' | '1h' }> = [];
  const add = (place: string, b: z.infer<typeof block>): void => {
    key = createHash('sha256').update(key).update(JSON.stringify([place, b.type, b.text ?? ''])).digest('hex');
    tokens += demoTokens(b.text ?? '');
    if (b.cache_control) breakpoints.push({ key, tokens, ttl: b.cache_control.ttl ?? '5m' });
  };
  for (const b of request.system ?? []) add('system', b);
  for (const m of request.messages) for (const b of typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content) add(m.role, b);
  const read = Math.max(0, ...breakpoints.filter((p) => cache.has(p.key)).map((p) => p.tokens));
  const last = breakpoints.at(-1);
  const written = last && last.tokens > read ? last.tokens - read : 0;
  for (const p of breakpoints) cache.set(p.key, p.tokens);
  const ttl = last?.ttl ?? '5m';
  return {
    input_tokens: tokens - read - written,
    cache_creation_input_tokens: written,
    cache_read_input_tokens: read,
    cache_creation: { ephemeral_5m_input_tokens: ttl === '5m' ? written : 0, ephemeral_1h_input_tokens: ttl === '1h' ? written : 0 },
  };
}

function errorResponse(status: number, requestId: string, type: string, message: string): Response {
  return new Response(JSON.stringify({ type: 'error', error: { type, message }, request_id: requestId }), {
    status,
    headers: { 'content-type': 'application/json', 'request-id': requestId },
  });
}
