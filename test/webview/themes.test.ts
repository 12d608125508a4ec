import { strict as assert } from 'node:assert';
import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import type { HostMessage, Theme } from '../../src/protocol';
import { CAST, DMITRI, initMessage, LI, LIBRARY, meter, regeneratedEvents } from './panelFixtures';
import { launchPanelBrowser, openPanelPage } from './panelHarness';
import { PANEL_LOOKS } from './vscodeThemes';

const SHOTS = resolve(__dirname, '../../docs/screenshots');
const MAX_PNG_BYTES = 200 * 1024;

/**
 * After turn 3 was regenerated: its first sample collapsed behind a "superseded" marker, the second (turn 4)
 * live with the "‹ 2 / 2 ›" switcher and Regenerate, Dmitri (Д) on the panel and Li Wen (李) about to join, the
 * drawer showing turn 4's confer
 * above turn 3's superseded one.
 */
function sampledSession(theme: Theme): HostMessage[] {
  return [
    initMessage({
      theme, events: regeneratedEvents(),
      cast: [...CAST, DMITRI, { ...LI, pending: 'join' }], library: [...LIBRARY, LI, DMITRI],
      meter: meter({ cacheWarmUntil: Date.now() + 192_500, budgetUsd: 2 }),
    }),
  ];
}

describe('panel themes (screenshots in docs/screenshots/)', function () {
  let browser: Browser;
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await launchPanelBrowser();
  });
  after(async () => { await browser?.close(); });

  for (const shot of PANEL_LOOKS) {
    it(`${shot.name}: a regenerated turn with its sample switcher, the drawer open`, async () => {
      const panel = await openPanelPage({ browser, theme: shot.theme, state: { drawerOpen: true }, ...shot.options });
      try {
        for (const msg of sampledSession(shot.theme)) await panel.post(msg);
        const page = panel.page;
        assert.ok(await page.evaluate((t) => document.body.classList.contains(`theme-${t}`), shot.theme));
        assert.equal(await page.locator('.drawer').evaluate((e) => getComputedStyle(e).visibility), 'visible');
        for (const what of ['.sup-marker summary', '.swiper', '.regenerate', '.confer-turn.superseded']) {
          assert.ok(await page.locator(what).first().isVisible(), `${what} is in the picture`);
        }
        // The non-Latin glyphs are drawn, not empty boxes: each paints differently from an unassigned code point.
        for (const glyph of ['李', 'Д']) {
          assert.ok(await page.locator('.chip .glyph', { hasText: glyph }).isVisible(), `${glyph} is in the picture`);
          assert.ok(await drawsGlyph(page, '.chip .glyph', glyph), `${glyph} renders in the glyph's font`);
        }
        await page.waitForTimeout(250); // let the drawer's slide finish
        const file = join(SHOTS, `theme-${shot.name}.png`);
        await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
        const size = statSync(file).size;
        assert.ok(size < MAX_PNG_BYTES, `${file} is ${size} bytes`);
        assert.deepEqual(panel.problems(), []);
      } finally {
        await panel.close();
      }
    });
  }

  it('rewind-dialog: the confirmation with what a rewind supersedes', async () => {
    const panel = await openPanelPage({ browser, theme: 'cream' });
    try {
      for (const msg of sampledSession('cream')) await panel.post(msg);
      await panel.page.getByRole('button', { name: 'Rewind to here', exact: true }).first().click();
      await panel.post({
        type: 'rewindPreview',
        preview: { toTurn: 1, turns: [2, 4], humanLines: 2, responses: 4, castChanges: [{ id: 'june', change: 'leave' }, { id: 'tomas', change: 'join' }] },
      });
      const dialog = panel.page.getByRole('dialog', { name: 'Rewind' });
      assert.match(await dialog.innerText(), /Cast: June leaves, Tomás rejoins/);
      const file = join(SHOTS, 'rewind-dialog.png');
      await panel.page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
      const size = statSync(file).size;
      assert.ok(size < MAX_PNG_BYTES, `${file} is ${size} bytes`);
      assert.deepEqual(panel.problems(), []);
    } finally {
      await panel.close();
    }
  });
});

/** Paints `glyph` and U+0378 (unassigned: always the missing-glyph box) in the element's font; true when they differ. */
function drawsGlyph(page: import('playwright-core').Page, selector: string, glyph: string): Promise<boolean> {
  return page.locator(selector).first().evaluate((e, g) => {
    const font = getComputedStyle(e).font;
    const paint = (text: string): string => {
      const c = document.createElement('canvas');
      c.width = 40;
      c.height = 40;
      const ctx = c.getContext('2d')!;
      ctx.font = font;
      ctx.fillText(text, 4, 30);
      return c.toDataURL();
    };
    return paint(g) !== paint('\u0378');
  }, glyph);
}
