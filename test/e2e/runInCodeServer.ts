// Drives the real VS Code workbench served by code-server in Debian's Chromium (playwright-core):
// runExtensionTests() runs an in-host mocha suite the way @vscode/test-web does, and the other exports
// are the building blocks of UI tests that run in Playwright outside the extension host.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core';
import { startCodeServer, type RunningCodeServer } from './codeServer';

export const CHROMIUM_PATH = process.env.DIALOGUE_E2E_CHROMIUM ?? '/usr/bin/chromium';
/** Without the background-networking flags Chromium keeps dialling Google on this closed network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];
/** Exit code reported when the in-host suite did not finish in time. */
export const EXIT_TIMEOUT = 124;
const DEFAULT_SUITE_TIMEOUT_MS = 5 * 60_000;
/** Workbench chatter that reaches codeAutomationLog on every run; shown only with DIALOGUE_E2E_VERBOSE. */
const WORKBENCH_NOISE = [
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket/,
  /^Updating additional builtin extensions cache/,
  /^Ignoring fetching additional builtin extensions from gallery/,
  /^ChatSessionStore:/,
  /^\[Service Worker\] registration/,
  /^\[lifecycle\] Long running operations during shutdown/,
  /^\[driver\] /,
];

function isNoise(text: string): boolean {
  return !process.env.DIALOGUE_E2E_VERBOSE && WORKBENCH_NOISE.some((pattern) => pattern.test(text));
}

/** The parts of a running server a workbench window needs. */
export type WorkbenchTarget = Pick<RunningCodeServer, 'url' | 'remoteAuthority' | 'workspace' | 'extensionDevelopmentPath'>;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/**
 * The workbench address that opens `workspace` with the extension under development (and tests) loaded.
 * Without an extensionDevelopmentPath the window runs the extensions installed on the server.
 */
export function workbenchUrl(target: WorkbenchTarget, extensionTestsPath?: string): string {
  const remote = (file: string): string => `vscode-remote://${target.remoteAuthority}${path.resolve(file)}`;
  const payload: Array<[string, string]> = [];
  if (target.extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(target.extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  return (
    `${target.url}/?folder=${encodeURIComponent(path.resolve(target.workspace))}` +
    `&payload=${encodeURIComponent(JSON.stringify(payload))}`
  );
}

export interface OpenWorkbenchOptions {
  /** Hooks installed before the page loads (e.g. page.exposeFunction), which must precede navigation. */
  beforeNavigate?: (page: Page) => Promise<void>;
  extensionTestsPath?: string;
  viewport?: { width: number; height: number };
}

/**
 * Opens the workbench in a fresh browser context (clean browser-side state; close it with
 * `page.context().close()`) and waits until the workbench has rendered.
 */
export async function openWorkbench(browser: Browser, target: WorkbenchTarget, options: OpenWorkbenchOptions = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 } });
  const page = await context.newPage();
  await options.beforeNavigate?.(page);
  await page.goto(workbenchUrl(target, options.extensionTestsPath));
  await whenWorkbenchRestored(page);
  return page;
}

/**
 * Waits for the workbench's "restored" phase through the smoke-test driver (the server runs with
 * --enable-smoke-test-driver): before it, restored editors can still open and take focus.
 */
async function whenWorkbenchRestored(page: Page): Promise<void> {
  await page.waitForFunction('typeof window.driver?.whenWorkbenchRestored === "function"', undefined, { timeout: 60_000 });
  await page.evaluate('window.driver.whenWorkbenchRestored()');
}

/** Runs a command by its palette title ("Category: Title"), as a person would: F1, type, Enter. */
export async function runCommand(page: Page, title: string, timeoutMs = 30_000): Promise<void> {
  await chooseCommand(page, title, timeoutMs);
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/**
 * F1, type, Enter, without waiting for the palette to close: for a command that asks its own quick
 * picks, which reuse the same widget (it may never be seen hidden in between).
 */
export async function chooseCommand(page: Page, title: string, timeoutMs = 30_000): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const match = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  const deadline = Date.now() + timeoutMs;
  await page.keyboard.press('F1');
  await input.waitFor({ state: 'visible' });
  // The palette lists the commands known when the filter text changes; an extension's contributions
  // can register a moment after the workbench is restored, so re-type until the command shows up.
  for (;;) {
    await input.fill(`>${title}`);
    try {
      await match.waitFor({ state: 'visible', timeout: 1_000 });
      break;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`command "${title}" never appeared in the palette`, { cause: error });
      await input.fill('>');
    }
  }
  // Enter before the list has filtered would run whatever was first before.
  await input.press('Enter');
}

/** The document inside the active webview: VS Code nests it in two iframes. */
export function webviewFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** Reloads the window through its command (so shutdown hooks and serializers run) and waits for it. */
export async function reloadWindow(page: Page): Promise<void> {
  const reloaded = page.waitForEvent('load', { timeout: 60_000 });
  await runCommand(page, 'Developer: Reload Window');
  await reloaded;
  await whenWorkbenchRestored(page);
}

export interface ExtensionTestsOptions {
  /** The extension under development; omitted, the window runs the server's installed extensions. */
  extensionDevelopmentPath?: string;
  /** The compiled runner (out/e2e/.../index.js) exporting run(). */
  extensionTestsPath: string;
  workspace: string;
  /** Environment for the extension host; used only when this call starts its own server. */
  env?: Record<string, string>;
  /** Where the timeout screenshot goes; a temp folder when omitted. */
  screenshotsDir?: string;
  /** Whole-suite limit; default $DIALOGUE_E2E_SUITE_TIMEOUT_MS or 5 minutes. */
  timeoutMs?: number;
  /** Reuse a running server (its workspace/extension are replaced by the ones given here). */
  server?: RunningCodeServer;
  /** Reuse a running browser. */
  browser?: Browser;
  /** Receives each line the suite prints; default: stdout. */
  output?: (line: string) => void;
}

/** Runs the in-host suite in a real workbench and resolves with its exit code (0 = all passed). */
export async function runExtensionTests(options: ExtensionTestsOptions): Promise<number> {
  const output = options.output ?? ((line: string) => process.stdout.write(`${line}\n`));
  const timeoutMs = options.timeoutMs ?? Number(process.env.DIALOGUE_E2E_SUITE_TIMEOUT_MS ?? DEFAULT_SUITE_TIMEOUT_MS);
  const server =
    options.server ??
    (await startCodeServer({
      workspace: options.workspace,
      ...(options.extensionDevelopmentPath ? { extensionDevelopmentPath: options.extensionDevelopmentPath } : {}),
      ...(options.env ? { env: options.env } : {}),
    }));
  const browser = options.browser ?? (await launchChromium());
  const target: WorkbenchTarget = {
    url: server.url,
    remoteAuthority: server.remoteAuthority,
    workspace: options.workspace,
    ...(options.extensionDevelopmentPath ? { extensionDevelopmentPath: options.extensionDevelopmentPath } : {}),
  };
  let page: Page | undefined;
  let timer: NodeJS.Timeout | undefined;
  const screenshot = async (name: string): Promise<string> => {
    const dir = options.screenshotsDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'dialogue-e2e-failure-'));
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, name);
    await page?.screenshot({ path: file }).catch(() => undefined);
    return file;
  };
  try {
    let finished = false;
    let reportExit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => (reportExit = resolve));
    // The clock includes loading the workbench: a window that never comes up is a timeout too.
    const timedOut = new Promise<number>((resolve) => {
      timer = setTimeout(() => resolve(EXIT_TIMEOUT), timeoutMs);
    });
    const opened = openWorkbench(browser, target, {
      extensionTestsPath: options.extensionTestsPath,
      beforeNavigate: async (p) => {
        page = p;
        await p.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
          const text = (Array.isArray(args) ? args : [args]).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
          // Once it is over the workbench tears down and cancels its reads, which it logs as errors.
          if (finished || isNoise(text)) return;
          // The suite's own output arrives as 'info'; label the rest so it stands out in CI logs.
          output(type === 'info' || type === 'log' ? text : `[${type}] ${text}`);
        });
        await p.exposeFunction('codeAutomationExit', (code: number) => {
          finished = true;
          reportExit(code);
        });
        p.on('crash', () => reportExit(1));
      },
    });
    let code: number;
    try {
      code = await Promise.race([opened.then(() => exited), exited, timedOut]);
      finished = true;
    } catch (error) {
      finished = true;
      const shot = await screenshot('in-host-suite-error.png');
      output(`[e2e] the workbench failed: ${error instanceof Error ? error.message : String(error)}; screenshot: ${shot}`);
      return 1;
    }
    if (code === EXIT_TIMEOUT) {
      const shot = await screenshot('in-host-suite-timeout.png');
      output(`[e2e] in-host suite did not finish within ${timeoutMs} ms; screenshot: ${shot}`);
    }
    return code;
  } finally {
    if (timer) clearTimeout(timer);
    await page?.context().close().catch(() => undefined);
    if (!options.browser) await browser.close();
    if (!options.server) await server.stop();
  }
}
