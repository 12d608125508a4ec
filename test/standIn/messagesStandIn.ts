import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { castAutoReply } from './castAutoReply.js';
import { PromptCache, breakpointProblem, countTokens, flattenPrompt, type StandInUsage } from './promptCache.js';
import { BatchDesk, type BatchOptions, type ItemAnswer, type StandInBatch } from './batchDesk.js';
import { sendError, sendWholeMessage, streamReply, wholeMessage, type ReplyContext, type StandInReply } from './replyStream.js';
import { messageText, parseRequestBody, type MessagesRequestBody } from './requestBody.js';

export { castAutoReply, countTokens };
export type { BatchOptions, MessagesRequestBody, StandInBatch, StandInReply, StandInUsage };

/** One request that reached the model endpoint with a well-formed body, in arrival order. */
export interface RecordedRequest {
  body: MessagesRequestBody;
  /** The body exactly as sent, for byte-level (append-only) comparisons. */
  raw: string;
  headers: Record<string, string | string[] | undefined>;
  /** What the server reported; absent when it answered with an HTTP error. output_tokens is the last reported value. */
  usage?: StandInUsage;
  /** Set for an item of a Message Batch: its custom_id (the item was answered inside the batch). */
  batchItem?: string;
  /** What was streamed back: the text delivered (all of it, or up to a fault) and the stop reason sent (null if none). */
  served?: { text: string; stopReason: string | null };
}

/** How to run the stand-in; every field has a default. */
export interface StandInOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Consumed in order, one per accepted request (retries included); then `autoReply` answers. */
  replies?: StandInReply[];
  /** Default castAutoReply. */
  autoReply?: (req: MessagesRequestBody) => StandInReply;
  /** The smallest prefix the cache reads or writes; default 1024 tokens. */
  minCacheableTokens?: number;
  /** Clock for cache TTLs in ms; default Date.now. */
  now?: () => number;
  /** When set, a request whose key (x-api-key, or Authorization: Bearer) differs gets a 401. */
  apiKey?: string;
  /** Message Batches behaviour (latency, scripted errored/expired items, result order). */
  batch?: BatchOptions;
  /**
   * Like the real model (default true): once a reply was refused, any later request whose messages still hold
   * the refused text is refused again, so a session that continues without resetting its context fails.
   */
  stickyRefusals?: boolean;
}

/** A running stand-in. `requests` grows as requests arrive; `url` is the SDK's baseURL. */
export interface StandIn {
  url: string;
  requests: RecordedRequest[];
  /** Every Message Batch created, in order. */
  batches: StandInBatch[];
  enqueue(...replies: StandInReply[]): void;
  resetCache(): void;
  close(): Promise<void>;
}

/**
 * Starts a local server that speaks enough of the Anthropic Messages API for the real SDK:
 * POST /v1/messages (streaming or not) with prompt-cache accounting, POST /v1/messages/count_tokens, and the
 * Message Batches endpoints (batchDesk.ts).
 * A request is checked in the API's order (auth, body, breakpoints) before it consumes a scripted reply.
 */
export async function startStandIn(opts: StandInOptions = {}): Promise<StandIn> {
  const queue: StandInReply[] = [...(opts.replies ?? [])];
  const autoReply = opts.autoReply ?? castAutoReply;
  const cache = new PromptCache(opts.minCacheableTokens ?? 1024, opts.now ?? Date.now);
  const requests: RecordedRequest[] = [];
  const refusedTexts: string[] = [];
  let counter = 0;
  let baseUrl = '';

  // A batch item goes through the same checks, queue and cache accounting as a non-streamed /v1/messages call.
  const answerItem = (params: unknown, customId: string): ItemAnswer => {
    const n = ++counter;
    const raw = JSON.stringify(params);
    const parsed = parseRequestBody(raw, 'messages');
    if (!parsed.ok) return { ok: false, type: 'invalid_request_error', message: parsed.message };
    const body = parsed.body;
    const recorded: RecordedRequest = { body, raw, headers: {}, batchItem: customId };
    requests.push(recorded);
    const badBreakpoints = breakpointProblem(body);
    if (badBreakpoints) return { ok: false, type: 'invalid_request_error', message: badBreakpoints };
    const reply = queue.length ? queue.shift()! : autoReply(body);
    if (reply.status !== undefined && reply.status !== 200) return { ok: false, type: 'api_error', message: `scripted status ${reply.status}` };
    const accounting = cache.account(body);
    if (!accounting.ok) throw new Error(accounting.message);
    recorded.usage = accounting.usage;
    const id = String(n).padStart(6, '0');
    const ctx: ReplyContext = { requestId: `req_standin_${id}`, messageId: `msg_standin_${id}`, model: body.model, maxTokens: body.max_tokens, stopSequence: body.stop_sequences?.[0] ?? null, usage: accounting.usage, served: { text: '', stopReason: null } };
    recorded.served = ctx.served;
    return { ok: true, message: wholeMessage(reply, ctx, 'batch') };
  };
  const desk = new BatchDesk(answerItem, opts.batch ?? {}, () => baseUrl, opts.now ?? Date.now);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const n = ++counter;
    const requestId = `req_standin_${String(n).padStart(6, '0')}`;
    const raw = await readBody(req);
    const path = (req.url ?? '').split('?')[0];
    if (path?.startsWith('/v1/messages/batches')) {
      if (opts.apiKey !== undefined && presentedKey(req) !== opts.apiKey) return sendError(res, 401, requestId);
      if (desk.handle(req.method ?? 'GET', path, raw, res, requestId)) return;
    }
    if (req.method !== 'POST' || (path !== '/v1/messages' && path !== '/v1/messages/count_tokens')) {
      return sendError(res, 404, requestId, `${req.method} ${path} is not served by the stand-in`);
    }
    if (opts.apiKey !== undefined && presentedKey(req) !== opts.apiKey) return sendError(res, 401, requestId);
    const parsed = parseRequestBody(raw, path === '/v1/messages' ? 'messages' : 'count_tokens');
    if (!parsed.ok) return sendError(res, 400, requestId, parsed.message);
    const body = parsed.body;

    if (path === '/v1/messages/count_tokens') {
      const tokens = flattenPrompt(body).at(-1)?.prefixTokens ?? 0;
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': requestId }).end(JSON.stringify({ input_tokens: tokens }));
      return;
    }

    const recorded: RecordedRequest = { body, raw, headers: { ...req.headers } };
    requests.push(recorded);
    const badBreakpoints = breakpointProblem(body);
    if (badBreakpoints) return sendError(res, 400, requestId, badBreakpoints);
    const held = opts.stickyRefusals === false ? undefined : refusedTexts.find((t) => body.messages.some((m) => messageText(m).includes(t)));
    const scripted = queue.length ? queue.shift()! : autoReply(body);
    const reply: StandInReply = held !== undefined ? { text: '', refusal: { category: 'general_harms', explanation: 'The context still holds text that was refused.' } } : scripted;
    const lastAssistant = body.messages.at(-1)?.role === 'assistant' ? messageText(body.messages.at(-1)!) : '';
    if (/\s$/.test(lastAssistant)) return sendError(res, 400, requestId, 'messages: final assistant content cannot end with trailing whitespace');
    if (reply.status !== undefined && reply.status !== 200) {
      return sendError(res, reply.status, requestId, undefined, reply.retryAfterMs);
    }
    const accounting = cache.account(body);
    if (!accounting.ok) throw new Error(accounting.message);

    recorded.usage = accounting.usage;
    recorded.served = { text: '', stopReason: null };
    const ctx: ReplyContext = {
      requestId,
      messageId: `msg_standin_${String(n).padStart(6, '0')}`,
      model: body.model,
      maxTokens: body.max_tokens,
      stopSequence: body.stop_sequences?.[0] ?? null,
      usage: accounting.usage,
      served: recorded.served,
    };
    if (body.stream) await streamReply(res, reply, ctx);
    else sendWholeMessage(res, reply, ctx);
    recorded.served = ctx.served;
    if (reply.refusal && ctx.served.text.trim().length > 0) refusedTexts.push(ctx.served.text.trim());
  };

  const server = createServer({ noDelay: true }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      // A bug in the stand-in must fail the test loudly, not hang it: answer 500 if still possible.
      if (!res.headersSent) sendError(res, 500, 'req_standin_fault', `stand-in fault: ${String(err)}`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    batches: desk.batches,
    enqueue: (...replies) => void queue.push(...replies),
    resetCache: () => cache.reset(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive sockets and held-open streams would otherwise keep close() waiting.
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** SDK 1.x sends the key as `Authorization: Bearer`; curl and older clients send `x-api-key`. */
function presentedKey(req: IncomingMessage): string | undefined {
  const xApiKey = req.headers['x-api-key'];
  if (typeof xApiKey === 'string') return xApiKey;
  return /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
}
