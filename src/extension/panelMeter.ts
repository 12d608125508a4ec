import type { Meter } from '../protocol';

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
