// A whole session in the real workbench with the keyboard alone (no click anywhere, in VS Code or in the
// panel): the palette, the two quick picks, then inside the panel's frame Tab, Enter, Escape and arrows. At
// every stop inside the panel the focused control must show a ring with 3:1 contrast (WCAG 2.4.7, 1.4.11), and
// after each menu, dialog and banner focus lands somewhere a person can carry on from. The webview suite
// (test/webview/keyboardOnly.test.ts) covers the same path in every look against scripted host messages;
// this one proves it with the real host, the real stand-in and VS Code's own focus handling around the frame.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { focusRingOf, isVisibleRing } from '../../webview/focusRing';
import { openWorkbench } from '../runInCodeServer';
import { UI_ENV, type UiSession } from '../uiSession';
import { DialoguePanel, journalEvents, onlySessionFolder, saveScreenshot, startDialogueUiSession } from './dialoguePanel';

/** Keys pressed in one session stay well under this; more means Tab is cycling without reaching its target. */
const MAX_TAB_STOPS = 60;
/** How long focus may take to land after a key whose effect comes back from the host. */
const RING_SETTLE_MS = 2_000;

describe('A whole session with the keyboard only, in the real workbench', function () {
  this.timeout(120_000);
  this.bail(true);
  let session: UiSession;
  let page: Page;
  let panel: DialoguePanel;
  let frame: Frame;
  let workspace: string;
  let sessionDir: string;

  before(async function () {
    // Keyboard handling lives in the webview bundle, which both copies share: once per e2e run is enough.
    if (process.env[UI_ENV.copy] === 'installed') this.skip();
    session = await startDialogueUiSession();
    // A workspace of its own (the same sample characters), so the other UI files' session folders stay theirs.
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'dialogue-e2e-keyboard-'));
    fs.cpSync(path.join(session.target.workspace, 'characters'), path.join(workspace, 'characters'), { recursive: true });
    page = await openWorkbench(session.browser, { ...session.target, workspace });
    page.setDefaultTimeout(20_000);
    panel = new DialoguePanel(page);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await saveScreenshot(page, session.screenshotsDir, 'kb-failed').catch(() => undefined);
  });

  after(async () => {
    await page?.context().close();
    await session?.close();
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  /** The accessible name of what has focus inside the panel's frame. */
  const activeName = (): Promise<string> => frame.evaluate(() => {
    const a = document.activeElement as HTMLElement | null;
    return a?.getAttribute('aria-label') ?? a?.textContent?.trim() ?? '';
  });

  /**
   * Presses `key` with focus in the panel and checks that whatever then has focus there shows its ring. A key
   * that asks the host for something (Enter on Regenerate) settles only once the host has answered, so the ring
   * gets a moment to appear: focus left on <body> for good still fails.
   */
  async function press(key: string): Promise<void> {
    await page.keyboard.press(key);
    const deadline = Date.now() + RING_SETTLE_MS;
    let ring = await focusRingOf(frame);
    while (!isVisibleRing(ring) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      ring = await focusRingOf(frame);
    }
    assert.ok(isVisibleRing(ring), `after ${key}, no visible focus ring: ${JSON.stringify(ring)}`);
  }

  /** Tab (or Shift+Tab) until the control named `name` has focus; every stop on the way shows its ring. */
  async function tabTo(name: string | RegExp, back = false): Promise<void> {
    const matches = (actual: string): boolean => (typeof name === 'string' ? actual === name : name.test(actual));
    if (matches(await activeName())) return;
    for (let i = 0; i < MAX_TAB_STOPS; i++) {
      await press(back ? 'Shift+Tab' : 'Tab');
      if (matches(await activeName())) return;
    }
    assert.fail(`Tab never reached "${String(name)}" (last: "${await activeName()}")`);
  }

  /**
   * F1, the title typed, Enter: the palette as a keyboard user runs it. It lists the commands known when the
   * filter text changes, and a loaded machine can show the palette before the extension's contributions have
   * registered: like chooseCommand, retype (select all, type again) until the command is listed.
   */
  async function paletteByKeyboard(title: string): Promise<void> {
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input.input').first().waitFor();
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    const deadline = Date.now() + 60_000;
    for (;;) {
      await page.keyboard.press('ControlOrMeta+a');
      await page.keyboard.type(`>${title}`);
      try {
        await row.waitFor({ timeout: 1_000 });
        break;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`command "${title}" never appeared in the palette`, { cause: error });
      }
    }
    await page.keyboard.press('Enter');
  }

  /** Waits until the session's journal holds an event matching `test`. */
  async function journaled(what: string, test: (events: Awaited<ReturnType<typeof journalEvents>>) => boolean): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!test(await journalEvents(sessionDir))) {
      if (Date.now() > deadline) assert.fail(`the journal never showed ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('starts from the palette with the keyboard: F1, the brief by typing, the cast with Space, Enter', async () => {
    await paletteByKeyboard('Dialogue: Start Panel');
    const input = page.locator('.quick-input-widget input.input').first();

    const title = page.locator('.quick-input-widget .quick-input-title');
    await title.filter({ hasText: 'brief' }).waitFor();
    await page.keyboard.type('harbour');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'The harbour deal' }).first().waitFor();
    await page.keyboard.press('Enter');

    await title.filter({ hasText: 'cast' }).waitFor();
    // Enter with nobody ticked keeps the picker open and says why (issue 18's first-run edge).
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget', { hasText: 'Pick at least one member' }).waitFor();
    for (const name of ['Mara Voss', 'Oskar Lind', 'Ilse Brandt']) {
      await input.fill('');
      await page.keyboard.type(name);
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
      await row.waitFor();
      // Down moves from the filter into the list; Space ticks the focused row; the filter keeps the ticks.
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Space');
      await page.locator('.quick-input-list .monaco-list-row[aria-checked="true"]', { hasText: name }).waitFor();
    }
    await input.fill('');
    await input.focus();
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });

    await panel.waitUntilOpen();
    frame = await panel.contentFrame();
    sessionDir = onlySessionFolder(workspace);
  });

  it('reaches the composer with Tab and sends with Enter', async () => {
    // The panel opens with focus in its frame; Tab walks its controls, each with a ring, to the composer.
    await tabTo('Message the panel');
    await page.keyboard.type('Should the marina go ahead this year?');
    await press('Enter');
    await panel.floorReturns(1).waitFor();
    assert.equal(await activeName(), 'Message the panel', 'focus stays in the composer through the turn');
    await saveScreenshot(page, session.screenshotsDir, 'kb-01-sent');
  });

  it('addresses one member with @ + Tab', async () => {
    await page.keyboard.type('@os');
    await press('Tab');
    assert.equal(await activeName(), 'Message the panel', 'Tab completed the name instead of moving on');
    await page.keyboard.type('what do the dockworkers need in writing?');
    await press('Enter');
    assert.deepEqual(await panel.speakersOf(2), ['oskar']);
    const said = (await journalEvents(sessionDir)).find((e) => e.turn === 2 && e.type === 'human-speak');
    assert.ok(said?.type === 'human-speak' && said.target === 'oskar', `turn 2 floor line: ${JSON.stringify(said)}`);
  });

  it('opens and closes the Deliberation drawer; focus goes back to its toggle', async () => {
    await tabTo('Deliberation', true);
    await press('Enter');
    assert.equal(await panel.button('Deliberation').getAttribute('aria-expanded'), 'true');
    await tabTo('Close drawer');
    await press('Enter');
    assert.equal(await activeName(), 'Deliberation', 'focus back on the toggle');
    assert.equal(await panel.button('Deliberation').getAttribute('aria-expanded'), 'false');
  });

  it('retires a member with its ✕ and adds one from the ⊕ menu; both land at the next turn', async () => {
    await tabTo('Retire Ilse Brandt');
    await press('Enter');
    await frame.locator('li.chip.pending-retire[data-id="ilse"]').waitFor();
    await tabTo('Add character');
    await press('Enter');
    assert.ok((await activeName()).length > 0, 'the menu opens with focus on its first item');
    for (let i = 0; i < 10 && !/Tomás Reyes/.test(await activeName()); i++) await press('ArrowDown');
    assert.match(await activeName(), /Tomás Reyes/);
    await press('Enter');
    assert.equal(await activeName(), 'Add character', 'focus back on ⊕ after choosing');
    await frame.locator('li.chip.pending-join[data-id="tomas"]').waitFor();

    // Forward: the composer comes after the roster; Shift+Tab from here would leave the frame for the workbench.
    await tabTo('Message the panel');
    await page.keyboard.type('Who else should be at this table?');
    await press('Enter');
    const speakers = await panel.speakersOf(3);
    assert.ok(speakers.includes('tomas') && !speakers.includes('ilse'), `turn 3 speakers: ${speakers.join(', ')}`);
  });

  it('stops the panel mid-stream with Escape; the floor returns to the composer', async () => {
    await page.keyboard.type('Give me your final positions, one by one.');
    await press('Enter');
    await panel.messages(4).first().waitFor();
    await press('Escape');
    await frame.locator('.error-line.kind-stopped').waitFor();
    await panel.button('Stop').waitFor({ state: 'hidden' });
    await journaled('turn 4 stopped', (events) => events.some((e) => e.turn === 4 && e.type === 'error' && e.kind === 'stopped'));
    assert.equal(await activeName(), 'Message the panel');
  });

  it('regenerates the last turn from its tools', async () => {
    await tabTo('Regenerate', true);
    await press('Enter');
    await journaled('turn 4 regenerated', (events) => events.some((e) => e.type === 'human-speak' && e.redo === 'regenerate' && e.redo_of === 4));
    await frame.locator('.floor-return').last().waitFor();
    await journaled('the regenerated turn to end', (events) => events.at(-1)?.type === 'floor');
    await saveScreenshot(page, session.screenshotsDir, 'kb-02-regenerated');
  });

  it('rewinds with its dialog: it opens on Cancel, Escape returns focus, Confirm rewinds', async () => {
    await tabTo('Rewind to here', true);
    await press('Enter');
    await frame.getByRole('dialog').waitFor();
    assert.equal(await activeName(), 'Cancel', 'the dialog opens on its safe choice');
    await press('Escape');
    assert.equal(await frame.getByRole('dialog').count(), 0);
    assert.equal(await activeName(), 'Rewind to here', 'focus back where the rewind was asked');

    await press('Enter');
    await frame.getByRole('dialog').waitFor();
    await tabTo('Confirm rewind');
    const before = (await journalEvents(sessionDir)).length;
    await press('Enter');
    await journaled('a rewind', (events) => events.length > before && events.slice(before).some((e) => e.type === 'supersede' && e.reason === 'rewind'));
    assert.equal(await frame.getByRole('dialog').count(), 0);
    assert.equal(await activeName(), 'Message the panel', 'after the rewind, focus in the composer');
  });

  it('a banner is reached with Tab and acted on with Enter; focus goes on to the composer', async () => {
    await tabTo('Message the panel');
    await page.keyboard.type('Tell me the one thing REFUSE-ME you would never say.');
    await press('Enter');
    await frame.locator('.banner-text', { hasText: 'The model declined this turn' }).waitFor();
    await tabTo('Edit your line', true);
    await press('Enter');
    assert.equal(await activeName(), 'Message the panel', 'editing the refused line puts focus in the composer');
    assert.match(await panel.input.inputValue(), /REFUSE-ME/);
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('Tell me the one thing you would never say.');
    await press('Enter');
    await journaled('the rephrased turn to end', (events) => events.at(-1)?.type === 'floor' && events.some((e) => e.type === 'human-speak' && e.redo === 'edit'));
  });

  it('closes the session from the palette with the keyboard', async () => {
    await paletteByKeyboard('Dialogue: Close Session');
    await panel.frame.getByText('Replay of a closed session').waitFor();
    assert.equal(fs.existsSync(path.join(sessionDir, 'event-log.json')), true);
    await saveScreenshot(page, session.screenshotsDir, 'kb-03-closed');
  });
});
