// Renders scripts/icon/icon.svg to media/icon.png (128x128, the Marketplace and Open VSX icon) in headless
// Chromium, so the PNG is reproducible from the committed SVG: `node scripts/icon/renderIcon.mjs`.
// The PNG is committed; run this again only after editing the SVG.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const svg = fs.readFileSync(path.join(root, 'scripts', 'icon', 'icon.svg'), 'utf8');
const out = path.join(root, 'media', 'icon.png');
const SIZE = 128;

const browser = await chromium.launch({
  executablePath: process.env.DIALOGUE_E2E_CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage({ viewport: { width: SIZE, height: SIZE }, deviceScaleFactor: 1 });
  // The SVG is inlined into a blank page: nothing is fetched, and the corners outside the rounded square stay transparent.
  await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.locator('svg').screenshot({ path: out, omitBackground: true });
} finally {
  await browser.close();
}
console.log(`wrote ${path.relative(root, out)}`);
