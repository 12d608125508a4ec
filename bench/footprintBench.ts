import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { figure, median, skipped, type Figure } from './figures';
import { REPO_ROOT } from './panelScript';

const run = promisify(execFile);

/** How many fresh processes time activation; the median is reported. */
export interface FootprintBenchOptions {
  activationRuns?: number;
}

const BUNDLES = ['extension', 'webview', 'cli'] as const;

/**
 * Runs the repository's own build script with --production in a scratch folder whose `src` and `esbuild.mjs`
 * are links to the real ones: the bundles are exactly what `npm run build -- --production` makes, and the
 * development build in dist/ is left alone.
 */
async function productionBuild(scratch: string): Promise<{ dist: string } | { error: string }> {
  for (const name of ['src', 'esbuild.mjs', 'tsconfig.json', 'package.json', 'media']) {
    await fs.symlink(path.join(REPO_ROOT, name), path.join(scratch, name)).catch(() => undefined);
  }
  try {
    await run(process.execPath, ['esbuild.mjs', '--production'], { cwd: scratch, timeout: 120_000 });
    return { dist: path.join(scratch, 'dist') };
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    return { error: (e.stderr || e.message).trim().split('\n').slice(0, 3).join(' ') };
  }
}

async function sizeKb(file: string): Promise<number | null> {
  try {
    return (await fs.stat(file)).size / 1024;
  } catch {
    return null;
  }
}

/**
 * Activation outside VS Code: a fresh Node process requires the production dist/extension.js, whose
 * `require('vscode')` finds bench/vscodeStub.cjs, and calls activate() with a stub context on a scratch
 * workspace holding a copy of the sample characters. Time = require + activate(), median of fresh processes.
 */
async function activationMs(scratch: string, dist: string, runs: number): Promise<Figure[]> {
  const stubDir = path.join(scratch, 'node_modules', 'vscode');
  await fs.mkdir(stubDir, { recursive: true });
  await fs.copyFile(path.join(REPO_ROOT, 'bench', 'vscodeStub.cjs'), path.join(stubDir, 'index.js'));
  const workspace = path.join(scratch, 'workspace');
  await fs.cp(path.join(REPO_ROOT, 'characters'), path.join(workspace, 'characters'), { recursive: true });
  await fs.mkdir(path.join(workspace, 'sessions'), { recursive: true });
  const times: number[] = [];
  const requires: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const { stdout } = await run(process.execPath, [path.join(REPO_ROOT, 'bench', 'activationProbe.cjs'), dist], {
        cwd: workspace,
        env: { ...process.env, DP_STUB_WORKSPACE: workspace },
        timeout: 30_000,
      });
      const r = JSON.parse(stdout.trim().split('\n').pop()!) as { requireMs: number; activateMs: number };
      times.push(r.requireMs + r.activateMs);
      requires.push(r.requireMs);
    }
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    // The stack's first line is the error; the lines above it are the minified source line it points into.
    const lines = (e.stderr || e.message).trim().split('\n');
    const message = lines.find((l) => /^\w*Error\b/.test(l)) ?? lines[lines.length - 1]!;
    return [skipped('footprint.activation_ms', `activate() failed against the vscode stub: ${message.slice(0, 300)}`)];
  }
  return [
    figure('footprint.activation_ms', median(times), 'require + activate() with a stub vscode module, not in VS Code'),
    figure('footprint.activation_require_ms', median(requires), 'of which loading the bundle'),
  ];
}

/** Where the e2e suite's in-host test leaves `activation-<copy>.json` (test/e2e/suite/extensionUnderTest.ts). */
export const E2E_ACTIVATION_DIR = path.join(REPO_ROOT, 'out', 'e2e', 'figures');

/**
 * Activation inside real VS Code, as the last e2e run measured it (`npm run test:e2e`): `await
 * extension.activate()` in the extension host, from inactive, for the development copy (dist/, a development
 * build) and the installed .vsix (production bundles). Read from the e2e run's files, so skipped without one.
 */
export async function e2eActivationFigures(dir = E2E_ACTIVATION_DIR): Promise<Figure[]> {
  const copies = [
    ['development', 'footprint.activation_vscode_ms'],
    ['installed', 'footprint.activation_vscode_installed_ms'],
  ] as const;
  const figures: Figure[] = [];
  for (const [copy, name] of copies) {
    try {
      const read = JSON.parse(await fs.readFile(path.join(dir, `activation-${copy}.json`), 'utf8')) as { activation_ms?: unknown; measured_at?: unknown; vscode_version?: unknown };
      if (typeof read.activation_ms !== 'number') throw new Error('no activation_ms');
      figures.push(figure(name, read.activation_ms, `in VS Code ${String(read.vscode_version)} (code-server), ${copy} copy, e2e run of ${String(read.measured_at)}`));
    } catch (err) {
      figures.push(skipped(name, `no e2e figure (${(err as Error).message.split('\n')[0]}): run \`npm run test:e2e\` first`));
    }
  }
  return figures;
}

/** footprint.*: production bundle sizes in KB (1024 bytes) and extension activation time (stub and real VS Code). */
export async function runFootprintBench(o: FootprintBenchOptions = {}): Promise<Figure[]> {
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'dp-bench-footprint-'));
  try {
    const built = await productionBuild(scratch);
    const dist = 'dist' in built ? built.dist : path.join(scratch, 'dist');
    const figures: Figure[] = [];
    for (const b of BUNDLES) {
      const kb = await sizeKb(path.join(dist, `${b}.js`));
      figures.push(kb === null ? skipped(`footprint.${b}_kb`, `the production build did not produce ${b}.js${'error' in built ? `: ${built.error}` : ''}`) : figure(`footprint.${b}_kb`, kb));
    }
    if ((await sizeKb(path.join(dist, 'extension.js'))) === null) figures.push(skipped('footprint.activation_ms', 'no production extension.js to activate'));
    else figures.push(...(await activationMs(scratch, dist, o.activationRuns ?? 5)));
    figures.push(...(await e2eActivationFigures()));
    return figures;
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}
