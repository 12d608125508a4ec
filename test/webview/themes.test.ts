import { strict as assert } from 'node:assert';
import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import type { HostMessage, StreamPart, Theme } from '../../src/protocol';
import { CAST, eventMessage, initMessage, JUNE, LIBRARY, meter } from './panelFixtures';
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

const part = (p: Omit<StreamPart, 'type'>): HostMessage => ({ type: 'stream', ...p });

/** Turn 3 in progress: the confer partly written, Mara answering mid-sentence, June about to join. */
function midSession(theme: Theme): HostMessage[] {
  return [
    initMessage({
      theme, answering: true,
      cast: [...CAST, { ...JUNE, pending: 'join' }], library: LIBRARY,
      meter: meter({ cacheWarmUntil: Date.now() + 192_500, budgetUsd: 2 }),
    }),
    eventMessage({ type: 'human-speak', turn: 3, text: 'Suppose the council offers a new berth at Nordkai and two years of retraining pay. Does that change anything for you?', target: null }, 20),
    eventMessage({ type: 'deliberation', turn: 3, speaker: 'mara', text: 'That is my offer, word for word. I should go first and own it.' }, 21),
    eventMessage({ type: 'deliberation', turn: 3, speaker: 'oskar', text: 'Two years is nothing. Let her go first — I will answer what she actually promises.' }, 22),
    part({ turn: 3, item: 'line', phase: 'start', speaker: 'ilse', order: 3, text: '' }),
    part({ turn: 3, item: 'line', phase: 'delta', speaker: 'ilse', order: 3, text: 'The berth is in the 2027 plan only as a study. If Mara speaks of it as' }),
    part({ turn: 3, item: 'speak', phase: 'start', speaker: 'mara', order: 1, text: '' }),
    part({ turn: 3, item: 'speak', phase: 'delta', speaker: 'mara', order: 1, text: 'It changes the arithmetic. A berth at Nordkai keeps the heavy cargo in the city, and two years of pay means nobody is ' }),
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
    it(`${shot.name}: mid-session with the drawer open`, async () => {
      const panel = await openPanelPage({ browser, theme: shot.theme, state: { drawerOpen: true }, ...shot.options });
      try {
        for (const msg of midSession(shot.theme)) await panel.post(msg);
        const page = panel.page;
        assert.ok(await page.evaluate((t) => document.body.classList.contains(`theme-${t}`), shot.theme));
        assert.equal(await page.locator('.drawer').evaluate((e) => getComputedStyle(e).visibility), 'visible');
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
});
