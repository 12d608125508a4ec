import type { Meter } from '../../protocol';
import type { ModelClient } from '../model/modelCall';
import type { CacheTtl, MegapromptRequest, PromptContext } from '../prompt/promptLayout';
import type { SessionMeter } from '../cost/sessionMeter';
import { streamCall, type CallResult } from '../model/modelCall';
import type { NewEvent, SessionEvent } from '../store/sessionSchema';
import { systemClock, type Clock } from '../warmth/clock';
import { TTL_MS, cacheRatesFor } from '../warmth/gapCost';
import { warmthPolicy, type WarmthMode } from '../warmth/policies';
import { estimatePromptTokens } from '../warmth/promptEstimate';
import { WarmthKeeper } from '../warmth/warmthKeeper';
import type { ResumeOptions, SessionUpdate } from './sessionOptions';

/** How far back from its breakpoint the API looks for a cached prefix, in content blocks. */
const LOOKBACK_BLOCKS = 20;

/** What the session's warmth needs from the turn runner (structural, so neither file imports the other). */
export interface WarmthHost {
  readonly opts: ResumeOptions;
  readonly client: ModelClient;
  readonly meterState: SessionMeter;
  readonly context: PromptContext;
  readonly answering: boolean;
  readonly closed: boolean;
  currentTurn(): number;
  record(e: NewEvent): SessionEvent;
  recordCost(turn: number, result: CallResult, ttl?: CacheTtl, kind?: 'keep-warm'): SessionEvent | null;
  emit(u: SessionUpdate): void;
}

/**
 * One session's cache warmth: the TTL of each turn's call (the setting, or auto's pick) and the keep-warm pings
 * between turns. A ping is the last turn's request, byte for byte up to its last breakpoint, with max_tokens 1;
 * it is a `cost` event of kind keep-warm and never touches the context.
 */
export class SessionWarmth {
  readonly clock: Clock;
  private readonly keeper: WarmthKeeper;
  /** The last turn's request as sent, its TTL and how many messages it held. */
  private last: { request: MegapromptRequest; ttl: CacheTtl; messages: number } | null = null;
  /**
   * The latest prompt cached under the 1-hour TTL (auto's anchor): the API keeps it after later 5-minute writes,
   * so a turn whose previous prefix went cold still reads up to it. Trusted for an hour from its write or its
   * last ping (reads by later turns refresh it too, but are not counted: the estimate errs short).
   */
  private anchor: { tokens: number; messages: number; aliveUntil: number } | null = null;

  constructor(private readonly host: WarmthHost) {
    this.clock = host.opts.clock ?? systemClock;
    this.keeper = new WarmthKeeper(policyFor(host.opts), {
      clock: this.clock,
      rates: (tokens) => cacheRatesFor(this.host.opts.model, tokens, this.host.opts.prices),
      canCall: () => this.canPing(),
      ping: (signal) => this.ping(signal),
    });
  }

  get mode(): WarmthMode {
    return this.keeper.mode;
  }

  /** Re-reads the policy from the session's options (a settings change). */
  refreshPolicy(): void {
    this.keeper.setPolicy(policyFor(this.host.opts, this.keeper.gaps));
  }

  /**
   * The sub-strip's meter, following what the policy actually does: under auto the TTL it chose for this gap (or
   * would choose for a cold write, which is then priced at it), and under keep-warm or auto whether it pings.
   */
  meter(now: number): Meter {
    const state = this.host.meterState;
    const context = state.meter(now).contextTokens;
    const warm = state.isWarm(now);
    const autoTtl = this.mode !== 'auto' || context === 0 ? undefined
      : warm && this.last ? this.last.ttl : this.coldTtl(now, context);
    // Once cold, a live anchor means the next turn writes only what lies past it.
    const anchor = warm ? null : this.reachableAnchor(now);
    const base = state.meter(now, autoTtl ?? this.host.opts.cacheTtl, anchor ? context - anchor.tokens : context);
    const plan = warm && !this.host.answering ? this.keeper.plan() : null;
    return { ...base, ...(autoTtl ? { autoTtl } : {}), ...(plan ? { keepingWarm: plan } : {}) };
  }

  /** The TTL auto would pick now for the next turn's write, the cache being cold (from the anchor if one lives). */
  private coldTtl(now: number, context: number): CacheTtl {
    const a = this.reachableAnchor(now);
    const facts = { promptTokens: context, writeTokens: a ? context - a.tokens : context };
    return this.keeper.ttlFor(a ? { ...facts, anchor: { tokens: a.tokens, expiresInMs: TTL_MS['1h'] } } : facts, this.host.opts.cacheTtl);
  }

  /** Before a turn's call: stop pinging, and choose the TTL the call caches with. */
  async beforeTurn(): Promise<CacheTtl> {
    await this.keeper.beforeTurn();
    const now = this.clock.now();
    const previous = this.host.meterState.meter(now).contextTokens;
    const prompt = estimatePromptTokens(this.host.context, this.last ? { promptTokens: previous, messages: this.last.messages } : null);
    const warm = this.host.meterState.isWarm(now);
    const anchor = this.reachableAnchor(now);
    // A turn that reads the anchor (cold otherwise, or warm on the anchor itself) refreshes it for another hour.
    if (anchor && (!warm || anchor.tokens === previous)) anchor.aliveUntil = now + TTL_MS['1h'];
    const read = warm ? previous : (anchor?.tokens ?? 0);
    const facts = { promptTokens: prompt, writeTokens: Math.max(0, prompt - read), tailTokens: Math.max(0, prompt - previous) };
    return this.keeper.ttlFor(anchor ? { ...facts, anchor: { tokens: anchor.tokens, expiresInMs: anchor.aliveUntil - now } } : facts, this.host.opts.cacheTtl);
  }

  /** The turn's call was billed: its prompt is cached, so look after it until the next turn. */
  turnSent(request: MegapromptRequest, ttl: CacheTtl, sentAt: number, promptTokens: number): void {
    this.last = { request, ttl, messages: request.messages.length };
    if (ttl === '1h') this.anchor = { tokens: promptTokens, messages: request.messages.length, aliveUntil: sentAt + TTL_MS['1h'] };
    const anchor = ttl === '5m' ? this.reachableAnchor(sentAt) : null;
    this.keeper.turnSent(sentAt, promptTokens, ttl, anchor && anchor.tokens < promptTokens ? { tokens: anchor.tokens, expiresInMs: anchor.aliveUntil - sentAt } : undefined);
  }

  /** The anchor, if it is alive at `now` and the next breakpoint can still look back to it. */
  private reachableAnchor(now: number): { tokens: number; messages: number; aliveUntil: number } | null {
    const a = this.anchor;
    if (!a || now >= a.aliveUntil) return null;
    const blocksSince = this.host.context.messages.slice(a.messages).reduce((n, m) => n + m.content.length, 0);
    return blocksSince < LOOKBACK_BLOCKS ? a : null;
  }

  /** Stop pinging until the next turn (Stop, a rewind that leaves the cached prefix behind). */
  pause(): void {
    this.keeper.pause();
  }

  /** A rewind: the prefix being kept warm is no longer the one the next turn extends. */
  forgetLastRequest(): void {
    this.keeper.pause();
    this.last = null;
    this.anchor = null;
  }

  /** Stop for good (close), waiting for a ping on the wire to be recorded. */
  dispose(): Promise<void> {
    return this.keeper.dispose();
  }

  private canPing(): boolean {
    if (this.host.closed || this.host.answering || !this.last) return false;
    try {
      this.host.meterState.checkCanCall();
      return true;
    } catch {
      return false; // budget spent or context full: pinging stops, and the next turn says why
    }
  }

  /** Never retried (a retry could land after the expiry it was meant to prevent); a failure is logged. */
  private async ping(signal: AbortSignal): Promise<boolean> {
    const last = this.last;
    if (!last) return false;
    const sentAt = this.clock.now();
    const request = { ...last.request, max_tokens: 1 };
    const result = await streamCall(this.host.client, request, { signal, onText: () => undefined, onRetry: () => undefined, maxRetries: 0 }, this.host.opts.apiKey);
    if (result.outcome === 'complete') {
      this.host.meterState.noteCall(sentAt, last.ttl);
      if (last.ttl === '1h' && this.anchor?.messages === last.messages) this.anchor.aliveUntil = sentAt + TTL_MS['1h'];
    }
    if (this.host.closed) return false;
    this.host.recordCost(this.host.currentTurn(), result, last.ttl, 'keep-warm');
    if (result.outcome === 'failed') {
      const message = `Keeping the cache warm failed; it will expire as usual. ${result.error?.message ?? ''}`.trim();
      this.host.record({ type: 'error', turn: this.host.currentTurn(), kind: 'keep-warm', message });
      this.host.emit({ kind: 'notice', level: 'warning', message });
    }
    return result.outcome === 'complete';
  }
}

/** `seen`: the gaps this session has shown so far (after the history, as the most recent). */
function policyFor(o: ResumeOptions, seen: readonly number[] = []) {
  return warmthPolicy(o.warmth ?? 'off', {
    ...(o.keepWarmMinutes !== undefined ? { keepWarmMinutes: o.keepWarmMinutes } : {}),
    history: [...(o.thinkTimeHistory ?? []), ...seen],
  });
}
