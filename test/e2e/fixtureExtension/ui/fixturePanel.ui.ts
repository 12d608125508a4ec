// UI test for the harness's fixture extension: Playwright drives the real workbench from outside,
// as a person would (palette, clicks inside the webview, a window reload).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { openWorkbench, reloadWindow, runCommand, webviewFrame } from '../../runInCodeServer';
import { startUiSession, type UiSession } from '../../uiSession';

describe('fixture panel in the real workbench', function () {
  this.timeout(120_000);
  let session: UiSession;
  let page: Page;

  const screenshot = async (name: string): Promise<void> => {
    const file = path.join(session.screenshotsDir, `fixture-${name}.png`);
    await page.screenshot({ path: file });
    console.log(`      screenshot: ${file}`);
  };

  before(async () => {
    session = await startUiSession({ extensionDevelopmentPath: path.resolve(__dirname, '..') });
    page = await openWorkbench(session.browser, session.target);
    page.setDefaultTimeout(30_000);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await screenshot(`failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  after(async () => {
    await page?.context().close();
    await session?.close();
  });

  it('opens the webview from the command palette', async () => {
    await runCommand(page, 'Fixture: Open Hello Panel');
    await webviewFrame(page).getByRole('heading', { name: 'Hello from the fixture' }).waitFor();
    assert.equal(await webviewFrame(page).getByRole('status').textContent(), 'Waiting');
    await screenshot('1-opened');
  });

  it('round-trips a click through the extension host', async () => {
    await webviewFrame(page).getByRole('button', { name: 'Say hello' }).click();
    const status = webviewFrame(page).getByRole('status');
    await status.filter({ hasText: 'Host replied: hello 1' }).waitFor();
    await screenshot('2-clicked');
  });

  it('restores the panel after a window reload', async () => {
    await reloadWindow(page);
    const status = webviewFrame(page).getByRole('status');
    await status.filter({ hasText: 'Restored after 1 hello(s)' }).waitFor();
    await screenshot('3-restored');
  });
});
