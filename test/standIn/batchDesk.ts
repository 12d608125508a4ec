import type { ServerResponse } from 'node:http';
import { sendError } from './replyStream.js';

/** How one batch item ends when the stand-in is told to fault it. */
export type BatchFault = 'errored' | 'expired';

/** What answering one batch item's params gives: a Message, or the API error the request would have met. */
export type ItemAnswer = { ok: true; message: Record<string, unknown> } | { ok: false; type: string; message: string };

/** Batch behaviour of the stand-in; every field has a default. */
export interface BatchOptions {
  /** How long a batch stays in_progress after create (ms); default 0 (ended at the first retrieve). */
  latencyMs?: number;
  /** Faults an item by custom_id (called once per submitted item); default none. */
  fault?: (customId: string) => BatchFault | undefined;
  /** Order of the results file; default a random shuffle (the API promises no order). */
  shuffle?: <T>(items: T[]) => T[];
}

/** One batch as the stand-in keeps it. `customIds` in submission order. */
export interface StandInBatch {
  id: string;
  customIds: string[];
  createdAt: number;
  canceled: boolean;
  results: Array<{ custom_id: string; result: Record<string, unknown> }>;
}

const CUSTOM_ID = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * The Message Batches endpoints: create (every item answered at once, in submission order, through the same
 * cache accounting as /v1/messages, priced at service_tier "batch"), retrieve (in_progress until `latencyMs`
 * has passed), results (JSONL, shuffled), cancel (items not yet collected become canceled).
 */
export class BatchDesk {
  readonly batches: StandInBatch[] = [];
  private counter = 0;

  constructor(
    private readonly answer: (params: unknown, customId: string) => ItemAnswer,
    private readonly o: BatchOptions,
    private readonly baseUrl: () => string,
    private readonly now: () => number,
  ) {}

  /** Serves the request if it is a batch route; false otherwise. */
  handle(method: string, route: string, raw: string, res: ServerResponse, requestId: string): boolean {
    const m = /^\/v1\/messages\/batches(?:\/([^/]+))?(?:\/(results|cancel))?$/.exec(route);
    if (!m) return false;
    const [, id, action] = m;
    if (method === 'POST' && !id) this.create(raw, res, requestId);
    else if (method === 'GET' && id && !action) this.send(res, requestId, id, (b) => this.describe(b));
    else if (method === 'GET' && id && action === 'results') this.results(res, requestId, id);
    else if (method === 'POST' && id && action === 'cancel') this.send(res, requestId, id, (b) => {
      if (!this.ended(b)) {
        b.canceled = true;
        b.results = b.customIds.map((custom_id) => ({ custom_id, result: { type: 'canceled' } }));
      }
      return { ...this.describe(b), ...(this.ended(b) ? {} : { processing_status: 'canceling' }) };
    });
    else sendError(res, 404, requestId, `${method} ${route} is not served by the stand-in`);
    return true;
  }

  private create(raw: string, res: ServerResponse, requestId: string): void {
    let body: { requests?: Array<{ custom_id?: unknown; params?: unknown }> };
    try {
      body = JSON.parse(raw) as typeof body;
    } catch {
      return sendError(res, 400, requestId, 'body is not JSON');
    }
    const items = body.requests;
    if (!Array.isArray(items) || items.length === 0) return sendError(res, 400, requestId, 'requests: at least one request is required');
    const seen = new Set<string>();
    for (const it of items) {
      if (typeof it.custom_id !== 'string' || !CUSTOM_ID.test(it.custom_id)) return sendError(res, 400, requestId, `custom_id must match ${CUSTOM_ID}`);
      if (seen.has(it.custom_id)) return sendError(res, 400, requestId, `custom_id "${it.custom_id}" is used twice in one batch`);
      seen.add(it.custom_id);
    }
    const batch: StandInBatch = { id: `msgbatch_standin_${String(++this.counter).padStart(6, '0')}`, customIds: [...seen], createdAt: this.now(), canceled: false, results: [] };
    for (const it of items) {
      const custom_id = it.custom_id as string;
      const fault = this.o.fault?.(custom_id);
      if (fault === 'expired') {
        batch.results.push({ custom_id, result: { type: 'expired' } });
        continue;
      }
      const a = fault === 'errored' ? { ok: false as const, type: 'api_error', message: 'Internal server error (scripted batch fault)' } : this.answer(it.params, custom_id);
      batch.results.push({ custom_id, result: a.ok ? { type: 'succeeded', message: a.message } : { type: 'errored', error: { type: 'error', error: { type: a.type, message: a.message } } } });
    }
    this.batches.push(batch);
    res.writeHead(200, { 'content-type': 'application/json', 'request-id': requestId }).end(JSON.stringify(this.describe(batch)));
  }

  private results(res: ServerResponse, requestId: string, id: string): void {
    const b = this.batches.find((x) => x.id === id);
    if (!b) return sendError(res, 404, requestId, `no batch ${id}`);
    if (!this.ended(b)) return sendError(res, 400, requestId, `batch ${id} is still in progress`);
    const shuffle = this.o.shuffle ?? randomShuffle;
    const lines = shuffle([...b.results]).map((r) => JSON.stringify(r));
    res.writeHead(200, { 'content-type': 'application/binary', 'request-id': requestId }).end(`${lines.join('\n')}\n`);
  }

  private send(res: ServerResponse, requestId: string, id: string, view: (b: StandInBatch) => Record<string, unknown>): void {
    const b = this.batches.find((x) => x.id === id);
    if (!b) return sendError(res, 404, requestId, `no batch ${id}`);
    res.writeHead(200, { 'content-type': 'application/json', 'request-id': requestId }).end(JSON.stringify(view(b)));
  }

  private ended(b: StandInBatch): boolean {
    return b.canceled || this.now() - b.createdAt >= (this.o.latencyMs ?? 0);
  }

  private describe(b: StandInBatch): Record<string, unknown> {
    const ended = this.ended(b);
    const count = (type: string): number => (ended ? b.results.filter((r) => r.result.type === type).length : 0);
    const iso = (ms: number): string => new Date(ms).toISOString();
    return {
      id: b.id,
      type: 'message_batch',
      processing_status: ended ? 'ended' : 'in_progress',
      request_counts: { processing: ended ? 0 : b.customIds.length, succeeded: count('succeeded'), errored: count('errored'), canceled: count('canceled'), expired: count('expired') },
      created_at: iso(b.createdAt),
      expires_at: iso(b.createdAt + 24 * 3600_000),
      ended_at: ended ? iso(Math.max(b.createdAt, Math.min(this.now(), b.createdAt + (this.o.latencyMs ?? 0)))) : null,
      cancel_initiated_at: b.canceled ? iso(this.now()) : null,
      archived_at: null,
      results_url: ended ? `${this.baseUrl()}/v1/messages/batches/${b.id}/results` : null,
    };
  }
}

function randomShuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
