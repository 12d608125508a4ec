import type { SessionEvent } from '../../engine/store/sessionSchema';
import type { Meter } from '../../protocol';

/** A cancellable one-shot timer (setTimeout in the host, a scripted clock in tests). */
export type SetTimer = (fn: () => void, ms: number) => { cancel(): void };

const defaultTimer: SetTimer = (fn, ms) => {
  const h = setTimeout(fn, ms);
  h.unref?.();
  return { cancel: () => clearTimeout(h) };
};

// Past the TTL boundary by a little, so the engine is sure to report the cache cold when asked.
const AFTER_COLD_MS = 250;

/**
 * Sends a live session's context/cache meter, and wakes once more when the cached prefix goes cold: the
 * estimate of the next cache write only exists from then on, and nothing else would prompt a resend.
 */
export class MeterRefresher {
  private timer: { cancel(): void } | undefined;

  constructor(
    private readonly o: {
      send(meter: Meter): void;
      /** the cache went cold: refresh again (and update whatever else shows warmth). */
      wentCold(): void;
      now?: () => number;
      setTimer?: SetTimer;
    },
  ) {}

  now(): number {
    return (this.o.now ?? Date.now)();
  }

  /** Sends the meter of `session` (nothing for null) and schedules the cold-cache resend. */
  refresh(session: { meter(now?: number): Meter } | null): void {
    this.cancel();
    if (!session) return;
    const now = this.now();
    const meter = session.meter(now);
    this.o.send(meter);
    if (meter.cacheWarmUntil !== null && meter.cacheWarmUntil > now) {
      this.timer = (this.o.setTimer ?? defaultTimer)(() => this.o.wentCold(), meter.cacheWarmUntil - now + AFTER_COLD_MS);
    }
  }

  cancel(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}

// Same rounding as the webview's sub-strip, so the tooltip and the panel agree.
function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 10_000) return `${(n / 1000).toFixed(1)}k`;
  if (n < 1_000_000) return `${Math.round(n / 1000)}k`;
  return `${(n / 1_000_000).toFixed(2)}M`;
}

function clock(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/**
 * The meter in two lines for the status bar tooltip: context used against the window, and how long the cached
 * prefix stays warm or, once cold, what the next turn's cache write is estimated to cost.
 */
export function describeMeter(meter: Meter, now: number, formatUsd: (usd: number | null) => string): string {
  let context: string;
  if (meter.contextTokens === 0 && meter.cacheWarmUntil === null) context = 'Context: no call yet';
  else if (meter.contextWindow === null) context = `Context: ${formatTokens(meter.contextTokens)} tokens (window unknown)`;
  else {
    const pct = Math.round((100 * meter.contextTokens) / meter.contextWindow);
    context = `Context: ${formatTokens(meter.contextTokens)} of ${formatTokens(meter.contextWindow)} tokens (${pct}%)`;
  }
  // Under auto the TTL setting is not used: say what auto chose (or would choose) instead.
  const ttl = meter.autoTtl ?? meter.ttl;
  const chosen = meter.autoTtl ? `the ${ttl} TTL, auto's pick` : `the ${ttl} TTL`;
  let cache: string;
  if (meter.cacheWarmUntil === null) cache = `Cache: not written yet (${meter.ttl} TTL)`;
  else if (now < meter.cacheWarmUntil) {
    const minutes = Math.ceil((meter.cacheWarmUntil - now) / 60_000);
    const keeping = meter.keepingWarm === 'pinging' ? '; kept warm by pings while you think' : meter.keepingWarm === 'expiring' ? '; not kept warm past then' : '';
    const next = meter.autoTtl ? `auto cached this gap at the ${ttl} TTL` : `next turn at the ${ttl} TTL`;
    cache = `Cache: warm for ${minutes} more min (until ${clock(meter.cacheWarmUntil)}); ${next}${keeping}`;
  } else {
    const price = meter.coldWriteUsd === null ? 'price unknown' : `about ${formatUsd(meter.coldWriteUsd)}`;
    cache = `Cache: cold; the next turn writes it again (${price} at ${chosen})`;
  }
  return `${context}\n${cache}`;
}

/** USD spent so far: the sum of priced cost events; null when calls were made but none could be priced. */
export function spentUsd(events: readonly SessionEvent[]): number | null {
  let sum = 0;
  let priced = 0;
  let calls = 0;
  for (const e of events) {
    if (e.type !== 'cost') continue;
    calls++;
    if (e.usd !== null) {
      sum += e.usd;
      priced++;
    }
  }
  return calls > 0 && priced === 0 ? null : Math.round(sum * 1e6) / 1e6;
}
