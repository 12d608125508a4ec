import { strict as assert } from 'node:assert';
import { initMessage, MARA, stamp } from './panelFixtures';
import type { PanelPage } from './panelHarness';
import { usePanelPage } from './panelSuite';
import { runAxe } from './axeCheck';

describe('panel webview: the demo and the greeting (headless Chromium, scripted host)', function () {
  const suite = usePanelPage();
  let panel: PanelPage;
  beforeEach(() => { panel = suite.panel; });

  const badge = () => panel.page.getByRole('note', { name: /^Demo session/ });

  it('shows a Demo badge with an accessible name in the header of a demo session only', async () => {
    await panel.post(initMessage({ demo: true, title: 'Demo: The harbour deal' }));
    assert.equal(await badge().isVisible(), true);
    assert.match(await badge().innerText(), /^demo$/i, 'its visible text');
    assert.match(await badge().getAttribute('aria-label') ?? '', /scripted replies, no model called, nothing billed/);
    assert.equal(await panel.page.locator('header .demo-badge').count(), 1, 'in the header');
    assert.deepEqual((await runAxe(panel.page, 'header')).map((v) => v.rule), [], 'the header stays accessible');
    await panel.post(initMessage());
    assert.equal(await badge().count() === 0 || !(await badge().isVisible()), true, 'a real session has no badge');
  });

  it('the no-key banner offers Try the demo, which posts the tryDemo action', async () => {
    await panel.post(initMessage());
    await panel.post({ type: 'banner', level: 'error', message: 'No API key', actions: ['setApiKey', 'tryDemo'] });
    const n = panel.posted().length;
    await suite.button('Try the demo').click();
    assert.deepEqual(await panel.waitForPosted((m) => m.type === 'action', 3000, n), { type: 'action', action: 'tryDemo' });
  });

  it('shows a greeting that opened the session as that character\'s first message, marked as the greeting, as text', async () => {
    const events = stamp([
      { type: 'intro', turn: 0, brief: null, cast: ['mara'] },
      { type: 'greeting', turn: 0, speaker: 'mara', text: 'Welcome to the quay, the floor. <b>Sit</b>.', greeting: 1 },
    ]);
    await panel.post(initMessage({ cast: [MARA], events }));
    const article = panel.page.locator('article.msg.greeting[data-speaker="mara"]');
    await article.waitFor();
    assert.match(await article.innerText(), /Mara Voss · greeting\s+Welcome to the quay, the floor\. <b>Sit<\/b>\./);
    assert.equal(await article.locator('b').count(), 0, 'never HTML');
    assert.equal(await panel.page.locator('article.msg').count(), 1);
  });
});
