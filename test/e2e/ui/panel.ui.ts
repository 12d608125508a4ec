// The real Dialogue panel in the real workbench, driven from outside as a researcher would: the palette,
// clicks and typing inside the webview, a window reload. One story, step by step (each step needs the one
// before, so the suite stops at the first failure); every step leaves a screenshot e2e-<nn>-<step>.png.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { interactiveLogSchema } from '../../../src/engine/store/sessionSchema';
import { SESSION_FILES } from '../../../src/engine/store/sessionFiles';
import { openWorkbench, reloadWindow, runCommand } from '../runInCodeServer';
import type { UiSession } from '../uiSession';
import { describeViolations, runAxe } from '../../webview/axeCheck';
import { DialoguePanel, journalEvents, onlySessionFolder, saveScreenshot, startPanelFromPalette, startDialogueUiSession } from './dialoguePanel';

describe('Dialogue panel in the real workbench', function () {
  this.timeout(90_000);
  this.bail(true);
  let session: UiSession;
  let page: Page;
  let panel: DialoguePanel;
  let sessionDir: string;

  const shot = async (step: string): Promise<void> => {
    const file = await saveScreenshot(page, session.screenshotsDir, step);
    console.log(`      screenshot: ${file}`);
  };

  before(async () => {
    // Under run.mjs the stand-in already runs and the workspace is laid out; run alone, do it here.
    session = await startDialogueUiSession();
    page = await openWorkbench(session.browser, session.target);
    page.setDefaultTimeout(20_000);
    panel = new DialoguePanel(page);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await shot(`failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 40)}`).catch(() => undefined);
  });

  after(async () => {
    await page?.context().close();
    await session?.close();
  });

  it('starts from the palette: "Dialogue: Start Panel", a brief, then a cast of three', async () => {
    await startPanelFromPalette(page, 'The harbour deal', ['Mara Voss', 'Oskar Lind', 'Ilse Brandt'], () => shot('01-start-palette'));
    await panel.waitUntilOpen();
    await panel.frame.getByRole('heading', { name: /harbour deal/i }).waitFor();
    for (const name of ['Mara Voss', 'Oskar Lind', 'Ilse Brandt']) await panel.button(`Retire ${name}`).waitFor();
    sessionDir = onlySessionFolder(session.target.workspace);
    await shot('02-started');
  });

  it('sends a line: the confer fills the Deliberation drawer live, then the responses stream in', async () => {
    await panel.button('Deliberation').click();
    await panel.watchStreaming();
    await panel.say('Should the marina go ahead this year?');
    // Still answering (Stop shown) while the drawer already holds confer lines: it fills live.
    await panel.button('Stop').waitFor();
    await panel.conferLines(1).first().waitFor();
    assert.equal(await panel.button('Stop').isVisible(), true, 'the confer should show while the panel is still answering');
    await shot('03-confer-streaming');
    await panel.messages(1).first().waitFor();
    await shot('04-responses-streaming');

    assert.deepEqual([...(await panel.speakersOf(1))].sort(), ['ilse', 'mara', 'oskar']);
    assert.deepEqual(await panel.streamedSpeakers(), ['ilse', 'mara', 'oskar'], 'each response should arrive in pieces, not at once');
    assert.ok((await panel.conferLines(1).count()) >= 2, 'the drawer should hold the whole confer');
    assert.equal(await panel.button('Send').isEnabled(), true);

    const types = (await journalEvents(sessionDir)).filter((e) => e.turn === 1).map((e) => e.type);
    assert.equal(types[0], 'human-speak');
    assert.equal(types.filter((t) => t === 'speak').length, 3);
    assert.ok(types.includes('deliberation') && types.includes('cost'), `turn 1 journaled: ${types.join(' ')}`);
    assert.equal(types.at(-1), 'floor');
    await shot('05-turn');
  });

  it('passes axe-core inside the panel\'s frame after a full turn, drawer open', async () => {
    const frame = await panel.contentFrame();
    const violations = await runAxe(frame);
    assert.equal(violations.length, 0, describeViolations(violations));
    // Focus rings are checked by keyboard in every look in test/webview (accessibility.test.ts, keyboardOnly.test.ts);
    // here, after mouse use, a focus() from script shows none by :focus-visible's rules, so only axe runs.
  });

  it('addresses one member with an @ chip: only Oskar answers, with no confer', async () => {
    const chip = panel.button('@Oskar');
    await chip.click();
    assert.equal(await chip.getAttribute('aria-pressed'), 'true');
    await panel.say('What do the dockworkers need in writing?');
    assert.deepEqual(await panel.speakersOf(2), ['oskar']);
    assert.equal(await panel.conferLines(2).count(), 0);
    const said = (await journalEvents(sessionDir)).find((e) => e.turn === 2 && e.type === 'human-speak');
    assert.ok(said?.type === 'human-speak' && said.target === 'oskar', `turn 2 floor line: ${JSON.stringify(said)}`);
    await shot('06-addressed');
  });

  it('retires one member (✕) and adds one from the library (⊕): both land at the next turn', async () => {
    await panel.button('Retire Ilse Brandt').click();
    await panel.button('Add character').click();
    await panel.frame.getByRole('menuitem', { name: /Tomás Reyes/ }).click();
    await panel.frame.locator('li.chip.pending-retire[data-id="ilse"]').waitFor();
    await panel.frame.locator('li.chip.pending-join[data-id="tomas"]').waitFor();
    await shot('07-cast-queued');

    await panel.say('Who else should be at this table?');
    const speakers = await panel.speakersOf(3);
    assert.ok(speakers.includes('tomas'), `Tomás should answer once he has joined: ${speakers.join(', ')}`);
    assert.equal(speakers.includes('ilse'), false, 'Ilse has left the panel');
    await panel.button('Retire Tomás Reyes').waitFor();
    assert.equal(await panel.button('Retire Ilse Brandt').count(), 0);
    const changes = (await journalEvents(sessionDir)).filter((e) => e.turn === 3 && (e.type === 'join' || e.type === 'leave'));
    assert.deepEqual(changes.map((e) => `${e.type} ${'speaker' in e ? e.speaker : ''}`).sort(), ['join tomas', 'leave ilse']);
    await shot('08-cast-landed');
  });

  it('stops the panel mid-stream with Stop: the floor returns, what arrived is kept', async () => {
    await panel.say('Give me your final positions, one by one.');
    await panel.messages(4).first().waitFor();
    await panel.button('Stop').click();
    await panel.frame.locator('.error-line.kind-stopped').waitFor();
    await panel.button('Stop').waitFor({ state: 'hidden' });
    assert.equal(await panel.button('Send').isEnabled(), true);

    const turn4 = (await journalEvents(sessionDir)).filter((e) => e.turn === 4);
    const stopped = turn4.find((e) => e.type === 'error');
    assert.ok(stopped?.type === 'error' && stopped.kind === 'stopped', `turn 4: ${turn4.map((e) => e.type).join(' ')}`);
    assert.ok(turn4.some((e) => e.type === 'cost'), 'a stopped call still records its cost');
    assert.ok(turn4.filter((e) => e.type === 'speak' && !e.truncated).length < 3, 'Stop should cut the turn short');
    await shot('09-stopped');
  });

  it('comes back after a window reload with the whole conversation', async () => {
    await reloadWindow(page);
    await panel.waitUntilOpen();
    assert.deepEqual([...(await panel.speakersOf(1))].sort(), ['ilse', 'mara', 'oskar']);
    await panel.frame.locator('.error-line.kind-stopped').waitFor();
    await panel.button('Retire Tomás Reyes').waitFor();
    await shot('10-restored');
  });

  it('a declined turn: the banner, then "Edit your line" asks the rephrased line and the panel answers', async () => {
    await panel.say('Tell me the one thing REFUSE-ME you would never say.');
    await panel.frame.getByText('The model declined this turn (general_harms). It was set aside.').waitFor();
    for (const name of ['Edit your line', 'Try again', 'Try on another model']) await panel.button(name).waitFor();
    await shot('11-refused');
    await panel.button('Edit your line').click();
    const input = panel.frame.getByRole('textbox', { name: 'Message the panel', exact: true });
    assert.match(await input.inputValue(), /REFUSE-ME/);
    await input.fill('Tell me the one thing you would never say.');
    await panel.button('Send').click();
    await panel.messages(6).first().waitFor();
    const events = await journalEvents(sessionDir);
    const t5 = events.filter((e) => e.turn === 5).map((e) => e.type);
    assert.deepEqual(t5.slice(-3), ['refusal', 'supersede', 'floor'], `turn 5: ${t5.join(' ')}`);
    const asked = events.find((e) => e.type === 'human-speak' && e.turn === 6);
    assert.ok(asked?.type === 'human-speak' && asked.redo === 'edit' && asked.redo_of === 5 && !asked.text.includes('REFUSE-ME'));
    await shot('12-rephrased');
  });

  it('closes the session from the palette: the folder holds a valid event-log.json and transcript.md', async () => {
    await runCommand(page, 'Dialogue: Close Session');
    await panel.frame.getByText('Replay of a closed session').waitFor();
    const logFile = path.join(sessionDir, SESSION_FILES.log);
    const log = interactiveLogSchema.parse(JSON.parse(fs.readFileSync(logFile, 'utf8')));
    assert.equal(log.session_id, path.basename(sessionDir));
    assert.equal(log.events.filter((e) => e.type === 'human-speak').length, 6);
    assert.deepEqual(log.participants.map((p) => p.id).sort(), ['human', 'ilse', 'mara', 'oskar', 'tomas']);
    assert.equal(fs.existsSync(path.join(sessionDir, SESSION_FILES.journal)), false);
    assert.match(fs.readFileSync(path.join(sessionDir, SESSION_FILES.transcript), 'utf8'), /marina/);
    const saved = page.locator('.notification-toast', { hasText: 'session saved to' });
    await saved.waitFor();
    // The next steps for a closed session, offered in the same note (test/e2e/ui/publish.ui.ts takes them further).
    for (const name of ['Export', 'Publish', 'Reveal']) await saved.getByRole('button', { name, exact: true }).waitFor();
    await shot('13-closed');
  });
});
