import { userAbortError } from '../model/apiErrors';
import { batchResults, createBatch, retrieveBatch, type BatchItemResult, type BatchMessage } from '../model/batchCalls';
import type { ModelClient } from '../model/modelCall';
import { createHash } from 'node:crypto';
import type { MegapromptRequest } from '../prompt/promptLayout';
import { withStream } from './clientSeam';
import { canonicalJson } from './experimentPlan';
import type { BatchRecord } from './experimentStore';

/** Where the batcher journals its batches (experiment.json), so a killed process's batches can be re-attached. */
export interface BatchJournal {
  submitted(b: BatchRecord): Promise<void>;
  collected(id: string): Promise<void>;
}

/** What the batcher reports while it waits on the API. */
export interface BatchProgress {
  id: string;
  status: string;
  items: number;
  done: number;
  elapsedMs: number;
  event: 'submitted' | 'polling' | 'ended' | 'resubmit' | 'reattached';
  detail?: string;
}

/** How the batcher polls and how often an item may come back errored or expired before its run fails. */
export interface BatcherOptions {
  /** first poll interval; doubles up to maxPollMs */
  pollMs: number;
  maxPollMs?: number;
  /** submissions per request, the first included (default 3) */
  maxAttempts?: number;
  onProgress?: (p: BatchProgress) => void;
}

interface Waiter {
  run: string;
  call: number;
  attempt: number;
  request: MegapromptRequest;
  hash: string;
  resolve(m: BatchMessage): void;
  reject(e: unknown): void;
  lastError?: string;
}

export const requestHash = (r: MegapromptRequest): string => createHash('sha256').update(canonicalJson(r)).digest('hex');

/**
 * Turn-synchronous Message Batches behind an await (the session's turn loop never sees it). Every enrolled run
 * submits its next request and waits; once every enrolled run is waiting, the batcher sends them all as one
 * batch, polls until it ends, and resolves each waiter by custom_id (the results file has no order). Errored and
 * expired items go into the next batch, up to maxAttempts, then their run's call fails with the reason. Results
 * of batches journaled by an earlier, killed process are re-attached by request hash instead of paid again.
 */
export class MessageBatcher {
  private readonly enrolled = new Set<string>();
  private pending: Waiter[] = [];
  private readonly calls = new Map<string, number>();
  private flushing = false;
  /** re-attached results by request hash; replicates send identical requests, so a hash may hold several */
  private readonly ready = new Map<string, BatchMessage[]>();
  private failure: unknown = null;

  constructor(
    private readonly client: ModelClient,
    private readonly journal: BatchJournal,
    private readonly o: BatcherOptions,
  ) {}

  enroll(run: string): void {
    this.enrolled.add(run);
  }

  /** The run makes no more calls (finished, failed or stopped): the others no longer wait for it. */
  withdraw(run: string): void {
    this.enrolled.delete(run);
    this.maybeFlush();
  }

  /** One call of `run`, answered when its batch ends (or at once from a re-attached result). */
  submit(run: string, request: MegapromptRequest, signal?: AbortSignal): Promise<BatchMessage> {
    const call = (this.calls.get(run) ?? 0) + 1;
    this.calls.set(run, call);
    const hash = requestHash(request);
    const reattached = this.ready.get(hash)?.shift();
    if (reattached) return Promise.resolve(reattached);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<BatchMessage>((resolve, reject) => {
      const w: Waiter = { run, call, attempt: 1, request, hash, resolve, reject };
      const onAbort = (): void => {
        // Stopped while waiting: the item may already be in a batch in flight; its result stays journaled.
        this.pending = this.pending.filter((x) => x !== w);
        reject(userAbortError());
        this.maybeFlush();
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = <T>(f: (v: T) => void) => (v: T): void => {
        signal?.removeEventListener('abort', onAbort);
        f(v);
      };
      w.resolve = settle(resolve);
      w.reject = settle(reject);
      this.pending.push(w);
      this.maybeFlush();
    });
  }

  /**
   * Fetches the results of batches an earlier process submitted (waiting for those still running), so requests
   * the resumed runs send again are answered from them. Only succeeded items are kept.
   */
  async reattach(batches: readonly BatchRecord[]): Promise<number> {
    let n = 0;
    for (const b of batches) {
      const hashes = new Map(b.items.map((i) => [i.custom_id, i.request_sha256]));
      const results = await this.collect(b.id, b.items.length);
      for (const r of results) {
        const hash = hashes.get(r.customId);
        if (hash && r.result.type === 'succeeded') {
          this.ready.set(hash, [...(this.ready.get(hash) ?? []), r.result.message]);
          n++;
        }
      }
      if (b.status !== 'collected') await this.journal.collected(b.id);
      this.o.onProgress?.({ id: b.id, status: 'ended', items: b.items.length, done: b.items.length, elapsedMs: 0, event: 'reattached', detail: `${n} result(s) re-attached` });
    }
    return n;
  }

  private maybeFlush(): void {
    if (this.flushing || this.pending.length === 0) return;
    const waiting = new Set(this.pending.map((w) => w.run));
    for (const run of this.enrolled) if (!waiting.has(run)) return;
    this.flushing = true;
    const batch = this.pending;
    this.pending = [];
    this.flush(batch).then(
      () => {
        this.flushing = false;
        this.maybeFlush();
      },
      (err: unknown) => {
        // The batch endpoint itself failed (auth, network after retries): every waiter's call fails with it.
        this.failure = err;
        for (const w of [...batch, ...this.pending]) w.reject(err);
        this.pending = [];
        this.flushing = false;
      },
    );
  }

  private async flush(items: Waiter[]): Promise<void> {
    const byId = new Map(items.map((w) => [`${w.run}_${w.call}_${w.attempt}`, w]));
    const created = await createBatch(this.client, [...byId].map(([customId, w]) => ({ customId, request: w.request })));
    await this.journal.submitted({
      id: created.id,
      items: [...byId].map(([custom_id, w]) => ({ custom_id, run: w.run, request_sha256: w.hash })),
      status: 'submitted',
      submitted_at: new Date().toISOString(),
    });
    this.o.onProgress?.({ id: created.id, status: created.status, items: byId.size, done: 0, elapsedMs: 0, event: 'submitted' });
    const results = await this.collect(created.id, byId.size);
    const seen = new Set<string>();
    for (const r of results) {
      const w = byId.get(r.customId);
      if (!w || seen.has(r.customId)) continue;
      seen.add(r.customId);
      this.settle(w, r.result);
    }
    for (const [id, w] of byId) if (!seen.has(id)) this.settle(w, { type: 'expired' });
    await this.journal.collected(created.id);
  }

  private settle(w: Waiter, result: BatchItemResult): void {
    if (result.type === 'succeeded') return w.resolve(result.message);
    const why = result.type === 'errored' ? `errored (${result.error.error.type}: ${result.error.error.message})` : result.type;
    const max = this.o.maxAttempts ?? 3;
    if (w.attempt >= max) {
      return w.reject(new Error(`batch item ${w.run} call ${w.call} ${why} on each of ${max} submissions: the run fails here (re-run the experiment to try it again)`));
    }
    this.o.onProgress?.({ id: '', status: 'resubmit', items: 1, done: 0, elapsedMs: 0, event: 'resubmit', detail: `${w.run} call ${w.call} ${why}: resubmitted in the next batch (attempt ${w.attempt + 1} of ${max})` });
    w.attempt++;
    this.pending.push(w);
  }

  /** Polls until the batch has ended (interval doubling from pollMs), then reads every result line. */
  private async collect(id: string, items: number): Promise<Array<{ customId: string; result: BatchItemResult }>> {
    const started = Date.now();
    let wait = this.o.pollMs;
    for (;;) {
      const b = await retrieveBatch(this.client, id);
      if (b.status === 'ended') {
        this.o.onProgress?.({ id, status: 'ended', items, done: b.settled, elapsedMs: Date.now() - started, event: 'ended' });
        break;
      }
      this.o.onProgress?.({ id, status: b.status, items, done: b.settled, elapsedMs: Date.now() - started, event: 'polling' });
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(this.o.maxPollMs ?? 30_000, wait * 2);
    }
    return batchResults(this.client, id);
  }
}

/**
 * The client a batched session uses: `messages.stream` hands the request to the batcher and, when the result
 * arrives, replays it as the stream events the session already understands (usage with service_tier "batch").
 */
export function batchedClient(client: ModelClient, batcher: MessageBatcher, run: string): ModelClient {
  const stream = (request: MegapromptRequest, options?: { signal?: AbortSignal | null }): AsyncIterable<unknown> => ({
    async *[Symbol.asyncIterator]() {
      const m = await batcher.submit(run, request, options?.signal ?? undefined);
      const text = m.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
      yield { type: 'message_start', message: { ...m, content: [], stop_reason: null, usage: { ...m.usage, output_tokens: 0 } } };
      yield { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } };
      if (text.length > 0) yield { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } };
      yield { type: 'content_block_stop', index: 0 };
      yield { type: 'message_delta', delta: { stop_reason: m.stop_reason, stop_sequence: m.stop_sequence }, usage: m.usage };
      yield { type: 'message_stop' };
    },
  });
  return withStream(client, stream);
}
