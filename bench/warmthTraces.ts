/**
 * Think-time traces for the warmth simulator: seeded, so every run replays the same researcher. A trace is the
 * time from the end of one reply to the next human line; the simulator adds the reply's own streaming time.
 */

import { seededRandom } from '../test/unit/parse/tagParserHarness';

export type TraceName = 'fast' | 'researcher' | 'slow';
export const TRACES: readonly TraceName[] = ['fast', 'researcher', 'slow'];

/** Spread of every lognormal think time, in natural-log units (a 90% range of about ×0.3 to ×3 the median). */
const SIGMA = 0.7;

function lognormal(random: () => number, medianMs: number): number {
  // Box–Muller; 1 - u keeps log() away from 0.
  const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return medianMs * Math.exp(SIGMA * z);
}

/** `count` think times (ms) of one session of the named trace. */
export function thinkTimes(trace: TraceName, count: number, seed: number): number[] {
  const random = seededRandom(seed * 7919 + TRACES.indexOf(trace) + 1);
  const one = (): number => {
    if (trace === 'fast') return lognormal(random, 40_000);
    if (trace === 'slow') return lognormal(random, 240_000);
    // researcher: mostly a minute's thought, one turn in five a break of 6–30 minutes.
    return random() < 0.8 ? lognormal(random, 60_000) : (6 + 24 * random()) * 60_000;
  };
  return Array.from({ length: count }, one);
}
