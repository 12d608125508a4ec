// Export and publish as a researcher reaches them: the command palette, the session quick pick, VS Code's own
// save dialog, and the notifications that answer. A closed session is laid in the workspace's sessions folder
// first (the store writes it, as a closed panel would).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { SessionJournal } from '../../../src/engine/store/sessionJournal';
import { chooseCommand, openWorkbench } from '../runInCodeServer';
import type { UiSession } from '../uiSession';
import { saveScreenshot, startDialogueUiSession } from './dialoguePanel';

const TITLE = 'The lighthouse ledger';

/** A closed one-turn session in `sessionsDir`; returns its folder. */
async function closedSession(sessionsDir: string): Promise<string> {
  const journal = await SessionJournal.create(sessionsDir, { session_id: '', title: TITLE, started_at: new Date().toISOString(), model: 'claude-sonnet-5-5', brief: null });
  journal.noteParticipant({ id: 'mara', name: 'Mara Voss', glyph: 'M', color: '#c0563f' });
  journal.append({ type: 'intro', turn: 0, brief: null, cast: ['mara'] });
  journal.append({ type: 'human-speak', turn: 1, text: 'Who keeps the lighthouse ledger?', target: null });
  journal.append({ type: 'speak', turn: 1, speaker: 'mara', text: 'The harbour master, in ink.', order: 1, truncated: false });
  journal.append({ type: 'cost', turn: 1, model: 'claude-sonnet-5-5', input_tokens: 100, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 20, usd: 0.001 });
  journal.append({ type: 'floor', turn: 1 });
  await journal.close();
  return journal.dir;
}

describe('Export and publish from the palette', function () {
  this.timeout(90_000);
  this.bail(true);
  let session: UiSession;
  let page: Page;
  let sessionDir: string;

  const shot = async (step: string): Promise<void> => {
    console.log(`      screenshot: ${await saveScreenshot(page, session.screenshotsDir, step)}`);
  };
  const toast = (text: string | RegExp) => page.locator('.notification-toast', { hasText: text });

  before(async () => {
    session = await startDialogueUiSession();
    sessionDir = await closedSession(path.join(session.target.workspace, 'sessions'));
    page = await openWorkbench(session.browser, session.target);
    page.setDefaultTimeout(20_000);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await shot(`failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 40)}`).catch(() => undefined);
  });

  after(async () => {
    await page?.context().close();
    await session?.close();
  });

  it('"Dialogue: Export Session as One HTML File": pick the session, accept the offered file, get one page', async () => {
    await chooseCommand(page, 'Dialogue: Export Session as One HTML File');
    const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Export a session' }).waitFor();
    await rows.filter({ hasText: TITLE }).first().click();
    // VS Code's own save dialog (in the browser: its path box) opens on <session-id>.html beside the folder.
    const expected = `${sessionDir}.html`;
    const pathBox = page.locator('.quick-input-widget input.input').first();
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'as one HTML file' }).waitFor();
    await page.waitForFunction((want) => (document.querySelector('.quick-input-widget input.input') as HTMLInputElement | null)?.value.endsWith(want), path.basename(expected));
    await shot('export-01-save-dialog');
    await pathBox.press('Enter');
    await toast(/exported "The lighthouse ledger"/).waitFor();
    for (const name of ['Open', 'Reveal']) await toast(/exported/).getByRole('button', { name }).waitFor();
    await shot('export-02-exported');
    const html = fs.readFileSync(expected, 'utf8');
    assert.ok(html.includes(`<title>${TITLE}</title>`), 'the page carries the session title');
    assert.match(html, /Who keeps the lighthouse ledger\?/);
  });

  it('"Dialogue: Publish Session" says plainly why it cannot (Git is off in this window) and commits nothing', async () => {
    const head = (): string => execFileSync('git', ['rev-parse', 'HEAD'], { cwd: session.target.workspace, encoding: 'utf8' });
    const before = head();
    await chooseCommand(page, 'Dialogue: Publish Session');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Publish a session' }).waitFor();
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: TITLE }).first().click();
    await toast(/cannot publish while Git is turned off/).waitFor();
    await shot('export-03-publish-refused');
    assert.equal(head(), before);
  });
});
