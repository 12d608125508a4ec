/**
 * The researcher's think times as a distribution of gaps between turns (from one call to the next, so the
 * reply's streaming time is included). Empirical with a prior: every observed gap counts once, and the prior
 * counts as `PRIOR_WEIGHT` imaginary gaps spread like a lognormal. With no history the prior decides alone;
 * after a few dozen turns the researcher's own pace does.
 */
export interface GapDistribution {
  /** P(gap > ms). Non-increasing in ms, 1 at ms < 0. */
  survival(ms: number): number;
}

/** The prior: gaps spread like a lognormal with this median and spread (in natural-log units). */
export const PRIOR = { medianMs: 90_000, sigma: 1.2 } as const;
export const PRIOR_WEIGHT = 4;
/** Only the most recent gaps are kept, so a researcher whose pace changes is followed. */
export const MAX_GAPS = 400;

export class ThinkTimes implements GapDistribution {
  /** Sorted ascending, for O(log n) survival queries. */
  private sorted: number[] = [];
  /** In arrival order, to drop the oldest past MAX_GAPS. */
  private order: number[] = [];

  constructor(history: readonly number[] = []) {
    for (const g of history.slice(-MAX_GAPS)) this.note(g);
  }

  get count(): number {
    return this.order.length;
  }

  note(gapMs: number): void {
    if (!Number.isFinite(gapMs) || gapMs < 0) return;
    this.order.push(gapMs);
    this.sorted.splice(upperBound(this.sorted, gapMs), 0, gapMs);
    if (this.order.length > MAX_GAPS) {
      const oldest = this.order.shift()!;
      this.sorted.splice(lowerBound(this.sorted, oldest), 1);
    }
  }

  survival(ms: number): number {
    if (ms < 0) return 1;
    const above = this.sorted.length - upperBound(this.sorted, ms);
    return (above + PRIOR_WEIGHT * lognormalSurvival(ms, PRIOR.medianMs, PRIOR.sigma)) / (this.sorted.length + PRIOR_WEIGHT);
  }
}

/** P(X > x) for a lognormal X with the given median and sigma. */
export function lognormalSurvival(x: number, median: number, sigma: number): number {
  if (x <= 0) return 1;
  return 0.5 * erfc(Math.log(x / median) / (sigma * Math.SQRT2));
}

/** Complementary error function (Numerical Recipes' erfcc, |error| < 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

function upperBound(xs: readonly number[], v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function lowerBound(xs: readonly number[], v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
