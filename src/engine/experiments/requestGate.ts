import { overloadWaitMs, userAbortError } from '../model/apiErrors';
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
          reject(userAbortError());
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
        if (signal?.aborted) return reject(userAbortError());
        const t = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, wait);
        const onAbort = (): void => {
          clearTimeout(t);
          reject(userAbortError());
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
  }
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
        const wait = overloadWaitMs(err);
        if (wait !== null) gate.backoff(wait);
        throw err;
      } finally {
        release();
      }
    },
  });
  return withStream(client, stream);
}
