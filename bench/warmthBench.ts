import { cacheRatesFor } from '../src/engine/warmth/gapCost';
import { oracle } from '../src/engine/warmth/oracle';
import { AutoPolicy, keepWarmPolicy, offPolicy } from '../src/engine/warmth/policies';
import { figure, type Figure } from './figures';
import { playPaused } from './warmthEndToEnd';
import { pastGaps, replay, sessionShape, simulate, type Chooser } from './warmthSimulator';
import { TRACES, type TraceName } from './warmthTraces';

export const WARMTH_MODEL = 'claude-sonnet-4-6';
/** Sessions per trace (each a different seeded day); costs are summed over them so one lucky day does not decide. */
export const SESSIONS_PER_TRACE = 25;
/** Earlier sessions `auto` has seen of the same researcher. */
export const HISTORY_SESSIONS = 2;
/** Enough earlier sessions to fill auto's memory of gaps: it then knows the trace's distribution. */
const INFORMED_SESSIONS = 11;

type PolicyName = 'always5m' | 'always1h' | 'keepwarm' | 'auto' | 'auto_no_history' | 'informed' | 'oracle';

/** Total cost per policy over the trace's sessions. */
export function traceCosts(trace: TraceName, sessions = SESSIONS_PER_TRACE): Record<PolicyName, number> & { pings: Record<string, number> } {
  const rates = cacheRatesFor(WARMTH_MODEL, 0)!;
  const usd: Record<PolicyName, number> = { always5m: 0, always1h: 0, keepwarm: 0, auto: 0, auto_no_history: 0, informed: 0, oracle: 0 };
  const pings: Record<string, number> = { keepwarm: 0, auto: 0 };
  for (let seed = 1; seed <= sessions; seed++) {
    const turns = sessionShape(trace, seed);
    const run = (name: PolicyName, policy: Chooser, configured: '5m' | '1h' = '5m') => {
      const r = simulate(turns, policy, rates, configured);
      usd[name] += r.usd;
      if (name in pings) pings[name]! += r.pings;
    };
    run('always5m', offPolicy());
    run('always1h', offPolicy(), '1h');
    run('keepwarm', keepWarmPolicy(30));
    run('auto', new AutoPolicy(pastGaps(trace, seed, HISTORY_SESSIONS)));
    run('auto_no_history', new AutoPolicy());
    // The best an online policy can do: auto knowing the trace's distribution (as many gaps as it keeps).
    run('informed', new AutoPolicy(pastGaps(trace, seed, INFORMED_SESSIONS)));
    const best = oracle(turns, rates);
    const replayed = simulate(turns, replay(best.choices), rates).usd;
    if (Math.abs(replayed - best.usd) > 1e-9) throw new Error(`oracle ${best.usd} disagrees with its replay ${replayed} (${trace} seed ${seed})`);
    usd.oracle += best.usd;
  }
  return { ...usd, pings };
}

/** Turns of the end-to-end session (a 12-minute pause after the sixth). */
export const E2E_TURNS = 12;

export async function runWarmthBench(sessions = SESSIONS_PER_TRACE, e2eTurns = E2E_TURNS): Promise<Figure[]> {
  const figures: Figure[] = [];
  const vsOracle: number[] = [];
  for (const trace of TRACES) {
    const c = traceCosts(trace, sessions);
    for (const p of ['always5m', 'always1h', 'keepwarm', 'auto', 'oracle'] as const) figures.push(figure(`warmth.${trace}.${p}_usd_per_session`, c[p] / sessions));
    const ratio = c.auto / c.oracle;
    vsOracle.push(ratio);
    figures.push(figure(`warmth.auto_vs_oracle_${trace}`, ratio));
    figures.push(figure(`warmth.auto_no_history_vs_oracle_${trace}`, c.auto_no_history / c.oracle));
    figures.push(figure(`warmth.informed_vs_oracle_${trace}`, c.informed / c.oracle));
    figures.push(figure(`warmth.keepwarm_vs_5m_${trace}`, c.keepwarm / c.always5m));
    figures.push(figure(`warmth.auto_vs_5m_${trace}`, c.auto / c.always5m));
    figures.push(figure(`warmth.oracle_vs_5m_${trace}`, c.oracle / c.always5m));
    figures.push(figure(`warmth.${trace}.auto_pings_per_session`, c.pings.auto! / sessions));
  }
  figures.unshift(figure('warmth.auto_vs_oracle', Math.max(...vsOracle), 'the worst of the three traces'));
  const researcher = figures.find((f) => f.name === 'warmth.auto_vs_5m_researcher')!;
  figures.splice(1, 0, { ...researcher, name: 'warmth.auto_vs_5m_researcher' });
  // End to end: the real PanelSession, keeper and stand-in (cache TTLs on the same manual clock).
  const off = await playPaused('off', e2eTurns);
  const auto = await playPaused('auto', e2eTurns);
  figures.splice(2, 0, figure('warmth.e2e_auto_vs_off', auto.usd / off.usd));
  figures.push(figure('warmth.e2e.off_usd', off.usd), figure('warmth.e2e.auto_usd', auto.usd), figure('warmth.e2e.auto_pings', auto.pings), figure('warmth.e2e.auto_1h_calls', auto.ttl1h));
  return figures.filter((f, i, all) => all.findIndex((g) => g.name === f.name) === i);
}
