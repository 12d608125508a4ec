import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  messageDeltaEvent,
  messageStartEvent,
  messageStopEvent,
  pingEvent,
  sseFrame,
  streamErrorEvent,
  textBlockStartEvent,
  textBlockStopEvent,
  textDeltaEvent,
} from '../../src/engine/model/sseEvents';
import { countTokens, type StandInUsage } from './promptCache.js';

/** One scripted response. With `status` set nothing is streamed; the fault fields act mid-stream. */
export interface StandInReply {
  /** Assistant text, streamed as text_delta chunks; cut (stop_reason max_tokens) if over max_tokens. */
  text?: string;
  /** Characters (code points) per text_delta; default 12. */
  chunkSize?: number;
  /** Delay between deltas in ms; default 0. */
  chunkDelayMs?: number;
  /** Answer with this HTTP error and the API's error JSON instead of a stream (401, 429, 529, 500 ...). */
  status?: number;
  /** With a 429/529 `status`: also send `retry-after-ms` (the SDK honours it; keeps retry tests fast). */
  retryAfterMs?: number;
  /** After this many characters, send an SSE `event: error` (overloaded_error) and end the stream. */
  errorAfterChars?: number;
  /** After this many characters, destroy the socket: no content_block_stop, no message_stop. */
  dropAfterChars?: number;
  /**
   * Reported stop reason; default end_turn (max_tokens when the text had to be cut). Any string is sent as is,
   * so the SDK's whole union (pause_turn, model_context_window_exceeded, ...) and unknown future values can be.
   */
  stopReason?: string;
  /** The model declines after `text`: stop_reason `refusal` with these `stop_details` on message_delta. */
  refusal?: { category?: string | null; explanation?: string | null };
  /** After the text, keep the stream open until the client disconnects (for abort tests). */
  holdOpen?: boolean;
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

const ERROR_MESSAGES: Record<string, string> = {
  authentication_error: 'invalid x-api-key',
  rate_limit_error: 'Number of request tokens has exceeded your per-minute rate limit.',
  overloaded_error: 'Overloaded',
  api_error: 'Internal server error',
};

/** Answers with the API's error envelope, its request-id header, and retry-after on 429/529. */
export function sendError(res: ServerResponse, status: number, requestId: string, message?: string, retryAfterMs?: number): void {
  const type = ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
  const headers: Record<string, string> = { 'content-type': 'application/json', 'request-id': requestId };
  if (status === 429 || status === 529) {
    headers['retry-after'] = '0';
    if (retryAfterMs !== undefined) headers['retry-after-ms'] = String(retryAfterMs);
  }
  const body = { type: 'error', error: { type, message: message ?? ERROR_MESSAGES[type] ?? type }, request_id: requestId };
  res.writeHead(status, headers).end(JSON.stringify(body));
}

/** What one streamed answer needs from the request; `usage` is updated in place as it is reported. */
export interface ReplyContext {
  requestId: string;
  messageId: string;
  model: string;
  maxTokens: number;
  stopSequence: string | null;
  usage: StandInUsage;
  /** Filled in as the reply goes out: the text delivered and the stop reason sent (null when none was). */
  served: { text: string; stopReason: string | null };
}

/** Streams one reply as the Messages API's SSE, honouring the reply's faults and client disconnects. */
export async function streamReply(res: ServerResponse, reply: StandInReply, ctx: ReplyContext): Promise<void> {
  let closed = false;
  res.on('close', () => (closed = true));
  const send = (event: { type: string }) => new Promise<void>((resolve) => res.write(sseFrame(event), () => resolve()));

  const { text, stopReason } = fitToMaxTokens(reply, ctx.maxTokens);
  const points = Array.from(text);
  const faults = [reply.errorAfterChars, reply.dropAfterChars].filter((n): n is number => n !== undefined);
  const deliverable = faults.length ? points.slice(0, Math.min(...faults)) : points;

  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': ctx.requestId });
  ctx.usage.output_tokens = 1;
  await send(messageStartEvent({ id: ctx.messageId, model: ctx.model, usage: ctx.usage }));
  await send(textBlockStartEvent());
  await send(pingEvent());

  const chunkSize = Math.max(1, reply.chunkSize ?? 12);
  for (let i = 0; i < deliverable.length && !closed; i += chunkSize) {
    if (i > 0 && reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
    if (closed) return;
    const piece = deliverable.slice(i, i + chunkSize).join('');
    ctx.served.text += piece;
    await send(textDeltaEvent(piece));
  }
  if (closed) return;

  if (faults.length && reply.errorAfterChars === Math.min(...faults)) {
    await send(streamErrorEvent('overloaded_error', 'Overloaded'));
    res.end();
    return;
  }
  if (faults.length) {
    // Every delta was flushed (awaited) above, so the client holds the partial text before the cut.
    res.socket?.destroy();
    return;
  }
  if (reply.holdOpen) {
    if (!closed) await new Promise<void>((resolve) => res.once('close', () => resolve()));
    return;
  }

  ctx.usage.output_tokens = countTokens(text);
  ctx.served.stopReason = stopReason;
  await send(textBlockStopEvent());
  await send(messageDeltaEvent({ stopReason, stopSequence: stopReason === 'stop_sequence' ? ctx.stopSequence : null, stopDetails: stopDetails(reply), usage: ctx.usage }));
  await send(messageStopEvent());
  res.end();
}

/** Answers a non-streaming request with the whole Message at once (faults become a 529 or a cut socket). */
export function sendWholeMessage(res: ServerResponse, reply: StandInReply, ctx: ReplyContext): void {
  if (reply.dropAfterChars !== undefined) {
    res.socket?.destroy();
    return;
  }
  if (reply.errorAfterChars !== undefined) {
    sendError(res, 529, ctx.requestId);
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', 'request-id': ctx.requestId }).end(JSON.stringify(wholeMessage(reply, ctx, 'standard')));
}

/** The non-streamed Message for a reply (also a batch item's result); sets ctx.usage.output_tokens. */
export function wholeMessage(reply: StandInReply, ctx: ReplyContext, serviceTier: 'standard' | 'batch'): Record<string, unknown> {
  const { text, stopReason } = fitToMaxTokens(reply, ctx.maxTokens);
  ctx.usage.output_tokens = countTokens(text);
  ctx.served = { text, stopReason };
  return {
    id: ctx.messageId,
    type: 'message',
    role: 'assistant',
    model: ctx.model,
    content: [{ type: 'text', text }],
    stop_reason: stopReason,
    stop_sequence: stopReason === 'stop_sequence' ? ctx.stopSequence : null,
    stop_details: stopDetails(reply),
    usage: { ...ctx.usage, service_tier: serviceTier },
  };
}

/** The API's `stop_details`: the refusal's category and explanation, else null. */
function stopDetails(reply: StandInReply): object | null {
  if (!reply.refusal) return null;
  return { type: 'refusal', category: reply.refusal.category ?? null, explanation: reply.refusal.explanation ?? null };
}

/** The model cannot write past max_tokens: longer text is cut there and reported as max_tokens. */
function fitToMaxTokens(reply: StandInReply, maxTokens: number): { text: string; stopReason: string } {
  const text = reply.text ?? '';
  const stopReason = reply.refusal ? 'refusal' : (reply.stopReason ?? 'end_turn');
  if (countTokens(text) <= maxTokens) return { text, stopReason };
  let bytes = 0;
  let cut = '';
  for (const point of text) {
    bytes += Buffer.byteLength(point, 'utf8');
    if (bytes > maxTokens * 4) break;
    cut += point;
  }
  return { text: cut, stopReason: 'max_tokens' };
}
