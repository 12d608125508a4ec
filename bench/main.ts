// One benchmark per process: `node --import tsx bench/main.ts <name>` prints its figures as one JSON line
// prefixed with FIGURES_PREFIX (progress and problems go to stderr). scripts/bench.mjs runs them all.
import { runCostBench } from './costBench';
import { runExperimentBench } from './experimentBench';
import { runExportBench } from './exportBench';
import type { Figure } from './figures';
import { runFootprintBench } from './footprintBench';
import { runLatencyBench } from './latencyBench';
import { runParserBench } from './parserBench';
import { runRenderBench } from './renderBench';
import { runStoreBench } from './storeBench';
import { runTurnOverheadBench } from './turnOverheadBench';
import { runWarmthBench } from './warmthBench';

/** Every benchmark at its full (issue) size, in the order `npm run bench` runs them. */
export const BENCHMARKS: ReadonlyArray<{ name: string; run: () => Promise<Figure[]> | Figure[] }> = [
  { name: 'cost', run: () => runCostBench() },
  { name: 'parser', run: () => runParserBench() },
  { name: 'render', run: () => runRenderBench() },
  { name: 'latency', run: () => runLatencyBench() },
  { name: 'store', run: () => runStoreBench() },
  { name: 'footprint', run: () => runFootprintBench() },
  { name: 'session', run: () => runTurnOverheadBench() },
  { name: 'warmth', run: () => runWarmthBench() },
  { name: 'experiment', run: () => runExperimentBench() },
  { name: 'export', run: () => runExportBench() },
];

export const FIGURES_PREFIX = 'BENCH_FIGURES ';

async function main(): Promise<void> {
  const name = process.argv[2];
  const bench = BENCHMARKS.find((b) => b.name === name);
  if (!bench) {
    process.stderr.write(`usage: node --import tsx bench/main.ts <${BENCHMARKS.map((b) => b.name).join('|')}>\n`);
    process.exit(2);
  }
  const figures = await bench.run();
  process.stdout.write(`${FIGURES_PREFIX}${JSON.stringify(figures)}\n`);
}

if (require.main === module) {
  main().then(
    // Playwright, the SDK's keep-alive agent or a stray timer must not keep a finished benchmark alive.
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`bench ${process.argv[2]}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
