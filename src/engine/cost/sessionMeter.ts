import type { Meter } from '../../protocol';
import { EngineError } from '../cast/castState';
import { findModel, type PriceOverrides } from './modelTable';
import type { CacheTtl } from '../prompt/promptLayout';

const TTL_MS: Record<CacheTtl, number> = { '5m': 5 * 60_000, '1h': 60 * 60_000 };
const CONTEXT_WARN_SHARE = 0.8;
const BUDGET_WARN_SHARE = 0.8;

/** The settings the meter reads; they can change between turns. */
export interface MeterSettings {
  model: string;
  cacheTtl: CacheTtl;
  prices?: PriceOverrides | undefined;
  budgetUsd?: number | null | undefined;
  contextWindow?: number | null | undefined;
  warmth?: Meter['warmth'];
}

/** A warning the session turns into a notice (and, for the context, a logged anomaly). */
export interface MeterWarning {
  kind: 'budget' | 'context';
  message: string;
}

/**
 * Money spent, context used and cache warmth for one session, fed by its cost events. Its checks run before
 * each call: a spent budget or a full context refuses the call instead of paying for it.
 */
export class SessionMeter {
  private spentUsd = 0;
  private contextTokens = 0;
  private lastCallAt: number | null = null;
  /** warmth depends on the ttl the last call cached with; the next write's price on the current setting. */
  private lastCallTtl: CacheTtl = '5m';
  private warnedContext = false;
  private keptWarm: { count: number; usd: number | null } = { count: 0, usd: 0 };

  constructor(private settings: () => MeterSettings) {}

  /** Note a call's cost; returns the warnings it crosses (the context one only once per session). */
  noteCost(usd: number | null, contextTokens: number | undefined, kind?: 'keep-warm'): MeterWarning[] {
    if (usd !== null) this.spentUsd += usd;
    if (kind === 'keep-warm') {
      this.keptWarm.count++;
      this.keptWarm.usd = this.keptWarm.usd === null || usd === null ? null : this.keptWarm.usd + usd;
    }
    if (contextTokens !== undefined) this.contextTokens = contextTokens;
    const warnings: MeterWarning[] = [];
    const budget = this.settings().budgetUsd;
    if (budget != null && usd !== null && this.spentUsd >= budget * BUDGET_WARN_SHARE) {
      warnings.push({ kind: 'budget', message: `Budget: $${this.spentUsd.toFixed(4)} of $${budget.toFixed(2)} spent.${this.spentUsd >= budget ? ' The next call will be refused.' : ''}` });
    }
    const window = this.window();
    if (window !== null && !this.warnedContext && this.contextTokens >= window * CONTEXT_WARN_SHARE) {
      this.warnedContext = true;
      warnings.push({ kind: 'context', message: `The context is at ${Math.round((100 * this.contextTokens) / window)}% of the model's ${window}-token window. Consider carrying the session over to a fresh one.` });
    }
    return warnings;
  }

  /** A call cached (or refreshed) the prefix at `now` under `ttl` (default: the current setting). */
  noteCall(now = Date.now(), ttl: CacheTtl = this.settings().cacheTtl): void {
    this.lastCallAt = now;
    this.lastCallTtl = ttl;
  }

  /** Whether the last call's cache entry is still alive at `now`. */
  isWarm(now: number): boolean {
    return this.lastCallAt !== null && now < this.lastCallAt + TTL_MS[this.lastCallTtl];
  }

  /** Throws when the next call must not be made; the message says what to do instead. */
  checkCanCall(): void {
    const budget = this.settings().budgetUsd;
    if (budget != null && this.spentUsd >= budget) {
      throw new EngineError('budget', `The session budget of $${budget.toFixed(2)} is spent ($${this.spentUsd.toFixed(4)}): the next call is refused. Raise dialogue.budgetUsd (CLI: --budget) to continue.`);
    }
    const window = this.window();
    if (window !== null && this.contextTokens >= window) {
      throw new EngineError('context-full', `The context is full (${this.contextTokens} of ${window} tokens): carry the session over to a fresh one.`);
    }
  }

  window(): number | null {
    const s = this.settings();
    const modelWindow = findModel(s.model, s.prices)?.contextWindow;
    const limit = s.contextWindow ?? undefined;
    if (modelWindow === undefined) return limit ?? null;
    return limit === undefined ? modelWindow : Math.min(modelWindow, limit);
  }

  /**
   * `nextWriteTtl`: the TTL a cold write would be priced at (default the setting; auto passes its own pick);
   * `coldWriteTokens`: what it would write (default the whole context; less when an older entry still lives).
   */
  meter(now = Date.now(), nextWriteTtl: CacheTtl = this.settings().cacheTtl, coldWriteTokens = this.contextTokens): Meter {
    const s = this.settings();
    const info = findModel(s.model, s.prices);
    const warmUntil = this.lastCallAt === null ? null : this.lastCallAt + TTL_MS[this.lastCallTtl];
    const tier = info?.tiers.find((t) => t.upToPromptTokens === null || this.contextTokens <= t.upToPromptTokens) ?? info?.tiers.at(-1);
    const cold = warmUntil === null || now >= warmUntil;
    const coldWriteUsd = tier && this.contextTokens > 0 && cold ? (coldWriteTokens * (nextWriteTtl === '1h' ? tier.cacheWrite1h : tier.cacheWrite5m)) / 1e6 : null;
    const write1hUsd = tier && this.contextTokens > 0 ? (this.contextTokens * tier.cacheWrite1h) / 1e6 : null;
    const keptWarm = this.keptWarm.count > 0 ? { keptWarm: { count: this.keptWarm.count, usd: this.keptWarm.usd === null ? null : Math.round(this.keptWarm.usd * 1e9) / 1e9 } } : {};
    return { contextTokens: this.contextTokens, contextWindow: this.window(), cacheWarmUntil: warmUntil, ttl: s.cacheTtl, coldWriteUsd, write1hUsd, budgetUsd: s.budgetUsd ?? null, ...keptWarm, ...(s.warmth ? { warmth: s.warmth } : {}) };
  }
}
