// Builds an in-host e2e suite to JavaScript: the extension host loads plain CommonJS, not TypeScript.
//
//   node scripts/e2e/buildSuite.mjs [--suite test/e2e/suite] [--out out/e2e/suite]
//
// The runner (test/e2e/suite/index.ts) and every `*.test.ts` directly in the suite folder land side by
// side in the output folder; the runner loads the `*.test.js` next to itself. Prints the runner's path.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RUNNER_SOURCE = path.join(repoRoot, 'test', 'e2e', 'suite', 'index.ts');

/**
 * Compiles the runner plus the suite's tests into `outDir` (emptied first, so no stale test survives).
 * @param {{ suiteDir: string, outDir: string }} options  folders, absolute or relative to the repository
 * @returns {Promise<{ runner: string, tests: string[], seconds: number }>}  runner = the extensionTestsPath
 */
export async function buildSuite({ suiteDir, outDir }) {
  const started = Date.now();
  const suite = path.resolve(repoRoot, suiteDir);
  const out = path.resolve(repoRoot, outDir);
  const tests = fs
    .readdirSync(suite)
    .filter((name) => name.endsWith('.test.ts'))
    .sort()
    .map((name) => path.join(suite, name));
  if (tests.length === 0) throw new Error(`no *.test.ts files in ${suite}`);

  fs.rmSync(out, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [RUNNER_SOURCE, ...tests],
    outdir: out,
    // Flat output: the runner finds the tests as siblings whatever folder they came from.
    entryNames: '[name]',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    // vscode is provided by the host; mocha must be the same instance the runner configures and is
    // resolved at run time from the repository's node_modules (the output folder is inside the repo).
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  const runner = path.join(out, 'index.js');
  if (!fs.existsSync(runner)) throw new Error(`esbuild did not produce ${runner}`);
  return {
    runner,
    tests: tests.map((t) => path.join(out, path.basename(t, '.ts') + '.js')),
    seconds: (Date.now() - started) / 1000,
  };
}

function argValue(name, fallback) {
  const index = process.argv.indexOf(name);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1] : fallback;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const result = await buildSuite({
      suiteDir: argValue('--suite', 'test/e2e/suite'),
      outDir: argValue('--out', 'out/e2e/suite'),
    });
    console.error(`[e2e build] ${result.tests.length} test file(s) built in ${result.seconds.toFixed(2)} s`);
    console.log(result.runner);
  } catch (error) {
    console.error(`[e2e build] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
