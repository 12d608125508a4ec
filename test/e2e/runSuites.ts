// One offline e2e pass, run by scripts/e2e/run.mjs under `node --import tsx` (configuration: see
// e2eConfig.ts): one VS Code server and one Chromium for everything; first the in-host mocha suite,
// then the UI test files in a mocha child process that reuses both through environment variables. With a
// .vsix, both run twice: on the development copy, then on the installed one. Exit code 0 only when every
// part passed.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { startCodeServer } from './codeServer';
import { freshWorkspace, readE2eConfig, runSetup, type ExtensionCopy } from './e2eConfig';
import { CHROMIUM_ARGS, CHROMIUM_PATH, runExtensionTests } from './runInCodeServer';
import { UI_ENV } from './uiSession';

const repoRoot = path.resolve(__dirname, '..', '..');
const UI_TEST_TIMEOUT_MS = 120_000;
/** Where the real extension's in-host suite writes `activation-<copy>.json` (suite/extensionUnderTest.ts). */
const ACTIVATION_FIGURES = path.join(repoRoot, 'out', 'e2e', 'figures');

/** Whether the in-host suite wrote the activation figure of `copy` since `since`: proof of which copy ran. */
function activationFigureWritten(copy: ExtensionCopy, since: number): boolean {
  const file = path.join(ACTIVATION_FIGURES, `activation-${copy}.json`);
  try {
    return fs.statSync(file).mtimeMs >= since && (JSON.parse(fs.readFileSync(file, 'utf8')) as { copy?: string }).copy === copy;
  } catch {
    return false;
  }
}

function say(line: string): void {
  process.stdout.write(`[e2e] ${line}\n`);
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

function relative(file: string): string {
  return path.relative(repoRoot, file) || '.';
}

/** A folder holding an extension manifest and nothing else (removed with the workspaces). */
function manifestOnlyExtension(cleanup: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dialogue-e2e-test-host-'));
  cleanup.push(dir);
  const manifest = { name: 'installed-copy-test-host', publisher: 'dialogue-e2e', version: '0.0.0', engines: { vscode: '*' } };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest));
  return dir;
}

function runUiFiles(files: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const mocha = require.resolve('mocha/bin/mocha.js');
  const args = ['--import', 'tsx', mocha, '--no-config', '--reporter', 'spec', '--timeout', String(UI_TEST_TIMEOUT_MS), ...files];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', (error) => {
      say(`could not start mocha for the UI tests: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<number> {
  const config = readE2eConfig();
  const workspaces: string[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  const cleanUp = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error: unknown) => say(`cleanup failed: ${String(error)}`));
    }
    // Only after the server is gone: its file watchers hold these folders.
    if (!process.env.DIALOGUE_E2E_KEEP) for (const dir of workspaces.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  };
  let workspaceSource = config.workspaceSource;
  const workspace = (): string => {
    const dir = freshWorkspace(workspaceSource);
    workspaces.push(dir);
    return dir;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      say(`${signal}: stopping`);
      void cleanUp().finally(() => process.exit(130));
    });
  }

  let failed = 0;
  try {
    const setup = await runSetup(config.setupModule);
    if (setup.teardown) cleanups.push(setup.teardown);
    workspaceSource ??= setup.workspaceSource;

    let started = Date.now();
    const browserServer = await chromium.launchServer({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
    cleanups.push(() => browserServer.close());
    say(`chromium up in ${seconds(started)}`);

    started = Date.now();
    // The server is not tied to a folder: each window names its own workspace in its URL. With a .vsix, it
    // is installed into the server's extensions folder first; a window that names no extensionDevelopmentPath
    // runs that installed copy, one that does runs the repository (which then takes the installed one's place).
    const server = await startCodeServer({
      workspace: os.tmpdir(),
      extensionDevelopmentPath: config.extension,
      env: setup.env,
      ...(config.vsix ? { installVsix: config.vsix } : {}),
    });
    cleanups.push(() => server.stop());
    say(`VS Code server up at ${server.url} in ${seconds(started)}${config.vsix ? ` (${relative(config.vsix)} installed)` : ''}`);

    const copies: ExtensionCopy[] = config.vsix ? ['development', 'installed'] : ['development'];
    for (const copy of copies) {
      const what = copy === 'installed' ? `the installed ${path.basename(config.vsix!)}` : relative(config.extension);
      const developmentPath = copy === 'development' ? { extensionDevelopmentPath: config.extension } : {};
      if (config.suiteRunner) {
        // VS Code runs an extensionTestsPath only in a window with an extension under development: the
        // installed copy's in-host run gets a manifest-only one of another id, so the Dialogue extension it
        // finds is the installed one.
        const testHost = copy === 'installed' ? { extensionDevelopmentPath: manifestOnlyExtension(workspaces) } : developmentPath;
        started = Date.now();
        say(`in-host suite ${relative(config.suiteRunner)} on ${what}`);
        const browser = await chromium.connect(browserServer.wsEndpoint());
        const code = await runExtensionTests({
          ...testHost,
          extensionTestsPath: config.suiteRunner,
          workspace: workspace(),
          server,
          browser,
          screenshotsDir: config.screenshotsDir,
        });
        await browser.close();
        say(`in-host suite (${copy}) exited ${code} after ${seconds(started)}`);
        if (code !== 0) failed += 1;
        else if (config.vsix && !activationFigureWritten(copy, started)) {
          say(`the ${copy} window did not report activating the ${copy} copy (no fresh ${copy} figure in ${relative(ACTIVATION_FIGURES)})`);
          failed += 1;
        }
      }

      if (config.uiFiles.length > 0) {
        started = Date.now();
        say(`UI tests ${config.uiFiles.map(relative).join(', ')} on ${what}`);
        // The installed copy's screenshots go beside the development ones' (which may be docs/screenshots).
        const screenshots = copy === 'installed' ? path.join(config.screenshotsDir, 'installed') : config.screenshotsDir;
        const code = await runUiFiles(config.uiFiles, {
          ...process.env,
          ...setup.env,
          [UI_ENV.url]: server.url,
          [UI_ENV.browserWs]: browserServer.wsEndpoint(),
          [UI_ENV.workspace]: workspace(),
          [UI_ENV.extension]: config.extension,
          [UI_ENV.copy]: copy,
          [UI_ENV.screenshots]: screenshots,
        });
        say(`UI tests (${copy}) exited ${code} after ${seconds(started)}`);
        if (code !== 0) failed += 1;
      }
    }
  } catch (error) {
    say(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    failed += 1;
  } finally {
    const started = Date.now();
    await cleanUp();
    say(`server and browser stopped in ${seconds(started)}`);
  }
  return failed === 0 ? 0 : 1;
}

void main().then((code) => process.exit(code));
