// Warmth room: when to keep the prompt cache warm (pings, the 1-hour TTL) and what each choice costs. Pure
// policy code on an injectable clock, shared by the engine, the CLI and the benchmarks; no vscode, no I/O
// except pastGaps.ts, which reads earlier sessions' think times.

/**
 * Time as the engine sees it. Everything time-based in the engine (the cache's warmth, keep-warm timers, a
 * script's think time) goes through one of these, so tests and benchmarks advance time instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` once after `ms`; the returned function cancels it (a no-op once it ran). */
  setTimer(ms: number, fn: () => void | Promise<void>): () => void;
  /** Resolves after `ms`; rejects when `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock: wall time and Node timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const t = setTimeout(() => void fn(), ms);
    // A pending keep-warm ping must not keep a finished CLI run alive.
    t.unref?.();
    return () => clearTimeout(t);
  },
  sleep(ms, signal) {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new Error('aborted'));
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        clearTimeout(t);
        reject(new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};

interface PendingTimer {
  at: number;
  seq: number;
  fn: () => void | Promise<void>;
}

/**
 * A clock that moves only when told to. `advance` runs due timers in time order, each at its own time, and
 * waits for the promise a timer returns (a ping's whole HTTP round trip) before moving on, so a simulated
 * 12-minute pause is deterministic and takes milliseconds. `sleep` is a timer too, so a script's
 * `{"wait": S}` under this clock returns as soon as someone advances time past it.
 */
export class ManualClock implements Clock {
  private t: number;
  private seq = 0;
  private timers: PendingTimer[] = [];
  /** When set, every sleep advances the clock by itself (a script run with nobody else driving time). */
  autoAdvanceSleeps = false;

  constructor(start = Date.UTC(2026, 10, 1, 9, 0, 0)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimer(ms: number, fn: () => void | Promise<void>): () => void {
    const timer: PendingTimer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((x) => x !== timer);
    };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.autoAdvanceSleeps) return this.advance(ms);
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new Error('aborted'));
      const cancel = this.setTimer(ms, () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      const onAbort = (): void => {
        cancel();
        reject(new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Moves time forward by `ms`, running (and awaiting) every timer that falls due on the way. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = Math.max(this.t, due.at);
      await due.fn();
    }
    this.t = end;
  }

  /** Timers still waiting (for tests: pinging has stopped when none are left). */
  get pending(): number {
    return this.timers.length;
  }
}
