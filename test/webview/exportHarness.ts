import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { viewerAssets, viewerStyleFiles } from '../../src/engine/export/viewerAssets';
import type { ViewerAssets } from '../../src/engine/export/viewerPage';
import { buildWebviewBundle } from './panelHarness';

const ROOT = resolve(__dirname, '../..');

/** The renderer as the exporter inlines it, from a fresh bundle of src/webview (so tests see current code). */
export async function freshAssets(): Promise<ViewerAssets> {
  const dir = await buildWebviewBundle();
  const script = await readFile(join(dir, 'viewer.js'), 'utf8');
  const styles = await Promise.all(viewerStyleFiles(ROOT).map((f) => readFile(f, 'utf8')));
  return viewerAssets(script, styles);
}

/** An exported page opened from file://, with everything that went wrong recorded. */
export interface OpenedExport {
  page: Page;
  /** requests to anything but file://, CSP violations, console errors, page errors. */
  problems: string[];
  close(): Promise<void>;
}

/**
 * Opens `file` from file:// in a fresh context. Every request that is not file:// is aborted and recorded
 * (a test fails on any); CSP violations are recorded through the page's own event.
 */
export async function openExport(browser: Browser, file: string, opts: { viewport?: { width: number; height: number }; media?: 'print' | 'screen'; waitForHistory?: boolean } = {}): Promise<OpenedExport> {
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1100, height: 800 } });
  const page = await context.newPage();
  const problems: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    problems.push(`request outside the file: ${url}`);
    return route.abort();
  });
  await page.exposeFunction('__dpProblem', (p: string) => { problems.push(p); });
  await page.addInitScript(() => {
    (window as unknown as { __pwned: unknown }).__pwned = 0;
    document.addEventListener('securitypolicyviolation', (e) => {
      void (window as unknown as { __dpProblem: (p: string) => void }).__dpProblem(`CSP violation: ${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
    });
  });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  if (opts.media) await page.emulateMedia({ media: opts.media });
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('#app > *');
  if (opts.waitForHistory !== false) await page.waitForSelector('body[data-history="complete"], body.site-index', { state: 'attached' });
  return { page, problems, close: () => context.close() };
}
