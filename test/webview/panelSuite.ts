import { strict as assert } from 'node:assert';
import type { Browser, Locator } from 'playwright-core';
import type { HostMessage, StreamPart, WebviewMessage } from '../../src/protocol';
import { launchPanelBrowser, openPanelPage, type PanelPage } from './panelHarness';

/** Shared mocha wiring for the panel test files: one browser and page per file, reloaded before each test. */
export interface PanelSuite {
  readonly browser: Browser;
  readonly panel: PanelPage;
  /** Problems the current test provokes on purpose; any other problem fails it. */
  expectProblems(...patterns: RegExp[]): void;
  button(name: string): Locator;
  input(): Locator;
  text(selector: string): Promise<string[]>;
  postedSince(n: number): WebviewMessage[];
}

/** A stream part as the host would send it. */
export const part = (p: Omit<StreamPart, 'type'>): HostMessage => ({ type: 'stream', ...p });

/** Call inside `describe`: registers the hooks and returns accessors valid inside tests. */
export function usePanelPage(): PanelSuite {
  let browser: Browser | undefined;
  let panel: PanelPage | undefined;
  let expected: RegExp[] = [];

  // Reloading costs a fraction of opening a fresh page, and gives each test the same clean start.
  before(async () => {
    browser = await launchPanelBrowser();
    panel = await openPanelPage({ browser });
  });
  after(async () => {
    await panel?.close();
    await browser?.close();
  });
  beforeEach(async () => {
    expected = [];
    await panel!.reset();
  });
  afterEach(() => {
    const problems = panel!.problems().filter((p) => !expected.some((re) => re.test(p)));
    assert.deepEqual(problems, [], 'no CSP violations, console errors or page errors');
  });

  return {
    get browser() { return browser!; },
    get panel() { return panel!; },
    expectProblems: (...patterns) => { expected = patterns; },
    button: (name) => panel!.page.getByRole('button', { name, exact: true }),
    input: () => panel!.page.getByRole('textbox', { name: 'Message the panel', exact: true }),
    text: (selector) => panel!.page.locator(selector).allInnerTexts(),
    postedSince: (n) => panel!.posted().slice(n),
  };
}
