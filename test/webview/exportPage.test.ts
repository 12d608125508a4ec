import * as assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { exportSession } from '../../src/engine/export/exportSession';
import type { ViewerAssets } from '../../src/engine/export/viewerPage';
import { HOSTILE, everyKindEvents, interactiveLog, writeSession } from './exportFixtures';
import { freshAssets, openExport } from './exportHarness';
import { launchPanelBrowser } from './panelHarness';

const ROOT = resolve(__dirname, '../..');
const SHOTS = join(ROOT, 'docs', 'screenshots');
const BATCH_FIXTURES = [
  join(ROOT, 'test/fixtures/sessions/batch/2026-09-14T1010Z-batch-pricing'),
  join(ROOT, '../shared/fixtures/batch-log'),
];

describe('export: the one-file page from file://', function () {
  this.timeout(90_000);
  let browser: Browser;
  let assets: ViewerAssets;
  let dir: string;
  let file: string;

  before(async () => {
    [browser, assets] = await Promise.all([launchPanelBrowser(), freshAssets()]);
    dir = await mkdtemp(join(tmpdir(), 'dialogue-export-'));
    const folder = await writeSession(dir, interactiveLog(everyKindEvents(), { continues_from: '2026-11-21T0900Z-the-first-deal' }));
    file = (await exportSession(folder, assets)).file;
    await mkdir(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes view.html beside the log with a strict CSP: hashes, no network, data inert', async () => {
    assert.equal(file, join(dir, '2026-11-22T0407Z-harbour-deal', 'view.html'));
    const html = await readFile(file, 'utf8');
    const csp = (/http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '').replace(/&#39;/g, "'");
    assert.match(csp, /^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; style-src 'sha256-[^;]+; base-uri 'none'; form-action 'none'$/);
    // Model text never reaches the HTML parser: the only `<script` tags are the page's own two.
    assert.equal(html.match(/<script/gi)?.length, 2);
    assert.ok(!html.includes('<img src=x'), 'hostile text must be escaped in the data');
    assert.ok(html.includes('\\u003cimg src=x'));
  });

  it('shows every kind of event, the facts, the cast with its spans, costs and the carry-over link', async () => {
    const opened = await openExport(browser, file);
    try {
      const { page } = opened;
      await page.locator('.summary-inline > summary').click();
      const text = await page.locator('#app').innerText();
      for (const expected of [
        'The harbour deal <b>bold</b>', 'The harbour deal', 'claude-sonnet-4-5', '2026-11-22 04:07 UTC',
        'The council wants the old grain quay', '@Ilse', 'night shift', 'Ilse passes', 'Mara passes', '— cut off',
        'Off-format reply (unknown-speaker)', 'Context nearly full: 182k of 200k tokens', 'Error (overloaded): The API was overloaded (529)',
        'Tomás Reyes joins the panel', 'Oskar Lind leaves the panel', "Ilse Brandt's profile was updated", 'Session continued',
        'Superseded turn', '$0.041', 'joined at turn 5', 'left at turn 6', 'from the start',
        'Cumulative cost by turn', 'Speaking share', 'Continues 2026-11-21T0900Z-the-first-deal',
      ]) assert.ok(text.includes(expected), `missing: ${expected}`);
      assert.equal(await page.locator('a.session-link').getAttribute('href'), '../2026-11-21T0900Z-the-first-deal/view.html');
      // The deliberation per turn, in the drawer.
      await page.locator('.drawer-toggle').click();
      await page.locator('.drawer.open').waitFor();
      const drawer = await page.locator('.drawer').innerText();
      assert.ok(drawer.includes('This is about the dockers who still load there'), drawer.slice(0, 300));
      // The superseded sample: kept, marked, and shown on demand.
      const superseded = page.locator('.turn.superseded[data-turn="3"] .msg-text', { hasText: 'severance package with a ribbon' });
      assert.equal(await superseded.isVisible(), false);
      await page.locator('.sup-marker > summary').first().click();
      await superseded.waitFor({ state: 'visible' });
      await page.screenshot({ path: join(SHOTS, 'export-cream.png'), fullPage: false });
      assert.deepEqual(opened.problems, []);
    } finally {
      await opened.close();
    }
  });

  it('keeps hostile model text as text: no element, no handler, no javascript: link runs', async () => {
    const opened = await openExport(browser, file);
    try {
      const { page } = opened;
      await page.locator('.drawer-toggle').click();
      const text = await page.locator('#app').innerText();
      assert.ok(text.includes(HOSTILE.img), 'the <img> shows as text');
      assert.ok(text.includes('<script>window.__pwned=2</script>'));
      assert.ok(text.includes('</script><script>window.__pwned=4</script>'), 'the confer line shows as text');
      assert.equal(await page.locator('#app img, #app script, #app iframe').count(), 0);
      assert.equal(await page.locator('a[href^="javascript" i]').count(), 0);
      for (const link of await page.locator('#app a').all()) await link.click({ trial: true }).catch(() => undefined);
      assert.equal(await page.evaluate(() => (window as unknown as { __pwned: unknown }).__pwned), 0);
      assert.deepEqual(opened.problems, []);
    } finally {
      await opened.close();
    }
  });

  it('switches between the four themes and prints the whole transcript with the deliberation after it', async () => {
    const opened = await openExport(browser, file);
    try {
      const { page } = opened;
      for (const theme of ['light', 'dark', 'eink', 'cream']) {
        await page.locator('.theme-select').selectOption(theme);
        assert.ok(await page.evaluate((t) => document.body.classList.contains(`theme-${t}`), theme));
        if (theme !== 'cream') await page.screenshot({ path: join(SHOTS, `export-${theme}.png`) });
      }
      await page.emulateMedia({ media: 'print' });
      assert.equal(await page.locator('.theme-select').isVisible(), false);
      assert.equal(await page.locator('.drawer').isVisible(), true, 'the deliberation prints after the conversation');
      assert.equal(await page.locator('.composer').isVisible(), false);
      await page.screenshot({ path: join(SHOTS, 'export-print.png'), fullPage: true });
      const pdf = await page.pdf({ format: 'A4' });
      assert.ok(pdf.length > 10_000);
      assert.deepEqual(opened.problems, []);
    } finally {
      await opened.close();
    }
  });

  for (const fixture of BATCH_FIXTURES) {
    it(`renders the legacy two-actor batch log (${fixture.split('/').slice(-2).join('/')})`, async () => {
      const copy = join(dir, 'batch', fixture.split('/').pop()!);
      await cp(fixture, copy, { recursive: true });
      const out = (await exportSession(copy, assets)).file;
      const log = JSON.parse(await readFile(join(fixture, 'event-log.json'), 'utf8')) as { participants: Array<{ name: string }>; events: Array<{ type: string; text: string }> };
      const opened = await openExport(browser, out);
      try {
        const { page } = opened;
        const text = await page.locator('#app').innerText();
        for (const p of log.participants) assert.ok(text.includes(p.name), `missing actor ${p.name}`);
        for (const e of log.events.filter((x) => x.type === 'speak')) assert.ok(text.includes(e.text.split('\n')[0]!.slice(0, 40)), `missing speech: ${e.text.slice(0, 40)}`);
        assert.ok(text.includes('two-actor batch log'));
        await page.locator('.drawer-toggle').click();
        const drawer = await page.locator('.drawer').innerText();
        for (const e of log.events.filter((x) => x.type === 'think')) assert.ok(drawer.includes(e.text.split('\n')[0]!.slice(0, 40)), `missing thought: ${e.text.slice(0, 40)}`);
        // The drawer slides in: a screenshot mid-slide would show it cut off at the edge.
        if (fixture === BATCH_FIXTURES[0]) await page.screenshot({ path: join(SHOTS, 'export-batch.png'), animations: 'disabled' });
        assert.deepEqual(opened.problems, []);
      } finally {
        await opened.close();
      }
    });
  }
});
