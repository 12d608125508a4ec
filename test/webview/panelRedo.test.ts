import { strict as assert } from 'node:assert';
import { answeredTurn, BERTH_QUESTION, eventMessage, historyEvents, initMessage, regeneratedEvents, stamp } from './panelFixtures';
import type { PanelPage } from './panelHarness';
import { usePanelPage } from './panelSuite';

/** Seq numbers for events sent after regeneratedEvents() (which ends well below this). */
const NEXT_SEQ = 100;

describe('panel webview: regenerate, edit, rewind and samples (headless Chromium, scripted host)', function () {
  const suite = usePanelPage();
  const { button, input, postedSince } = suite;
  let panel: PanelPage;
  beforeEach(() => { panel = suite.panel; });

  // textContent, not innerText: history scrolled out of view is skipped by content-visibility and has no
  // rendered text, yet it is there for the reader who scrolls back.
  /** The floor lines and response texts a reader sees, top to bottom. */
  const visibleLine = (): Promise<string[]> => panel.page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.floor-text, .msg .msg-text')]
      .filter((e) => e.checkVisibility())
      .map((e) => (e.textContent ?? '').trim()));
  const markers = (): Promise<string[]> => panel.page.locator('.sup-marker summary').allTextContents();
  const turnVisible = (turn: number): Promise<boolean> =>
    panel.page.locator(`.msg[data-turn="${turn}"]`).first().evaluate((e) => e.checkVisibility());
  /** A <details> toggle settles on its `toggle` event, a task after the click: poll rather than read once. */
  const settlesVisible = async (turn: number, want: boolean): Promise<boolean> => {
    for (let i = 0; i < 40 && (await turnVisible(turn)) !== want; i++) await panel.page.waitForTimeout(25);
    return turnVisible(turn);
  };

  it('collapses a superseded turn behind a marker, keeps it in the DOM, and shows it on demand', async () => {
    await panel.post(initMessage({ events: regeneratedEvents() }));
    assert.equal(await panel.page.locator('.msg[data-turn="3"]').count(), 2, 'the superseded sample is never removed');
    assert.equal(await turnVisible(3), false, 'collapsed');
    assert.deepEqual((await visibleLine()).filter((t) => t.startsWith('Suppose')), [BERTH_QUESTION], 'the line is asked once in the live line');
    const live = await visibleLine();
    assert.equal(live.at(-1), 'And clause nine depends on the 2027 review.', 'the live sample ends the chat');
    assert.ok(!live.some((t) => t.includes('severance package')), 'nothing of the superseded sample shows');

    const marker = panel.page.locator('.sup-marker summary');
    assert.deepEqual(await markers(), ['Superseded turn · regenerated']);
    await marker.click();
    assert.equal(await settlesVisible(3, true), true, 'shown after the toggle');
    // Shown in the muted tone (not faded with opacity, which took the text under AA contrast).
    const [textColor, muted] = await panel.page.locator('.msg[data-turn="3"] .msg-text').first().evaluate((e) => [
      getComputedStyle(e).color, getComputedStyle(document.body).getPropertyValue('--muted').trim(),
    ]);
    const mutedRgb = await panel.page.evaluate((c) => { const d = document.createElement('div'); d.style.color = c; document.body.append(d); const v = getComputedStyle(d).color; d.remove(); return v; }, muted!);
    assert.equal(textColor, mutedRgb, 'shown in the muted tone');
    await marker.click();
    assert.equal(await settlesVisible(3, false), false, 'collapsed again');

    // The drawer marks the superseded confer the same way: collapsed, with a toggle.
    await button('Deliberation').click();
    const section3 = panel.page.locator('.confer-turn[data-turn="3"]');
    assert.match(await section3.locator('h3').innerText(), /Turn 3\s*superseded/);
    assert.equal(await section3.locator('.confer-line').first().isVisible(), false);
    assert.equal(await panel.page.locator('.confer-turn[data-turn="4"] .confer-line').first().isVisible(), true);
    await button('Show superseded turn 3').click();
    assert.equal(await section3.locator('.confer-line').first().isVisible(), true);
    assert.equal(await button('Hide superseded turn 3').getAttribute('aria-expanded'), 'true');
  });

  it('flips between the samples of the last turn in place; only the last live turn can flip', async () => {
    await panel.post(initMessage({ events: regeneratedEvents() }));
    const prev = button('Previous sample');
    const next = button('Next sample');
    assert.equal(await prev.count(), 1);
    assert.equal(await panel.page.locator('.turn[data-turn="4"] .swiper').count(), 1, 'the switcher sits on the last live turn');
    assert.equal(await panel.page.locator('.sample-count').innerText(), '2 / 2');
    assert.ok(await next.isDisabled(), 'no sample after the last');
    const liveTop = (): Promise<number> => panel.page.evaluate(() => {
      const list = document.querySelector('.stream-list')!.getBoundingClientRect().top;
      const first = [...document.querySelectorAll<HTMLElement>('.turn-group[data-group="3"] .msg')].find((e) => e.checkVisibility())!;
      return first.getBoundingClientRect().top - list;
    });
    const before = await liveTop();

    const n = panel.posted().length;
    await prev.click();
    assert.deepEqual(await panel.waitForPosted((m) => m.type === 'selectSample', 3000, n), { type: 'selectSample', turn: 3 });
    assert.equal(await turnVisible(4), true, 'nothing changes until the host answers');
    await panel.post(eventMessage({ type: 'supersede', turn: 4, reason: 'select', turns: [4], restored: [3] }, NEXT_SEQ));
    assert.equal(await settlesVisible(3, true), true, 'the chosen sample shows');
    assert.equal(await settlesVisible(4, false), false, 'the other one is collapsed');
    assert.equal(Math.round(await liveTop()), Math.round(before), 'in the same place');
    assert.equal(await panel.page.locator('.sample-count').innerText(), '1 / 2');
    assert.ok(await prev.isDisabled());
    assert.ok(await next.isEnabled());
    assert.ok(await next.evaluate((e) => e === document.activeElement), 'focus stays on the switcher (on the step still possible)');
    assert.deepEqual(await markers(), ['Superseded turn · another sample chosen']);
    await next.click();
    assert.deepEqual(postedSince(n).filter((m) => m.type === 'selectSample')[1], { type: 'selectSample', turn: 4 });

    // A new line: its turn has one sample, and the earlier turn can no longer flip.
    await panel.post(eventMessage({ type: 'human-speak', turn: 5, text: 'Next question.', target: null }, NEXT_SEQ + 1));
    await panel.post(eventMessage({ type: 'floor', turn: 5 }, NEXT_SEQ + 2));
    assert.equal(await prev.isVisible(), false);
    assert.equal(await panel.page.locator('.turn[data-turn="5"] .regenerate').count(), 1, 'Regenerate moved to the new last turn');
  });

  it('Regenerate posts regenerate, only on the last live turn, and is disabled while answering or read-only', async () => {
    await panel.post(initMessage());
    const regenerate = button('Regenerate');
    assert.equal(await regenerate.count(), 1);
    assert.equal(await panel.page.locator('.turn[data-turn="2"] .regenerate').count(), 1);
    assert.equal(await prev().isVisible(), false, 'one sample: no switcher');
    const n = panel.posted().length;
    await regenerate.click();
    assert.deepEqual(await panel.waitForPosted((m) => m.type === 'regenerate', 3000, n), { type: 'regenerate' });

    await panel.post({ type: 'answering', answering: true });
    assert.ok(await regenerate.isDisabled());
    assert.ok(await button('Edit last line').isDisabled());
    assert.ok(await button('Rewind to here').isDisabled());
    await panel.post({ type: 'answering', answering: false });
    assert.ok(await regenerate.isEnabled());
    await panel.post({ type: 'readOnly', readOnly: true, canContinue: true });
    assert.ok(await regenerate.isDisabled());
    assert.ok(await button('Rewind to here').isDisabled());
    await regenerate.click({ force: true });
    assert.equal(postedSince(n).filter((m) => m.type === 'regenerate').length, 1, 'a disabled Regenerate posts nothing');
  });

  it('Edit last line: the line goes into the composer, Send posts edit, Esc cancels and brings the draft back', async () => {
    await panel.post(initMessage());
    await input().fill('half a thought');
    const edit = button('Edit last line');
    assert.equal(await edit.count(), 1);
    assert.equal(await panel.page.locator('.floor-line[data-turn="2"] .edit-last').count(), 1, 'on the last human line');
    await edit.click();
    assert.equal(await input().inputValue(), 'Ilse, does the zoning even allow it?');
    assert.ok(await input().evaluate((e) => e === document.activeElement));
    assert.match(await panel.page.locator('.edit-bar').innerText(), /Editing your last line/);
    await panel.page.keyboard.press('Escape');
    assert.equal(await input().inputValue(), 'half a thought', 'Esc restores the draft');
    assert.equal(await panel.page.locator('.edit-bar').isVisible(), false);

    const n = panel.posted().length;
    await edit.click();
    await input().fill('Ilse, does the zoning allow flats at all?');
    await button('Send').click();
    assert.deepEqual(await panel.waitForPosted((m) => m.type === 'edit', 3000, n), { type: 'edit', text: 'Ilse, does the zoning allow flats at all?' });
    assert.equal(postedSince(n).filter((m) => m.type === 'say').length, 0, 'an edit is not a new line');
    assert.equal(await input().inputValue(), 'half a thought', 'the draft comes back after sending');
    assert.equal((await panel.state() as { draft: string }).draft, 'half a thought', 'the edited words never became the saved draft');

    // The host answers: turn 3 re-asks turn 2 with the new words; turn 2 is superseded.
    await panel.post(eventMessage({ type: 'supersede', turn: 3, reason: 'edit', turns: [2] }, NEXT_SEQ));
    await panel.post(eventMessage({ type: 'human-speak', turn: 3, text: 'Ilse, does the zoning allow flats at all?', target: 'ilse', redo_of: 2, redo: 'edit' }, NEXT_SEQ + 1));
    assert.deepEqual(await markers(), ['Superseded turn · edited']);
    assert.deepEqual((await visibleLine()).slice(-1), ['Ilse, does the zoning allow flats at all?']);
    assert.equal(await panel.page.locator('.floor-line[data-turn="3"] .edit-last').count(), 1, 'Edit moved to the new line');
  });

  it('Rewind to here: preview, a confirmation listing what is superseded, Confirm posts rewind, Cancel does not', async () => {
    await panel.post(initMessage({ events: regeneratedEvents() }));
    const rewinds = panel.page.getByRole('button', { name: 'Rewind to here', exact: true });
    assert.equal(await rewinds.count(), 2, 'on turns 1 and 2: the earlier live lines, not the last, not the superseded');
    assert.deepEqual(await rewinds.evaluateAll((bs) => bs.map((b) => (b as HTMLElement).dataset.turn)), ['1', '2']);

    const n = panel.posted().length;
    await rewinds.first().click();
    assert.deepEqual(await panel.waitForPosted((m) => m.type === 'previewRewind', 3000, n), { type: 'previewRewind', turn: 1 });
    const dialog = panel.page.getByRole('dialog', { name: 'Rewind' });
    assert.ok(await dialog.isVisible());
    assert.ok(await button('Confirm rewind').isDisabled(), 'no confirming before the preview arrives');
    assert.match(await dialog.innerText(), /The council wants the old grain quay/, 'quotes the line it goes back to');
    // A preview for another rewind is not this one's.
    await panel.post({ type: 'rewindPreview', preview: { toTurn: 2, turns: [4], humanLines: 1, responses: 3, castChanges: [] } });
    assert.ok(await button('Confirm rewind').isDisabled());
    await panel.post({
      type: 'rewindPreview',
      preview: { toTurn: 1, turns: [2, 4], humanLines: 2, responses: 4, castChanges: [{ id: 'tomas', change: 'leave' }, { id: 'oskar', change: 'join' }] },
    });
    assert.deepEqual(await dialog.locator('li').allInnerTexts(),
      ['2 human lines superseded', '4 responses superseded', 'Cast: Tomás leaves, Oskar rejoins']);
    await button('Cancel').click();
    assert.equal(await dialog.isVisible(), false);
    assert.equal(postedSince(n).filter((m) => m.type === 'rewind').length, 0, 'Cancel posts nothing');

    await rewinds.first().click();
    await panel.post({ type: 'rewindPreview', preview: { toTurn: 1, turns: [2, 4], humanLines: 2, responses: 4, castChanges: [] } });
    assert.match(await dialog.innerText(), /No cast changes/);
    await panel.page.keyboard.press('Escape');
    assert.equal(await dialog.isVisible(), false, 'Esc cancels');
    await rewinds.first().click();
    await panel.post({ type: 'rewindPreview', preview: { toTurn: 1, turns: [2, 4], humanLines: 2, responses: 4, castChanges: [] } });
    await button('Confirm rewind').click();
    assert.deepEqual(await panel.waitForPosted((m) => m.type === 'rewind', 3000, n), { type: 'rewind', turn: 1 });
    assert.equal(await dialog.isVisible(), false);

    // The host's answer: turns 2 and 4 superseded, the roster put back.
    await panel.postMany(stamp([
      { type: 'supersede', turn: 4, reason: 'rewind', turns: [2, 4] },
      { type: 'leave', turn: 4, speaker: 'tomas', reason: 'rewind' },
      { type: 'join', turn: 4, speaker: 'oskar', profile_sha256: 'a'.repeat(64), reason: 'rewind' },
    ], NEXT_SEQ).map((event) => ({ type: 'event' as const, event })));
    assert.deepEqual(await markers(), ['3 superseded turns · rewound, regenerated'], 'one marker for the run');
    const line = await visibleLine();
    assert.equal(line[0], 'The council wants the old grain quay turned into flats by 2028. Who gains?');
    assert.ok(!line.some((t) => t.includes('zoning')), 'turn 2 is collapsed');
    assert.deepEqual(await panel.page.locator('.note.cast-change').allTextContents(), ['Tomás Reyes leaves the panel (rewind)', 'Oskar Lind rejoins the panel (rewind)']);
    assert.match(await panel.page.locator('.note.rewind').textContent() ?? '', /Rewound: 2 turns are superseded/);
    assert.equal(await panel.page.locator('.rewind-here').count(), 4, 'still in the DOM');
    assert.equal(await rewinds.count(), 0, 'turn 1 is now the last live turn, and the others are superseded');
    assert.equal(await panel.page.locator('.floor-line[data-turn="1"] .edit-last').count(), 1);
    assert.equal(await panel.page.locator('.turn[data-turn="1"] .regenerate').count(), 1);
  });

  it('a replay keeps the superseded markers usable while every action stays disabled', async () => {
    const events = [...regeneratedEvents(), ...stamp(answeredTurn(5, 'One more?', [['ilse', 'One more.']]), NEXT_SEQ)];
    await panel.post(initMessage({ events, readOnly: true, canContinue: false }));
    for (const name of ['Regenerate', 'Edit last line', 'Previous sample']) {
      assert.equal(await button(name).count(), name === 'Previous sample' ? 0 : 1, name);
    }
    assert.ok(await button('Regenerate').isDisabled());
    for (const b of await panel.page.getByRole('button', { name: 'Rewind to here', exact: true }).all()) assert.ok(await b.isDisabled());
    await panel.page.locator('.sup-marker summary').click();
    assert.equal(await turnVisible(3), true, 'reading is never disabled');
  });

  it('drops an edit in progress when another line becomes the last one', async () => {
    await panel.post(initMessage({ events: historyEvents() }));
    await button('Edit last line').click();
    assert.equal(await panel.page.locator('.edit-bar').isVisible(), true);
    await panel.post(eventMessage({ type: 'human-speak', turn: 3, text: 'From another window.', target: null }, NEXT_SEQ));
    assert.equal(await panel.page.locator('.edit-bar').isVisible(), false);
    assert.equal(await input().inputValue(), '');
  });

  const prev = () => button('Previous sample');
});
