// The offline real-VS-Code e2e entry (what `npm test` calls): install or reuse code-server, build the
// in-host suite, then test/e2e/runSuites.ts starts one server and one Chromium, runs the in-host suite
// and the UI tests, and stops everything. Exits non-zero when any step fails.
//
//   node scripts/e2e/run.mjs [--target fixture|extension] [--extension DIR] [--suite DIR|none]
//        [--ui PATTERN[,PATTERN...]|none] [--workspace DIR] [--setup FILE] [--screenshots DIR]
//        [--vsix FILE|build|none] [--electron]
//
// Each option can also come from the environment: DIALOGUE_E2E_TARGET, _EXTENSION, _SUITE, _UI,
// _WORKSPACE_SOURCE, _SETUP, _SCREENSHOTS, _VSIX. A target is a preset; the options override its parts.
// --vsix: `build` (the extension target's default) packages the repository with scripts/package.mjs; the
// .vsix is installed into the server and the in-host suite and UI tests run again on that installed copy.
// PATTERN is a file or `folder/*.ui.ts`. --setup names a module exporting `setup()` that returns
// `{ env, teardown? }` (e.g. a local API stand-in's URL): that env reaches the extension host and the
// UI tests. --electron runs the in-host suite in desktop VS Code via @vscode/test-electron instead
// (needs a machine that can download VS Code; exits 2 at once where it cannot).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSuite } from './buildSuite.mjs';
import { ensureCodeServer, missingDebianPackages } from './installCodeServer.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Presets. `extension` (the default) is the real extension against the Messages API stand-in, on a fresh
 * copy of the sample characters; `fixture` proves the harness itself on a throwaway extension.
 */
const TARGETS = {
  fixture: {
    extension: 'test/e2e/fixtureExtension',
    suite: 'test/e2e/fixtureExtension/suite',
    ui: 'test/e2e/fixtureExtension/ui/*.ui.ts',
    workspace: '',
    setup: 'test/e2e/fixtureExtension/setup.ts',
    env: {},
  },
  extension: {
    extension: '.',
    suite: 'test/e2e/suite',
    ui: 'test/e2e/ui/*.ui.ts',
    // The setup module lays out the workspace (a copy of characters/) and starts the stand-in.
    workspace: '',
    setup: 'test/e2e/standInSetup.ts',
    env: {},
    mustExist: ['dist/extension.js', 'dist/webview.js'],
    // `npm run package`'s .vsix, installed into the server: the suite runs on it after the development copy.
    vsix: 'build',
  },
};
/** Where the default target's freshly packaged .vsix goes. */
const BUILT_VSIX = path.join('out', 'e2e', 'dialogue-panel.vsix');
const DEFAULT_TARGET = 'extension';

function option(name, envName) {
  const index = process.argv.indexOf(`--${name}`);
  if (index >= 0) {
    const value = process.argv[index + 1];
    if (value === undefined || value.startsWith('--')) fail(`--${name} needs a value`);
    return value;
  }
  return process.env[envName];
}

function fail(message) {
  console.error(`[e2e] ${message}`);
  process.exit(1);
}

/** Expands `dir/*.ui.ts`-style patterns (a `*` in the file name only) into sorted absolute paths. */
function expandPatterns(list) {
  if (!list || list === 'none') return [];
  const files = [];
  for (const pattern of list.split(',').map((p) => p.trim()).filter(Boolean)) {
    const absolute = path.resolve(repoRoot, pattern);
    const base = path.basename(absolute);
    if (!base.includes('*')) {
      if (!fs.existsSync(absolute)) fail(`UI test file ${pattern} does not exist`);
      files.push(absolute);
      continue;
    }
    const dir = path.dirname(absolute);
    const matcher = new RegExp(`^${base.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    const matches = fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => matcher.test(name)).sort() : [];
    files.push(...matches.map((name) => path.join(dir, name)));
  }
  return files;
}

/** The latest modification time of any file under src/ (0 when there is none). */
function newestSourceMs(dir = path.join(repoRoot, 'src')) {
  let newest = 0;
  for (const entry of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
    const file = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceMs(file) : fs.statSync(file).mtimeMs);
  }
  return newest;
}

/** Runs one of the TypeScript runners in test/e2e/ and resolves with its exit code. */
function runTypeScript(file, env) {
  return runNode(['--import', 'tsx', path.join('test', 'e2e', file)], env, 'inherit');
}

/** Runs node with `args` in the repository and resolves with its exit code. */
function runNode(args, env, stdout) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: repoRoot,
      env,
      stdio: ['ignore', stdout, 'inherit'],
    });
    // Let the child clean up its server and browser on Ctrl-C; we only wait for it.
    for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
    child.on('error', (error) => {
      console.error(`[e2e] could not start node ${args.join(' ')}: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main() {
  const started = Date.now();
  const targetName = option('target', 'DIALOGUE_E2E_TARGET') ?? DEFAULT_TARGET;
  const target = TARGETS[targetName];
  if (!target) fail(`unknown target ${targetName}; use one of ${Object.keys(TARGETS).join(', ')}`);

  const extension = path.resolve(repoRoot, option('extension', 'DIALOGUE_E2E_EXTENSION') ?? target.extension);
  const suite = option('suite', 'DIALOGUE_E2E_SUITE') ?? target.suite;
  const uiFiles = expandPatterns(option('ui', 'DIALOGUE_E2E_UI') ?? target.ui);
  const workspace = option('workspace', 'DIALOGUE_E2E_WORKSPACE_SOURCE') ?? target.workspace;
  const setup = option('setup', 'DIALOGUE_E2E_SETUP') ?? target.setup;
  const vsixOption = option('vsix', 'DIALOGUE_E2E_VSIX') ?? target.vsix ?? 'none';
  const screenshots = path.resolve(
    repoRoot,
    option('screenshots', 'DIALOGUE_E2E_SCREENSHOTS') ?? fs.mkdtempSync(path.join(os.tmpdir(), 'dialogue-e2e-screenshots-')),
  );

  if (!fs.existsSync(path.join(extension, 'package.json'))) fail(`no extension at ${extension} (package.json missing)`);
  for (const file of target.mustExist ?? []) {
    if (!fs.existsSync(path.join(repoRoot, file))) fail(`${file} is missing: run \`npm run build\` first`);
  }
  const stale = (target.mustExist ?? []).filter((file) => fs.statSync(path.join(repoRoot, file)).mtimeMs < newestSourceMs());
  // A warning, not a failure: testing an older bundle on purpose is legitimate, but rarely what was meant.
  if (stale.length > 0) console.warn(`[e2e] warning: ${stale.join(', ')} older than src/: run \`node esbuild.mjs\` to test the current code`);
  const electron = process.argv.includes('--electron');
  const missing = electron ? [] : missingDebianPackages('run');
  if (missing.length > 0) fail(`missing Debian package(s) ${missing.join(', ')}: apt-get install -y ${missing.join(' ')}`);

  let serverMain = '';
  if (!electron) {
    const install = await ensureCodeServer();
    serverMain = install.serverMain;
    console.log(`[e2e] code-server ${install.reused ? 'reused' : 'installed'} in ${install.seconds.toFixed(1)} s`);
  }

  let vsix = '';
  if (vsixOption === 'build') {
    const started = Date.now();
    const code = await runNode([path.join('scripts', 'package.mjs'), '--out', BUILT_VSIX], { ...process.env }, 'ignore');
    if (code !== 0) fail('npm run package failed: run `node scripts/package.mjs` to see why');
    vsix = path.join(repoRoot, BUILT_VSIX);
    console.log(`[e2e] ${BUILT_VSIX} packaged in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } else if (vsixOption !== 'none') {
    vsix = path.resolve(repoRoot, vsixOption);
    if (!fs.existsSync(vsix)) fail(`no .vsix at ${vsix}`);
  }

  let runner = '';
  if (suite && suite !== 'none') {
    const built = await buildSuite({ suiteDir: suite, outDir: path.join('out', 'e2e', targetName) }).catch((error) =>
      fail(`building the in-host suite failed: ${error instanceof Error ? error.message : String(error)}`),
    );
    runner = built.runner;
    console.log(`[e2e] in-host suite built (${built.tests.length} file(s)) in ${built.seconds.toFixed(2)} s`);
  }
  if (!runner && (electron || uiFiles.length === 0)) fail('nothing to run: no in-host suite and no UI test files');

  const code = await runTypeScript(electron ? 'runElectron.ts' : 'runSuites.ts', {
    ...process.env,
    ...target.env,
    DIALOGUE_CODE_SERVER_MAIN: serverMain,
    DIALOGUE_E2E_EXTENSION: extension,
    DIALOGUE_E2E_SUITE_RUNNER: runner,
    DIALOGUE_E2E_UI_FILES: uiFiles.join(path.delimiter),
    DIALOGUE_E2E_WORKSPACE_SOURCE: workspace ? path.resolve(repoRoot, workspace) : '',
    DIALOGUE_E2E_SETUP: setup ? path.resolve(repoRoot, setup) : '',
    DIALOGUE_E2E_SCREENSHOTS: screenshots,
    DIALOGUE_E2E_VSIX: vsix,
  });
  const total = ((Date.now() - started) / 1000).toFixed(1);
  const how = electron ? 'desktop VS Code' : 'code-server';
  console.log(`[e2e] ${code === 0 ? 'passed' : 'FAILED'} (target ${targetName}, ${how}) in ${total} s; screenshots in ${screenshots}`);
  return code;
}

main().then(
  (code) => process.exit(code),
  (error) => fail(error instanceof Error ? (error.stack ?? error.message) : String(error)),
);
