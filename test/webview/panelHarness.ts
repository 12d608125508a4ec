import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { HostMessage, Theme, WebviewMessage } from '../../src/protocol';
import { makeNonce, renderWebviewHtml } from '../../src/extension/panel/webviewHtml';

/**
 * A scripted host for the panel webview: the real bundle, the real page from renderWebviewHtml (so its CSP
 * is enforced) served from 127.0.0.1, and a fake `acquireVsCodeApi` that records what the webview posts.
 * Reused by the benchmark (render.append_ratio), so it depends on nothing mocha-specific.
 */

const ROOT = resolve(__dirname, '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

export interface PanelPageOptions {
  /** The theme in the page's HTML (before `init` says anything). Default cream. */
  theme?: Theme;
  title?: string;
  viewport?: { width: number; height: number };
  /** Share one browser between pages (faster); when absent the page launches and owns its own. */
  browser?: Browser;
  /** What `getState()` returns at load, as VS Code would after a hidden tab comes back. */
  state?: Record<string, unknown>;
  /** `--vscode-*` variables put on <html>, as VS Code does. */
  vscodeVars?: Record<string, string>;
  /** Classes VS Code puts on <body> (e.g. `vscode-dark`, `vscode-high-contrast`). */
  bodyClasses?: string[];
  reducedMotion?: boolean;
}

export interface PanelPage {
  page: Page;
  /** Delivers one host message with window.postMessage; resolves after the webview's listener ran. */
  post(msg: HostMessage): Promise<void>;
  /** Same, for anything at all (invalid messages). */
  postRaw(data: unknown): Promise<void>;
  /** Delivers many messages in one round trip (large sessions). */
  postMany(msgs: HostMessage[]): Promise<void>;
  /** Everything the webview posted so far, in order. */
  posted(): WebviewMessage[];
  /** The first posted message (from `since` on) matching `pred`, waiting up to `timeoutMs`. */
  waitForPosted(pred: (m: WebviewMessage) => boolean, timeoutMs?: number, since?: number): Promise<WebviewMessage>;
  /** The saved webview state (acquireVsCodeApi().setState). */
  state(): Promise<unknown>;
  /** CSP violations, console errors and uncaught page errors, in order. */
  problems(): string[];
  /** Reloads the page as new (saved state back to the opening one), clears the records, waits for `ready`. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

let bundleDir: Promise<string> | null = null;

/** Bundles the panel (main.ts) and the standalone pages (viewerMain.ts) once per process, as `npm run build` does. */
export function buildWebviewBundle(): Promise<string> {
  bundleDir ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dialogue-webview-'));
    process.once('exit', () => void rm(dir, { recursive: true, force: true }));
    await Promise.all([['main.ts', 'webview.js'], ['viewerMain.ts', 'viewer.js']].map(([entry, out]) =>
      esbuild.build({
        entryPoints: [join(ROOT, 'src/webview', entry!)],
        outfile: join(dir, out!),
        bundle: true, platform: 'browser', format: 'iife', target: 'es2022', logLevel: 'silent', legalComments: 'none',
      }),
    ));
    return dir;
  })();
  return bundleDir;
}

export function launchPanelBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

async function serve(theme: Theme, title: string): Promise<{ server: Server; origin: string }> {
  const dir = await buildWebviewBundle();
  const server = createServer((req, res) => {
    void (async () => {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const path = new URL(req.url ?? '/', origin).pathname;
      try {
        if (path === '/') {
          const html = renderWebviewHtml({
            cspSource: origin, nonce: makeNonce(), scriptUri: `${origin}/webview.js`, styleUri: `${origin}/panel.css`,
            viewerStyleUri: `${origin}/viewer.css`, theme, title,
          });
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
        } else if (path === '/webview.js') {
          res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(await readFile(join(dir, 'webview.js')));
        } else if (path === '/panel.css' || path === '/viewer.css') {
          // Read per request: CSS edits show up without rebuilding anything.
          res.writeHead(200, { 'content-type': 'text/css; charset=utf-8' }).end(await readFile(join(ROOT, 'media', path.slice(1))));
        } else {
          res.writeHead(404).end();
        }
      } catch (err) {
        res.writeHead(500).end(String(err));
      }
    })();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

interface InitScriptArgs {
  state: Record<string, unknown> | null;
  vars: Record<string, string>;
  bodyClasses: string[];
}

// Runs in the page before any of its scripts: the VS Code webview API as the panel sees it.
function fakeVsCodeApi(args: InitScriptArgs): void {
  const w = window as unknown as Record<string, unknown> & {
    __dpPosted(m: unknown): void; __dpProblem(p: string): void; __dpState: unknown;
  };
  let acquired = false;
  w.__dpState = args.state ?? undefined;
  w.acquireVsCodeApi = () => {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return Object.freeze({
      postMessage: (m: unknown) => { w.__dpPosted(JSON.parse(JSON.stringify(m))); },
      getState: () => w.__dpState,
      setState: (s: unknown) => { w.__dpState = s; return s; },
    });
  };
  document.addEventListener('securitypolicyviolation', (e) => {
    w.__dpProblem(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`);
  });
  // <html> and <body> do not exist yet when init scripts run; VS Code's own values are in place before the
  // panel's first paint, and DOMContentLoaded comes before that too.
  document.addEventListener('DOMContentLoaded', () => {
    for (const [k, v] of Object.entries(args.vars)) document.documentElement.style.setProperty(k, v);
    if (args.bodyClasses.length) document.body.classList.add(...args.bodyClasses);
  });
}

/** Opens the panel page and waits until the webview has said `ready`. */
export async function openPanelPage(o: PanelPageOptions = {}): Promise<PanelPage> {
  const ownBrowser = o.browser ? null : await launchPanelBrowser();
  const browser = o.browser ?? ownBrowser!;
  const { server, origin } = await serve(o.theme ?? 'cream', o.title ?? 'Dialogue Panel');
  const context = await browser.newContext({
    viewport: o.viewport ?? { width: 1100, height: 720 },
    reducedMotion: o.reducedMotion ? 'reduce' : 'no-preference',
  });
  const close = async (): Promise<void> => {
    await context.close();
    await new Promise<void>((ok) => server.close(() => ok()));
    if (ownBrowser) await ownBrowser.close();
  };
  try {
    return await preparePage(context, origin, o, close);
  } catch (err) {
    await close();
    throw err;
  }
}

async function preparePage(
  context: BrowserContext, origin: string, o: PanelPageOptions, close: () => Promise<void>,
): Promise<PanelPage> {
  const page = await context.newPage();
  const posted: WebviewMessage[] = [];
  const problems: string[] = [];
  await page.exposeFunction('__dpPosted', (m: WebviewMessage) => { posted.push(m); });
  await page.exposeFunction('__dpProblem', (p: string) => { problems.push(p); });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // Nothing may leave the local server: a request elsewhere is a bug (and CSP should have stopped it).
  await context.route((url) => !url.href.startsWith(origin), (route) => {
    problems.push(`request outside the panel: ${route.request().url()}`);
    void route.abort();
  });
  // tsx compiles this file with keepNames, so functions shipped to the page call esbuild's `__name` helper.
  await page.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
  await page.addInitScript(fakeVsCodeApi, { state: o.state ?? null, vars: o.vscodeVars ?? {}, bodyClasses: o.bodyClasses ?? [] });
  await page.goto(`${origin}/`);

  const waitForPosted = async (pred: (m: WebviewMessage) => boolean, timeoutMs = 3000, since = 0): Promise<WebviewMessage> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = posted.slice(since).find(pred);
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(`webview did not post the expected message; posted: ${JSON.stringify(posted.slice(since))}; problems: ${JSON.stringify(problems)}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  await waitForPosted((m) => m.type === 'ready');

  // Resolves from a listener added after the webview's own, so the webview has handled the message by then.
  const deliver = (batch: unknown[]): Promise<void> => page.evaluate((msgs) => new Promise<void>((done) => {
    let left = msgs.length;
    if (left === 0) return done();
    const seen = (): void => {
      if (--left === 0) { window.removeEventListener('message', seen); done(); }
    };
    window.addEventListener('message', seen);
    for (const m of msgs) window.postMessage(m, '*');
  }), batch);

  return {
    page,
    post: (msg) => deliver([msg]),
    postRaw: (data) => deliver([data]),
    postMany: (msgs) => deliver(msgs),
    posted: () => posted.slice(),
    waitForPosted,
    state: () => page.evaluate(() => (window as unknown as { __dpState: unknown }).__dpState),
    problems: () => problems.slice(),
    reset: async () => {
      posted.length = 0;
      problems.length = 0;
      await page.reload();
      await waitForPosted((m) => m.type === 'ready');
    },
    close,
  };
}
