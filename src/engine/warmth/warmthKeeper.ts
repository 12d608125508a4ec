import type { CacheTtl } from '../prompt/promptLayout';
import type { Clock } from './clock';
import { pingIntervalMs, type CacheRates } from './gapCost';
import type { Anchor, TurnFacts, WarmthPolicy } from './policies';

/** What the keeper needs from its session. */
export interface KeeperHost {
  readonly clock: Clock;
  /** Per-token rates for a prompt of that size; null when the model has no price (then nothing is pinged). */
  rates(promptTokens: number): CacheRates | null;
  /** False when no call may be made now (budget spent, context full, session closed). */
  canCall(): boolean;
  /**
   * Sends one ping over the cached prefix and records it (a `cost` event of kind keep-warm; a failure is logged,
   * never retried). Resolves true when the API answered, false otherwise.
   */
  ping(signal: AbortSignal): Promise<boolean>;
}

/** The turn whose cached prompt the keeper is looking after. */
interface Watched {
  sentAt: number;
  promptTokens: number;
  ttl: CacheTtl;
  /** an older 1-hour entry the next turn could fall back on (`expiresInMs` from `sentAt`). */
  anchor?: Anchor;
}

/**
 * Keeps one session's prompt cache warm while the panel is idle, as its policy decides: picks the TTL as each
 * turn is sent, and at each ping point (shortly before expiry) asks the policy whether to ping. Pinging stops at
 * the next turn, on stop, on close, when a call is refused (budget, context) and after a failed ping.
 */
export class WarmthKeeper {
  private watched: Watched | null = null;
  private lastTurnAt: number | null = null;
  private cancelTimer: (() => void) | null = null;
  /** The ping point the timer waits for (while one is scheduled). */
  private next: { index: number; due: number } | null = null;
  private inFlight: { abort: AbortController; done: Promise<void> } | null = null;
  private count = 0;
  /** Gaps seen in this process, so a policy set mid-session (a settings change) starts knowing them. */
  private readonly observed: number[] = [];

  constructor(
    private policy: WarmthPolicy,
    private readonly host: KeeperHost,
  ) {}

  get mode(): WarmthPolicy['mode'] {
    return this.policy.mode;
  }

  /** The gaps between turns seen so far in this process (ms, oldest first). */
  get gaps(): readonly number[] {
    return this.observed;
  }

  /** Pings sent in this process (the meter counts them from the log). */
  get pings(): number {
    return this.count;
  }

  setPolicy(policy: WarmthPolicy): void {
    this.policy = policy;
    if (policy.mode === 'off') this.pause();
  }

  /** The TTL for the call about to be sent (`writeTokens`: what it will write; see TurnFacts). */
  ttlFor(turn: Omit<TurnFacts, 'rates'>, configured: CacheTtl): CacheTtl {
    const rates = this.host.rates(turn.promptTokens);
    if (!rates) return configured;
    return this.policy.ttlFor({ ...turn, rates }, configured);
  }

  /**
   * What happens to the cached prefix now the panel is idle: 'pinging' when the policy will refresh it at the
   * next ping point, 'expiring' when it lets it go (declined, past the limit, a call refused, a failed ping, Stop).
   * Asks the policy about the next point ahead of time; policies decide from what they know now, so the answer
   * is the one it will give then. Null before the first turn and under `off`.
   */
  plan(): 'pinging' | 'expiring' | null {
    if (this.policy.mode === 'off' || this.lastTurnAt === null) return null;
    const w = this.watched;
    const next = this.next;
    if (w && this.inFlight) return 'pinging';
    if (!w || !next || !this.cancelTimer) return 'expiring';
    const rates = this.host.rates(w.promptTokens);
    if (!rates || !this.host.canCall()) return 'expiring';
    const point = { index: next.index, elapsedMs: next.due - w.sentAt, prefixTokens: w.promptTokens, ttl: w.ttl, rates, ...(w.anchor ? { anchor: w.anchor } : {}) };
    return this.policy.shouldPing(point) ? 'pinging' : 'expiring';
  }

  /** A turn's call is about to start: stop pinging (waiting out a ping already on the wire) and learn the gap. */
  async beforeTurn(): Promise<void> {
    this.cancelTimer?.();
    this.cancelTimer = null;
    if (this.inFlight) await this.inFlight.done;
    const now = this.host.clock.now();
    if (this.lastTurnAt !== null) {
      this.policy.noteGap(now - this.lastTurnAt);
      this.observed.push(now - this.lastTurnAt);
    }
    this.lastTurnAt = now;
    this.watched = null;
  }

  /** The turn's call went out at `sentAt` and cached `promptTokens` under `ttl`: watch it until the next turn. */
  turnSent(sentAt: number, promptTokens: number, ttl: CacheTtl, anchor?: Anchor): void {
    this.watched = { sentAt, promptTokens, ttl, ...(anchor ? { anchor } : {}) };
    this.schedule(1, sentAt);
  }

  /** Stop pinging until the next turn (the researcher pressed Stop, or the panel is going away). */
  pause(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.watched = null;
    this.inFlight?.abort.abort();
  }

  /** Stop for good, waiting for a ping on the wire to finish being recorded. */
  async dispose(): Promise<void> {
    this.pause();
    if (this.inFlight) await this.inFlight.done;
  }

  private schedule(index: number, refreshedAt: number): void {
    const w = this.watched;
    if (!w || this.policy.mode === 'off') return;
    const due = refreshedAt + pingIntervalMs(w.ttl);
    this.next = { index, due };
    this.cancelTimer = this.host.clock.setTimer(Math.max(0, due - this.host.clock.now()), () => this.pingPoint(w, index));
  }

  private async pingPoint(w: Watched, index: number): Promise<void> {
    this.cancelTimer = null;
    if (this.watched !== w) return;
    const rates = this.host.rates(w.promptTokens);
    const now = this.host.clock.now();
    const point = { index, elapsedMs: now - w.sentAt, prefixTokens: w.promptTokens, ttl: w.ttl, rates: rates!, ...(w.anchor ? { anchor: w.anchor } : {}) };
    if (!rates || !this.host.canCall() || !this.policy.shouldPing(point)) {
      this.watched = null;
      return;
    }
    const abort = new AbortController();
    let finish!: () => void;
    this.inFlight = { abort, done: new Promise<void>((r) => (finish = r)) };
    try {
      const ok = await this.host.ping(abort.signal);
      if (ok) this.count++;
      // A failed ping is not retried: the entry expires as if we had let it go.
      if (ok && this.watched === w) this.schedule(index + 1, now);
      else if (this.watched === w) this.watched = null;
    } finally {
      this.inFlight = null;
      finish();
    }
  }
}
