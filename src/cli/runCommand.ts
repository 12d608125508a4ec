import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { formatUsd } from '../engine/cost/costMeter';
import { ESTIMATE_ASSUMPTIONS, estimateRun, sumEstimates } from '../engine/experiments/costEstimate';
import { ExperimentFileError, readExperimentFile } from '../engine/experiments/experimentFile';
import { planExperiment, type ExperimentPlan } from '../engine/experiments/experimentPlan';
import { ExperimentRunner } from '../engine/experiments/experimentRunner';
import { ExperimentStore, PlanChangedError } from '../engine/experiments/experimentStore';
import type { PriceOverrides } from '../engine/cost/modelTable';
import { loadPrices, UsageError } from './cliInput';
import { progressReporter } from './runProgress';

const RUN_USAGE = 'usage: run EXPERIMENT.yaml [--out DIR] [--concurrency N] [--batch] [--dry-run] [--budget USD]';


/**
 * `run EXPERIMENT.yaml`: plays the experiment's matrix (SPEC 11), resuming an earlier invocation. The last stdout
 * line is the experiment folder. Exit 0 when every run is done, 1 when some are not (stopped, failed, budget),
 * 2 for bad input (nothing written).
 */
export async function runRun(args: string[]): Promise<number> {
  try {
    return await runExperiment(args);
  } catch (err) {
    if (err instanceof UsageError || err instanceof ExperimentFileError || err instanceof PlanChangedError || String((err as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`error: ${(err as Error).message}\n`);
      return 2;
    }
    throw err;
  }
}

async function runExperiment(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      concurrency: { type: 'string' },
      batch: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      budget: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError(RUN_USAGE);
  const concurrency = values.concurrency === undefined ? 4 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) throw new UsageError(`--concurrency must be a whole number from 1 to 256, got "${values.concurrency}"`);
  const budget = values.budget === undefined ? null : Number(values.budget);
  if (budget !== null && (!Number.isFinite(budget) || budget <= 0)) throw new UsageError(`--budget must be a positive number of USD, got "${values.budget}"`);
  const prices = (await loadPrices(undefined))?.prices ?? null;
  const spec = await readExperimentFile(path.resolve(positionals[0]!));
  const plan = await planExperiment(spec);
  const outDir = path.resolve(values.out ?? path.join(spec.workspace, 'experiments'), spec.name);
  if (values['dry-run']) return dryRun(plan, outDir, values.batch, prices);

  const apiKey = process.env.ANTHROPIC_API_KEY ?? '';
  if (!apiKey) throw new UsageError('ANTHROPIC_API_KEY is not set: export your Anthropic API key to run an experiment (or use --dry-run)');
  const progress = progressReporter({ tty: process.stderr.isTTY === true, out: process.stdout, err: process.stderr });
  const runner = new ExperimentRunner(plan, {
    outDir,
    concurrency,
    budgetUsd: budget,
    apiKey,
    ...(process.env.ANTHROPIC_BASE_URL ? { baseURL: process.env.ANTHROPIC_BASE_URL } : {}),
    ...(prices ? { prices } : {}),
    batch: values.batch,
    ...(pollMs() !== null ? { batchPollMs: pollMs()! } : {}),
    onUpdate: progress.update,
  });
  const onSignal = (): void => runner.stop('interrupted');
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const result = await runner.run();
    progress.end();
    const spent = `spent ${formatUsd(result.spendUsd)}`;
    if (result.status === 'done') process.stdout.write(`experiment ${spec.name}: all ${plan.runs.length} run(s) done, ${spent}\n`);
    else process.stdout.write(`experiment ${spec.name}: ${result.status}${result.reason ? ` — ${result.reason}` : ''}; ${spent}. Run the same command again to resume.\n`);
    process.stdout.write(`${result.dir}\n`);
    return result.status === 'done' ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The plan and its estimate; reads experiment.json if there is one (to skip done runs) and writes nothing. */
async function dryRun(plan: ExperimentPlan, outDir: string, batch: boolean, prices: PriceOverrides | null): Promise<number> {
  const existing = await ExperimentStore.read(outDir);
  if (existing && existing.fingerprint !== plan.fingerprint) process.stdout.write(`note: ${outDir} holds a differently planned experiment; \`run\` would refuse it\n`);
  const done = new Set(existing && existing.fingerprint === plan.fingerprint ? existing.runs.filter((r) => r.status === 'done').map((r) => r.id) : []);
  const todo = plan.runs.filter((r) => !done.has(r.id));
  const o = { batch, ...(prices ? { prices } : {}) };
  const out: string[] = [];
  out.push(`experiment ${plan.spec.name}: ${plan.conditions.length} condition(s) × ${plan.spec.replicates} replicate(s) = ${plan.runs.length} run(s)${done.size ? `, ${done.size} already done, ${todo.length} to play` : ''}`);
  for (const { id, condition: c } of plan.conditions) {
    const runs = todo.filter((r) => r.conditionId === id);
    const e = sumEstimates(runs.map((r) => estimateRun(r, plan.library, o)));
    out.push(`  ${id}  model=${c.model} brief=${c.brief ?? '-'} cast=${c.cast.join('+')} depth=${c.depth} ttl=${batch ? '1h (batch)' : c.ttl} max_tokens=${c.max_tokens} script=${c.script}: ${runs.length} run(s), ${e.requests} request(s), ~${formatUsd(e.usd)}`);
  }
  const all = sumEstimates(todo.map((r) => estimateRun(r, plan.library, o)));
  const turns = todo.reduce((n, r) => n + r.turns, 0);
  out.push(`to play: ${todo.length} run(s), ${turns} turn(s), ${all.requests} request(s)${batch ? ` in ${Math.max(0, ...todo.map((r) => r.turns))} batch(es)` : ''}; ~${all.inputTokens.toLocaleString('en')} prompt tokens, ~${all.outputTokens.toLocaleString('en')} output tokens`);
  out.push(`estimated cost: ${all.usd === null ? 'unknown (a model has no price: add it with DIALOGUE_PRICES)' : `~${formatUsd(all.usd)}`}${batch ? ' at the batch rate' : ''}`);
  out.push('assumptions:');
  for (const a of ESTIMATE_ASSUMPTIONS) out.push(`  - ${a}`);
  out.push(`dry run: nothing sent, nothing written. The experiment folder would be:`);
  out.push(outDir);
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

/** DIALOGUE_BATCH_POLL_MS: the first batch poll interval (tests and the benchmark use a few ms). */
function pollMs(): number | null {
  const v = process.env.DIALOGUE_BATCH_POLL_MS;
  if (v === undefined || v === '') return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`DIALOGUE_BATCH_POLL_MS must be a positive whole number of ms, got "${v}"`);
  return n;
}
