// One e2e pass, run by scripts/e2e/run.mjs under `node --import tsx`: one VS Code server and one
// Chromium for everything; first the in-host mocha suite, then the UI test files (a mocha child process
// that reuses both through environment variables). Exit code 0 only when every part passed.
//
// Configuration arrives in the environment, all paths absolute (run.mjs resolves them):
//   DIALOGUE_E2E_EXTENSION   extension under development (required)
//   DIALOGUE_E2E_SUITE_RUNNER  built in-host runner (out/e2e/<name>/index.js); empty = skip
//   DIALOGUE_E2E_UI_FILES    UI test files joined by path.delimiter; empty = skip
//   DIALOGUE_E2E_WORKSPACE_SOURCE  folder copied as each part's workspace; empty = start empty
//   DIALOGUE_E2E_SCREENSHOTS folder for screenshots (required)
//   DIALOGUE_E2E_SETUP       module exporting `setup(): Promise<E2eSetup>`; empty = none
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserServer } from 'playwright-core';
import { startCodeServer, type RunningCodeServer } from './codeServer';
import { CHROMIUM_ARGS, CHROMIUM_PATH, runExtensionTests } from './runInCodeServer';
import { UI_ENV } from './uiSession';

/** What a DIALOGUE_E2E_SETUP module's setup() returns: env for the server and UI tests, and a cleanup. */
export interface E2eSetup {
  env: Record<string, string>;
  teardown?: () => Promise<void>;
}

const repoRoot = path.resolve(__dirname, '..', '..');
const UI_TEST_TIMEOUT_MS = 120_000;

function say(line: string): void {
  process.stdout.write(`[e2e] ${line}\n`);
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run scripts/e2e/run.mjs rather than this file)`);
  return value;
}

/** A fresh copy of the workspace source (or an empty folder), so tests never dirty the original. */
function freshWorkspace(source: string | undefined, made: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dialogue-e2e-workspace-'));
  if (source) fs.cpSync(source, dir, { recursive: true });
  made.push(dir);
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
  const extensionDevelopmentPath = required('DIALOGUE_E2E_EXTENSION');
  const screenshotsDir = required('DIALOGUE_E2E_SCREENSHOTS');
  const suiteRunner = process.env.DIALOGUE_E2E_SUITE_RUNNER || undefined;
  const uiFiles = (process.env.DIALOGUE_E2E_UI_FILES ?? '').split(path.delimiter).filter(Boolean);
  const workspaceSource = process.env.DIALOGUE_E2E_WORKSPACE_SOURCE || undefined;
  const setupModule = process.env.DIALOGUE_E2E_SETUP || undefined;
  fs.mkdirSync(screenshotsDir, { recursive: true });

  const workspaces: string[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  const cleanUp = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error: unknown) => say(`cleanup failed: ${String(error)}`));
    // Only after the server is gone: its file watchers hold these folders.
    if (process.env.DIALOGUE_E2E_KEEP) return;
    for (const dir of workspaces.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      say(`${signal}: stopping`);
      void cleanUp().finally(() => process.exit(130));
    });
  }

  let failed = 0;
  try {
    let setupEnv: Record<string, string> = {};
    if (setupModule) {
      const setup = ((await import(setupModule)) as { setup?: () => Promise<E2eSetup> }).setup;
      if (typeof setup !== 'function') throw new Error(`${setupModule} does not export setup()`);
      const result = await setup();
      setupEnv = result.env;
      if (result.teardown) cleanups.push(result.teardown);
    }

    let started = Date.now();
    const browserServer: BrowserServer = await chromium.launchServer({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
    cleanups.push(() => browserServer.close());
    say(`chromium up in ${seconds(started)}`);

    started = Date.now();
    const server: RunningCodeServer = await startCodeServer({
      workspace: os.tmpdir(),
      extensionDevelopmentPath,
      env: setupEnv,
    });
    cleanups.push(() => server.stop());
    say(`VS Code server up at ${server.url} in ${seconds(started)}`);

    if (suiteRunner) {
      started = Date.now();
      say(`in-host suite: ${path.relative(repoRoot, suiteRunner)} on ${path.relative(repoRoot, extensionDevelopmentPath) || '.'}`);
      const browser = await chromium.connect(browserServer.wsEndpoint());
      const code = await runExtensionTests({
        extensionDevelopmentPath,
        extensionTestsPath: suiteRunner,
        workspace: freshWorkspace(workspaceSource, workspaces),
        server,
        browser,
        screenshotsDir,
      });
      await browser.close();
      say(`in-host suite exited ${code} after ${seconds(started)}`);
      if (code !== 0) failed += 1;
    }

    if (uiFiles.length > 0) {
      started = Date.now();
      say(`UI tests: ${uiFiles.map((f) => path.relative(repoRoot, f)).join(', ')}`);
      const code = await runUiFiles(uiFiles, {
        ...process.env,
        ...setupEnv,
        [UI_ENV.url]: server.url,
        [UI_ENV.browserWs]: browserServer.wsEndpoint(),
        [UI_ENV.workspace]: freshWorkspace(workspaceSource, workspaces),
        [UI_ENV.extension]: extensionDevelopmentPath,
        [UI_ENV.screenshots]: screenshotsDir,
      });
      say(`UI tests exited ${code} after ${seconds(started)}`);
      if (code !== 0) failed += 1;
    }
  } catch (error) {
    say(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    failed += 1;
  } finally {
    const started = Date.now();
    await cleanUp();
    say(`stopped server and browser in ${seconds(started)}`);
  }
  return failed === 0 ? 0 : 1;
}

void main().then((code) => process.exit(code));
