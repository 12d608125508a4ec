import { APIError, APIUserAbortError } from '@anthropic-ai/sdk/core/error';
import type { ModelClient } from '../model/modelCall';
import { withStream } from './clientSeam';

/**
 * Bounds the model requests in flight across every run of an experiment, and holds one shared backoff: when any
 * request meets a 429 or 529, no worker starts a request until the server's retry-after has passed. Must hold:
 * inFlight <= limit at all times.
 */
export class RequestGate {
  private inFlight = 0;
  private waiters: Array<() => void> = [];
  private resumeAt = 0;
  /** the most requests ever in flight at once (for tests and the benchmark) */
  peak = 0;
  /** how many times the shared backoff was set */
  backoffs = 0;

  constructor(
    readonly limit: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`concurrency must be a positive integer, got ${limit}`);
  }

  /** Waits for a slot and for any shared backoff to pass. Rejects if `signal` aborts while waiting. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    for (;;) {
      await this.pause(signal);
      if (this.inFlight < this.limit) break;
      await new Promise<void>((resolve, reject) => {
        const wake = (): void => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = (): void => {
          this.waiters = this.waiters.filter((w) => w !== wake);
          reject(new APIUserAbortError());
        };
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        this.waiters.push(wake);
      });
    }
    this.inFlight++;
    this.peak = Math.max(this.peak, this.inFlight);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
      this.waiters.shift()?.();
    };
  }

  /** Every worker waits `ms` from now (the longest backoff asked for wins). */
  backoff(ms: number): void {
    this.backoffs++;
    this.resumeAt = Math.max(this.resumeAt, this.now() + ms);
  }

  private async pause(signal?: AbortSignal): Promise<void> {
    for (let wait = this.resumeAt - this.now(); wait > 0; wait = this.resumeAt - this.now()) {
      await new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(new APIUserAbortError());
        const t = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, wait);
        const onAbort = (): void => {
          clearTimeout(t);
          reject(new APIUserAbortError());
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
  }
}

/** The wait a 429/529 asks for: retry-after-ms, retry-after (seconds or a date), else 1 s. */
export function retryAfterMs(err: unknown): number | null {
  if (!(err instanceof APIError) || (err.status !== 429 && err.status !== 529)) return null;
  const h = err.headers;
  const ms = Number(h?.get?.('retry-after-ms') ?? NaN);
  if (Number.isFinite(ms)) return Math.max(0, ms);
  const v = h?.get?.('retry-after');
  const secs = Number(v ?? NaN);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const date = v ? Date.parse(v) : NaN;
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : 1000;
}

type StreamArgs = Parameters<ModelClient['messages']['stream']>;

/**
 * The API client every session of the experiment uses: `messages.stream` first takes a slot from the gate and
 * holds it until the stream ends; a 429/529 sets the shared backoff before the session's own retry sees it. The
 * session engine is unchanged: it iterates the stream exactly as it would the SDK's.
 */
export function gatedClient(client: ModelClient, gate: RequestGate): ModelClient {
  const stream = (...args: StreamArgs): AsyncIterable<unknown> => ({
    async *[Symbol.asyncIterator]() {
      const signal = args[1]?.signal ?? undefined;
      const release = await gate.acquire(signal);
      try {
        yield* client.messages.stream(...args);
      } catch (err) {
        const wait = retryAfterMs(err);
        if (wait !== null) gate.backoff(wait);
        throw err;
      } finally {
        release();
      }
    },
  });
  return withStream(client, stream);
}
