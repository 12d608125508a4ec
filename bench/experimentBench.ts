import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseExperimentText } from '../src/engine/experiments/experimentFile';
import { planExperiment, type ExperimentPlan } from '../src/engine/experiments/experimentPlan';
import { ExperimentRunner } from '../src/engine/experiments/experimentRunner';
import { makeClient } from '../src/engine/model/modelCall';
import { PanelSession } from '../src/engine/session/panelSession';
import { castAutoReply, startStandIn } from '../test/standIn/messagesStandIn';
import { figure, type Figure } from './figures';
import { REPO_ROOT } from './panelScript';

const KEY = 'sk-bench-experiment-000000000000';
const FLOOR = ['Where does each of you stand on the Quayside scheme?', 'What would the marina cost the co-operative?', 'Who walks away if the flats are halved?', 'Does night access for the port change anything?', 'Could every one of you sign this month?', 'What if the financing window closes in March?'];

/** Sizes of the three experiment figures; the defaults are the issue's. */
export interface ExperimentBenchOptions {
  runs?: number;
  turnsForSpeed?: number;
  replicatesForCost?: number;
  turnsForCost?: number;
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

async function standInProcess(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/standIn/main.ts', '--port', '0'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /STANDIN_URL=(\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the stand-in exited (${code}) before listening`)));
  });
  return { url, child };
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * experiment.runner_cpu_overhead: CPU time of this process playing N runs through the experiment runner, over the
 * same sessions played alone (PanelSession start / say / close, the same 8 at a time), minus 1. The stand-in runs
 * in its own process so only the product's CPU is counted. Best of three interleaved rounds each (the machine is shared).
 */
async function runnerOverhead(o: Required<ExperimentBenchOptions>): Promise<Figure[]> {
  const { url, child } = await standInProcess();
  try {
    const { dir, plan } = await experiment('overhead', `replicates: ${o.runs}\n`, o.turnsForSpeed);
    const alone = async (round: number): Promise<number> => {
      const c0 = cpuMs();
      const client = makeClient({ apiKey: KEY, baseURL: url });
      const queue = [...plan.runs];
      const worker = async (): Promise<void> => {
        for (let run = queue.shift(); run; run = queue.shift()) {
          const s = await PanelSession.start({ library: plan.library, cast: run.condition.cast, brief: plan.library.briefs.get('harbour-deal')!, model: run.condition.model, maxTokens: run.condition.max_tokens, cacheTtl: '5m', deliberationDepth: 'full', sessionsDir: path.join(dir, `alone-${round}`), apiKey: KEY, client });
          for (const a of run.actions) if ('say' in a) await s.say(a.say, null);
          await s.close();
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      return cpuMs() - c0;
    };
    const viaRunner = async (round: number): Promise<number> => {
      const c0 = cpuMs();
      await runExperiment(plan, dir, { concurrency: 8, baseURL: url, out: `runner-${round}` });
      return cpuMs() - c0;
    };
    await alone(0); // warm-up: module loading and JIT count for neither
    // interleaved rounds, best of three each: load from other processes then hits both sides alike
    const aloneMs: number[] = [];
    const runnerMs: number[] = [];
    for (let round = 1; round <= 3; round++) {
      aloneMs.push(await alone(round));
      runnerMs.push(await viaRunner(round));
    }
    const a = Math.min(...aloneMs);
    const r = Math.min(...runnerMs);
    await fs.rm(dir, { recursive: true, force: true });
    return [figure('experiment.runner_cpu_overhead', r / a - 1, `${o.runs} runs × ${o.turnsForSpeed} turns: ${Math.round(r)} ms CPU through the runner vs ${Math.round(a)} ms played alone (goal < 0.05)`)];
  } finally {
    child.kill('SIGTERM');
  }
}

export async function runExperimentBench(options: ExperimentBenchOptions = {}): Promise<Figure[]> {
  const o: Required<ExperimentBenchOptions> = { runs: 24, turnsForSpeed: 1, replicatesForCost: 10, turnsForCost: 6, ...options };
  return [...(await concurrencySpeedup(o)), ...(await batchCostRatio(o)), ...(await runnerOverhead(o))];
}
