import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { parseExperimentText } from '../src/engine/experiments/experimentFile';
import { planExperiment, type ExperimentPlan } from '../src/engine/experiments/experimentPlan';
import { ExperimentRunner } from '../src/engine/experiments/experimentRunner';
import { makeClient } from '../src/engine/model/modelCall';
import { PanelSession } from '../src/engine/session/panelSession';
import { playActions } from '../src/engine/session/playActions';
import { systemClock } from '../src/engine/warmth/clock';
import { castAutoReply, startStandIn } from '../test/standIn/messagesStandIn';
import { figure, type Figure } from './figures';
import { REPO_ROOT } from './panelScript';
import { standInProcess } from './standInProcess';

const KEY = 'sk-bench-experiment-000000000000';
const FLOOR = ['Where does each of you stand on the Quayside scheme?', 'What would the marina cost the co-operative?', 'Who walks away if the flats are halved?', 'Does night access for the port change anything?', 'Could every one of you sign this month?', 'What if the financing window closes in March?'];

/** Sizes of the three experiment figures; the defaults are the issue's. */
export interface ExperimentBenchOptions {
  runs?: number;
  turnsForSpeed?: number;
  replicatesForCost?: number;
  turnsForCost?: number;
  /** runs per arm and round of the CPU-overhead figure */
  runsForOverhead?: number;
}

/** An experiment folder with the repository's characters, a script of `turns` floor lines, and its plan. */
async function experiment(name: string, yaml: string, turns: number): Promise<{ dir: string; plan: ExperimentPlan }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `dp-bench-${name}-`));
  await fs.cp(path.join(REPO_ROOT, 'characters'), path.join(dir, 'characters'), { recursive: true });
  await fs.writeFile(path.join(dir, 'probe.jsonl'), FLOOR.slice(0, turns).map((say) => JSON.stringify({ say })).join('\n') + '\n');
  const file = path.join(dir, 'experiment.yaml');
  const text = `name: ${name}\nmodel: claude-sonnet-4-6\nbrief: harbour-deal\ncast: [mara, oskar, ilse]\nscript: probe.jsonl\n${yaml}`;
  await fs.writeFile(file, text);
  return { dir, plan: await planExperiment(parseExperimentText(text, file)) };
}

async function runExperiment(plan: ExperimentPlan, dir: string, o: { concurrency: number; baseURL: string; batch?: boolean; out: string }): Promise<{ ms: number; usd: number }> {
  const t0 = performance.now();
  const runner = new ExperimentRunner(plan, { outDir: path.join(dir, o.out), concurrency: o.concurrency, budgetUsd: null, apiKey: KEY, baseURL: o.baseURL, batch: o.batch ?? false, batchPollMs: 2 });
  const result = await runner.run();
  if (result.status !== 'done') throw new Error(`experiment ended ${result.status}: ${result.reason}`);
  return { ms: performance.now() - t0, usd: result.spendUsd };
}

/**
 * experiment.concurrency_speedup: wall time of N runs at concurrency 1 ÷ at concurrency 8, against the stand-in
 * streaming with a per-token delay (so waiting on the model dominates, as it does for real).
 */
async function concurrencySpeedup(o: Required<ExperimentBenchOptions>): Promise<Figure[]> {
  // ~24 tokens per delta every 40 ms ≈ 600 tokens/s: several times faster than a real model, so the bench stays
  // short, yet waiting on the model still dominates as in a real run.
  const api = await startStandIn({ autoReply: (body) => ({ ...castAutoReply(body), chunkSize: 96, chunkDelayMs: 40 }) });
  try {
    const { dir, plan } = await experiment('speed', `replicates: ${o.runs}\n`, o.turnsForSpeed);
    const one = await runExperiment(plan, dir, { concurrency: 1, baseURL: api.url, out: 'c1' });
    api.resetCache();
    const eight = await runExperiment(plan, dir, { concurrency: 8, baseURL: api.url, out: 'c8' });
    await fs.rm(dir, { recursive: true, force: true });
    return [
      figure('experiment.concurrency_speedup', one.ms / eight.ms, `${o.runs} runs × ${o.turnsForSpeed} turns: ${Math.round(one.ms)} ms at concurrency 1, ${Math.round(eight.ms)} ms at 8 (goal >= 5)`),
    ];
  } finally {
    await api.close();
  }
}

/** experiment.batch_cost_ratio: the same experiment with --batch and streamed, each priced from its own cost events. */
async function batchCostRatio(o: Required<ExperimentBenchOptions>): Promise<Figure[]> {
  const api = await startStandIn();
  try {
    const { dir, plan } = await experiment('cost', `replicates: ${o.replicatesForCost}\n`, o.turnsForCost);
    const streamed = await runExperiment(plan, dir, { concurrency: 8, baseURL: api.url, out: 'streamed' });
    api.resetCache();
    const batched = await runExperiment(plan, dir, { concurrency: 8, baseURL: api.url, batch: true, out: 'batched' });
    await fs.rm(dir, { recursive: true, force: true });
    return [
      figure('experiment.batch_cost_ratio', batched.usd / streamed.usd, `${o.replicatesForCost} replicates × ${o.turnsForCost} turns: $${batched.usd.toFixed(4)} batched (1-hour cache) ÷ $${streamed.usd.toFixed(4)} streamed (5-minute cache) (goal <= 0.55)`),
    ];
  } finally {
    await api.close();
  }
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

// A full collection before each measured arm, so garbage one arm left behind is never billed to the other.
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

/** CPU time (ms) of this process while `work` runs, from a clean heap. */
async function cpuOf(work: () => Promise<void>): Promise<number> {
  collectGarbage();
  const c0 = cpuMs();
  await work();
  return cpuMs() - c0;
}

const ROUNDS = 7;

/**
 * experiment.runner_cpu_overhead: CPU time of this process playing N runs through the experiment runner, over the
 * same sessions played alone as `play` plays them (PanelSession start, playActions, close; the same condition,
 * the same 8 at a time on one client), minus 1. The stand-in runs in its own process so only the product's CPU is
 * counted. Each arm starts from a collected heap; seven interleaved rounds, the first arm alternating, and the
 * least CPU of each arm is compared (the machine is shared: load from other processes only ever adds).
 */
async function runnerOverhead(o: Required<ExperimentBenchOptions>): Promise<Figure[]> {
  const { url, child } = await standInProcess();
  try {
    const { dir, plan } = await experiment('overhead', `replicates: ${o.runsForOverhead}\n`, o.turnsForSpeed);
    const alone = async (round: number): Promise<void> => {
      const client = makeClient({ apiKey: KEY, baseURL: url });
      const queue = [...plan.runs];
      const worker = async (): Promise<void> => {
        for (let run = queue.shift(); run; run = queue.shift()) {
          const c = run.condition;
          const s = await PanelSession.start({ library: plan.library, cast: c.cast, brief: c.brief === null ? null : plan.library.briefs.get(c.brief)!, model: c.model, maxTokens: c.max_tokens, cacheTtl: c.ttl, deliberationDepth: c.depth, sessionsDir: path.join(dir, `alone-${round}`), apiKey: KEY, client });
          await playActions(s, run.actions, { library: plan.library, clock: systemClock, stopped: () => false });
          await s.close();
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
    };
    const viaRunner = async (round: number): Promise<void> => {
      await runExperiment(plan, dir, { concurrency: 8, baseURL: url, out: `runner-${round}` });
    };
    // warm-up: module loading and JIT count for neither
    await alone(0);
    await viaRunner(0);
    const aloneMs: number[] = [];
    const runnerMs: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      if (round % 2 === 1) aloneMs.push(await cpuOf(() => alone(round)));
      runnerMs.push(await cpuOf(() => viaRunner(round)));
      if (round % 2 === 0) aloneMs.push(await cpuOf(() => alone(round)));
    }
    // Each round's two arms ran back to back under the same load: the median of the per-round ratios.
    const ratios = runnerMs.map((r, i) => r / aloneMs[i]!).sort((x, y) => x - y);
    const median = ratios[(ratios.length - 1) / 2]!;
    await fs.rm(dir, { recursive: true, force: true });
    const ms = (xs: number[]): string => xs.map(Math.round).join(', ');
    return [figure('experiment.runner_cpu_overhead', median - 1, `${o.runsForOverhead} runs × ${o.turnsForSpeed} turn${o.turnsForSpeed === 1 ? '' : 's'}, median of ${ROUNDS} rounds of runner ÷ alone: CPU ms through the runner ${ms(runnerMs)}; played alone ${ms(aloneMs)} (goal < 0.05)`)];
  } finally {
    child.kill('SIGTERM');
  }
}

/** Only the runner-overhead figure (profiling and quick checks: `node --import tsx -e` on this). */
export function runRunnerOverheadBench(options: ExperimentBenchOptions = {}): Promise<Figure[]> {
  return runnerOverhead({ ...DEFAULTS, ...options });
}

const DEFAULTS: Required<ExperimentBenchOptions> = { runs: 24, turnsForSpeed: 1, replicatesForCost: 10, turnsForCost: 6, runsForOverhead: 24 };

export async function runExperimentBench(options: ExperimentBenchOptions = {}): Promise<Figure[]> {
  const o: Required<ExperimentBenchOptions> = { ...DEFAULTS, ...options };
  return [...(await concurrencySpeedup(o)), ...(await batchCostRatio(o)), ...(await runnerOverhead(o))];
}
