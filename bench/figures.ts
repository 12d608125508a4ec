/**
 * What every benchmark hands back, and the small statistics they share. Benchmarks report ratios first:
 * the machine is shared and noisy, so absolute times are context, not claims.
 */

/** One measured figure. `value` is a finite number, or null when it could not be measured (then `note` says why). */
export interface Figure {
  name: string;
  value: number | null;
  note?: string;
}

export function figure(name: string, value: number, note?: string): Figure {
  if (!Number.isFinite(value)) return { name, value: null, note: `${note ? `${note}: ` : ''}not a finite number (${value})` };
  return note === undefined ? { name, value } : { name, value, note };
}

export function skipped(name: string, note: string): Figure {
  return { name, value: null, note };
}

export function median(xs: readonly number[]): number {
  return percentile(xs, 50);
}

/** Nearest-rank percentile (p in 0..100); NaN for an empty list so a missing sample shows up as a null figure. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}
