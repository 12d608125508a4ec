import { strict as assert } from 'node:assert';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { eventMessage, initMessage, regeneratedEvents } from './panelFixtures';
import { launchPanelBrowser, openPanelPage } from './panelHarness';

const SHOTS = resolve(__dirname, '../../docs/screenshots');

describe('panel: the summary in pictures (live host source)', function () {
  this.timeout(60_000);
  let browser: Browser;
  before(async () => { browser = await launchPanelBrowser(); });
  after(async () => { await browser?.close(); });

  it('opens from the header with the cost chart and per-character shares, and follows live events', async () => {
    const p = await openPanelPage({ browser, viewport: { width: 900, height: 700 } });
    try {
      await p.post(initMessage({ events: regeneratedEvents() }));
      await p.page.locator('.summary-toggle').click();
      const dialog = p.page.locator('.summary-dialog');
      await dialog.waitFor();
      const text = await dialog.innerText();
      for (const s of ['Cumulative cost by turn', 'cache writes', 'cache reads', 'output', 'Mara Voss', 'Oskar Lind', 'Led the turn', 'Passes']) {
        assert.ok(text.includes(s), `missing ${s}`);
      }
      // Turn 3 was regenerated: its responses are not counted, so Oskar led turns 1 and 4 (2) and Ilse turn 2.
      assert.equal(await dialog.locator('tr[data-speaker="oskar"] .bar-led + .bar-label').innerText(), '2');
      assert.equal(await dialog.locator('svg.chart-svg polygon').count(), 4);
      await p.page.screenshot({ path: join(SHOTS, 'panel-summary.png') });
      await p.page.keyboard.press('Escape');
      await p.post(eventMessage({ type: 'human-speak', turn: 5, text: 'One more', target: null }, 900));
      await p.post(eventMessage({ type: 'speak', turn: 5, speaker: 'ilse', order: 1, truncated: false, text: 'Ilse leads this one.' }, 901));
      await p.page.locator('.summary-toggle').click();
      assert.equal(await dialog.locator('tr[data-speaker="ilse"] .bar-led + .bar-label').innerText(), '2');
      assert.deepEqual(p.problems(), []);
    } finally {
      await p.close();
    }
  });
});
