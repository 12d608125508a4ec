import { strict as assert } from 'node:assert';
import { eventMessage, historyEvents, initMessage, meter, stamp } from './panelFixtures';
import type { PanelPage } from './panelHarness';
import { usePanelPage } from './panelSuite';

describe('panel webview: context warnings and carry-over (headless Chromium, scripted host)', function () {
  const suite = usePanelPage();
  const { button, postedSince } = suite;
  let panel: PanelPage;
  beforeEach(() => { panel = suite.panel; });

  const carry = () => button('Carry over');
  const bannerCarry = () => button('Carry over to a fresh session');
  const prominent = () => carry().evaluate((e) => e.classList.contains('prominent'));

  it('offers a small Carry over in the sub-strip that posts carryOver, disabled while answering', async () => {
    await panel.post(initMessage());
    assert.ok(await carry().isVisible());
    assert.equal(await prominent(), false, 'small at 21%');
    assert.equal(await bannerCarry().count(), 0, 'no banner below 80%');
    assert.ok(await panel.page.locator('.roster-strip .carry-over').count() === 1, 'in the sub-strip');
    const n = panel.posted().length;
    await carry().click();
    assert.deepEqual(await panel.waitForPosted((m) => m.type === 'carryOver', 3000, n), { type: 'carryOver' });
    await panel.post({ type: 'answering', answering: true });
    assert.ok(await carry().isDisabled());
    await panel.post({ type: 'answering', answering: false });
    await panel.post({ type: 'readOnly', readOnly: true, canContinue: true });
    assert.equal(await carry().isVisible(), false, 'a replay cannot be carried over from the panel');
  });

  it('past 80% of the window: a warning banner with Carry over, and the strip button turns prominent', async () => {
    await panel.post(initMessage({ meter: meter({ contextTokens: 168_000 }) }));
    assert.equal(await prominent(), true);
    const banner = panel.page.locator('.banner.context-banner');
    assert.match(await banner.innerText(), /84% full \(168k of 200k tokens\)/);
    assert.ok(await banner.evaluate((e) => e.classList.contains('warning')));
    const n = panel.posted().length;
    await bannerCarry().click();
    assert.deepEqual(await panel.waitForPosted((m) => m.type === 'carryOver', 3000, n), { type: 'carryOver' });

    await panel.post({ type: 'meter', meter: meter({ contextTokens: 172_000 }) });
    assert.match(await banner.innerText(), /86% full/, 'updated in place');
    await panel.post({ type: 'answering', answering: true });
    assert.ok(await bannerCarry().isDisabled());
    await panel.post({ type: 'answering', answering: false });
    await panel.post({ type: 'clearBanner' });
    assert.equal(await banner.count(), 1, 'the host clearing its banners does not clear the meter’s');

    await banner.getByRole('button', { name: 'Dismiss' }).click();
    await panel.post({ type: 'meter', meter: meter({ contextTokens: 180_000 }) });
    assert.equal(await banner.count(), 0, 'dismissed stays dismissed at the same level');
    await panel.post({ type: 'meter', meter: meter({ contextTokens: 200_000 }) });
    assert.match(await banner.innerText(), /context is full/, 'back at the limit');
    assert.ok(await banner.evaluate((e) => e.classList.contains('error')));
    assert.equal(postedSince(n).filter((m) => m.type === 'carryOver').length, 1);

    // A fresh session (init) with a small context: no banner, a small button.
    await panel.post(initMessage({ meter: meter({ contextTokens: 3_000 }) }));
    assert.equal(await banner.count(), 0);
    assert.equal(await prominent(), false);
  });

  it('shows one banner when the host also warns: its own, with its Carry over action', async () => {
    await panel.post(initMessage({ meter: meter({ contextTokens: 168_000 }) }));
    await panel.post({ type: 'banner', level: 'warning', message: 'The context is at 84% of the model’s window.', actions: ['carryOver'] });
    assert.equal(await panel.page.locator('.banner').count(), 1);
    assert.equal(await panel.page.locator('.banner.context-banner').count(), 0);
    const n = panel.posted().length;
    await bannerCarry().click();
    assert.deepEqual(await panel.waitForPosted((m) => m.type === 'action', 3000, n), { type: 'action', action: 'carryOver' });
    await panel.post({ type: 'meter', meter: meter({ contextTokens: 170_000 }) });
    assert.equal(await panel.page.locator('.banner').count(), 1, 'the meter does not add a second one');
  });

  it('renders a context-warning anomaly as a warning notice, not a format note', async () => {
    await panel.post(initMessage());
    await panel.post(eventMessage({ type: 'anomaly', turn: 2, kind: 'context-warning', detail: 'context at 81% of the 200000-token window' }, 20));
    await panel.post(eventMessage({ type: 'anomaly', turn: 2, kind: 'stray-text', detail: 'Sure!' }, 21));
    const warning = panel.page.locator('.context-warning');
    assert.equal(await warning.count(), 1);
    assert.match(await warning.innerText(), /context at 81% of the 200000-token window/);
    assert.ok(await warning.isVisible(), 'not collapsed');
    assert.deepEqual(await panel.page.locator('details.anomaly summary').allInnerTexts(), ['Off-format reply (stray-text)']);
  });

  it('the intro of a carried-over session says what it continues, with the summary collapsed', async () => {
    const [, ...rest] = historyEvents();
    const summary = 'Mara stands by the **berth**. Oskar wants it in writing.\n\n- Ilse: the 2027 review decides <b>everything</b>';
    const events = [
      ...stamp([{ type: 'intro', turn: 0, brief: { id: 'harbour-deal', title: 'The harbour deal' }, cast: ['mara', 'oskar', 'ilse'],
        carried_over: { from: '2026-11-22T0407Z-harbour-deal', summary } }]),
      ...rest,
    ];
    await panel.post(initMessage({ events }));
    const block = panel.page.locator('.carried-over');
    assert.match(await block.innerText(), /Continues 2026-11-22T0407Z-harbour-deal/);
    const details = block.locator('details');
    assert.equal(await details.getAttribute('open'), null, 'collapsed');
    assert.equal(await block.locator('.carried-summary').isVisible(), false);
    await block.locator('summary').click();
    assert.equal(await block.locator('.carried-summary strong').innerText(), 'berth', 'markdown rendered');
    assert.match(await block.locator('.carried-summary li').innerText(), /<b>everything<\/b>/, 'HTML stays text');
    assert.equal(await block.locator('b').count(), 0);
  });
});
