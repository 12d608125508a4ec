// What a UI test file (Playwright outside the extension host) starts from: a VS Code server and a
// browser. Under scripts/e2e/run.mjs both already run and arrive through environment variables, so
// every UI file reuses them; run alone (`npx mocha --no-config --node-option import=tsx FILE`) a file
// starts its own.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startCodeServer, type RunningCodeServer } from './codeServer';
import { CONFIG_ENV, freshWorkspace } from './e2eConfig';
import { launchChromium, type WorkbenchTarget } from './runInCodeServer';

/** Environment variables runSuites.ts sets for UI test processes. */
export const UI_ENV = {
  url: 'DIALOGUE_E2E_URL',
  browserWs: 'DIALOGUE_E2E_BROWSER_WS',
  workspace: 'DIALOGUE_E2E_WORKSPACE',
  extension: CONFIG_ENV.extension,
  screenshots: CONFIG_ENV.screenshots,
  /** `installed`: the window runs the server's installed .vsix instead of the extension under development. */
  copy: 'DIALOGUE_E2E_COPY',
} as const;

const repoRoot = path.resolve(__dirname, '..', '..');

export interface UiSessionOptions {
  /** The extension to load; wins over $DIALOGUE_E2E_EXTENSION, which wins over the repository root. */
  extensionDevelopmentPath?: string;
  /** Environment for a server this session starts itself (ignored when reusing run.mjs's server). */
  env?: Record<string, string>;
  /** Copied as the workspace when run.mjs gave none (it is an empty folder otherwise). */
  workspaceSource?: string;
}

/** A server target plus a browser; close() releases only what this session started. */
export interface UiSession {
  target: WorkbenchTarget;
  browser: Browser;
  /** Existing folder for this file's screenshots. */
  screenshotsDir: string;
  close(): Promise<void>;
}

function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function startUiSession(options: UiSessionOptions = {}): Promise<UiSession> {
  const env = process.env;
  const extensionDevelopmentPath = path.resolve(options.extensionDevelopmentPath ?? env[UI_ENV.extension] ?? repoRoot);
  const workspace = env[UI_ENV.workspace] ?? freshWorkspace(options.workspaceSource);
  const screenshotsDir = env[UI_ENV.screenshots] ?? makeTempDir('dialogue-e2e-screenshots-');
  fs.mkdirSync(screenshotsDir, { recursive: true });

  let ownServer: RunningCodeServer | undefined;
  let target: WorkbenchTarget;
  const sharedUrl = env[UI_ENV.url];
  if (sharedUrl) {
    const installed = env[UI_ENV.copy] === 'installed';
    target = { url: sharedUrl, remoteAuthority: new URL(sharedUrl).host, workspace, ...(installed ? {} : { extensionDevelopmentPath }) };
  } else {
    ownServer = await startCodeServer({ workspace, extensionDevelopmentPath, ...(options.env ? { env: options.env } : {}) });
    target = ownServer;
  }

  const sharedBrowser = env[UI_ENV.browserWs];
  let browser: Browser;
  try {
    browser = sharedBrowser ? await chromium.connect(sharedBrowser) : await launchChromium();
  } catch (error) {
    await ownServer?.stop();
    throw error;
  }

  return {
    target,
    browser,
    screenshotsDir,
    async close() {
      // For a shared browser this only disconnects; run.mjs's process owns it.
      await browser.close();
      await ownServer?.stop();
    },
  };
}
