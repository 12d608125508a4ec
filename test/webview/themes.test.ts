import { strict as assert } from 'node:assert';
import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import type { HostMessage, Theme } from '../../src/protocol';
import { CAST, initMessage, JUNE, LIBRARY, meter, regeneratedEvents } from './panelFixtures';
import { launchPanelBrowser, openPanelPage, type PanelPageOptions } from './panelHarness';

const SHOTS = resolve(__dirname, '../../docs/screenshots');
const MAX_PNG_BYTES = 200 * 1024;

/** VS Code's "Dark Modern" values for the variables the panel reads, as VS Code would set them on <html>. */
const DARK_MODERN: Record<string, string> = {
  '--vscode-font-family': 'system-ui, "Segoe UI", Ubuntu, sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-editor-font-family': 'Consolas, "Courier New", monospace',
  '--vscode-editor-font-size': '14px',
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-editor-foreground': '#cccccc',
  '--vscode-foreground': '#cccccc',
  '--vscode-sideBar-background': '#181818',
  '--vscode-editorWidget-background': '#202020',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-panel-border': '#2b2b2b',
  '--vscode-widget-border': '#313131',
  '--vscode-widget-shadow': 'rgba(0, 0, 0, 0.36)',
  '--vscode-button-background': '#0078d4',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-button-hoverBackground': '#026ec1',
  '--vscode-button-border': 'rgba(255, 255, 255, 0.07)',
  '--vscode-input-background': '#313131',
  '--vscode-input-foreground': '#cccccc',
  '--vscode-input-border': '#3c3c3c',
  '--vscode-input-placeholderForeground': '#989898',
  '--vscode-focusBorder': '#0078d4',
  '--vscode-textBlockQuote-background': '#2b2b2b',
  '--vscode-errorForeground': '#f85149',
  '--vscode-inputValidation-errorBackground': '#5a1d1d',
  '--vscode-inputValidation-warningBackground': '#352a05',
  '--vscode-testing-iconPassed': '#73c991',
  '--vscode-textLink-foreground': '#4daafc',
};

/** VS Code's "Dark High Contrast": black, white text, and a contrast border on everything. */
const DARK_HIGH_CONTRAST: Record<string, string> = {
  ...DARK_MODERN,
  '--vscode-editor-background': '#000000',
  '--vscode-editor-foreground': '#ffffff',
  '--vscode-foreground': '#ffffff',
  '--vscode-sideBar-background': '#000000',
  '--vscode-editorWidget-background': '#0c141f',
  '--vscode-descriptionForeground': '#ffffff',
  '--vscode-panel-border': '#6fc3df',
  '--vscode-widget-border': '#6fc3df',
  '--vscode-contrastBorder': '#6fc3df',
  '--vscode-contrastActiveBorder': '#f38518',
  '--vscode-focusBorder': '#f38518',
  '--vscode-button-background': '#000000',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-button-border': '#6fc3df',
  '--vscode-input-background': '#000000',
  '--vscode-input-border': '#6fc3df',
  '--vscode-textBlockQuote-background': '#000000',
  '--vscode-textLink-foreground': '#21a6ff',
};

/**
 * After turn 3 was regenerated: its first sample collapsed behind a "superseded" marker, the second (turn 4)
 * live with the "‹ 2 / 2 ›" switcher and Regenerate, June about to join, the drawer showing turn 4's confer
 * above turn 3's superseded one.
 */
function sampledSession(theme: Theme): HostMessage[] {
  return [
    initMessage({
      theme, events: regeneratedEvents(),
      cast: [...CAST, { ...JUNE, pending: 'join' }], library: LIBRARY,
      meter: meter({ cacheWarmUntil: Date.now() + 192_500, budgetUsd: 2 }),
    }),
  ];
}

interface ThemeShot {
  name: string;
  theme: Theme;
  options?: Partial<PanelPageOptions>;
}

const SHOTS_TO_TAKE: ThemeShot[] = [
  { name: 'cream', theme: 'cream' },
  { name: 'light', theme: 'light' },
  { name: 'dark', theme: 'dark' },
  { name: 'eink', theme: 'eink' },
  { name: 'vscode', theme: 'vscode', options: { vscodeVars: DARK_MODERN, bodyClasses: ['vscode-dark'] } },
  { name: 'vscode-high-contrast', theme: 'vscode', options: { vscodeVars: DARK_HIGH_CONTRAST, bodyClasses: ['vscode-high-contrast'] } },
];

describe('panel themes (screenshots in docs/screenshots/)', function () {
  let browser: Browser;
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await launchPanelBrowser();
  });
  after(async () => { await browser?.close(); });

  for (const shot of SHOTS_TO_TAKE) {
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
