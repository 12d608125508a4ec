import * as assert from 'node:assert/strict';
import { appendFile, cp, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { buildSite } from '../../src/engine/export/sessionSite';
import type { ViewerAssets } from '../../src/engine/export/viewerPage';
import { auditSessions } from '../../src/engine/store/sessionAudit';
import { freshAssets, openExport } from './exportHarness';
import { launchPanelBrowser } from './panelHarness';

const ROOT = resolve(__dirname, '../..');
const FIXTURES = join(ROOT, 'test/fixtures/sessions');
const CONTINUED = '2026-11-23T0941Z-the-harbour-deal-again';
const EARLIER = '2026-11-23T0915Z-the-harbour-deal-again';

describe('site: index.html and a view.html per session', function () {
  this.timeout(90_000);
  let browser: Browser;
  let assets: ViewerAssets;
  let dir: string;

  before(async () => {
    [browser, assets] = await Promise.all([launchPanelBrowser(), freshAssets()]);
    dir = await mkdtemp(join(tmpdir(), 'dialogue-site-'));
    await cp(join(FIXTURES, 'interactive'), dir, { recursive: true });
    await cp(join(FIXTURES, 'batch'), dir, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes in place, and the sessions folder still passes audit', async () => {
    const r = await buildSite(dir, assets);
    assert.equal(r.index, join(dir, 'index.html'));
    assert.equal(r.written.length, 5);
    assert.deepEqual(r.skipped, []);
    const audit = await auditSessions(dir);
    assert.equal(audit.folders, 4);
    assert.deepEqual(audit.problems, []);
  });

  it('is incremental: unchanged sessions are not rewritten, a changed log re-renders only its page', async () => {
    const page = join(dir, CONTINUED, 'view.html');
    const before = (await stat(page)).mtimeMs;
    const again = await buildSite(dir, assets);
    assert.deepEqual(again.written, []);
    assert.equal(again.unchanged.length, 5);
    assert.equal((await stat(page)).mtimeMs, before);
    await appendFile(join(dir, EARLIER, 'event-log.json'), '\n');
    const third = await buildSite(dir, assets);
    assert.deepEqual(third.written, [join(dir, EARLIER, 'view.html')]);
  });

  it('lists, filters and sorts sessions; links are relative and lead to the pages and between them', async () => {
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    assert.ok(!/(href|src)="(https?:|\/)/.test(html), 'no absolute link');
    const opened = await openExport(browser, join(dir, 'index.html'));
    try {
      const { page } = opened;
      const rows = page.locator('.index-table tbody tr:not([hidden])');
      assert.equal(await rows.count(), 4);
      const text = await page.locator('.index-table').innerText();
      for (const s of ['The harbour deal, again', 'claude-sonnet-5-5', 'Mara Voss', 'The Tycoon', '2026-09-14']) assert.ok(text.includes(s), `missing ${s}`);
      await page.screenshot({ path: join(ROOT, 'docs/screenshots/site-index.png') });
      await page.locator('.filter-character').selectOption('tycoon');
      assert.equal(await rows.count(), 1);
      await page.locator('.filter-character').selectOption('');
      await page.locator('.filter-brief').selectOption('The harbour deal');
      assert.equal(await rows.count(), 3);
      await page.locator('.filter-brief').selectOption('');
      await page.locator('button.sort[data-sort="startedAt"]').click(); // ascending: oldest first
      assert.equal(await rows.first().getAttribute('data-session'), '2026-09-14T1010Z-batch-pricing');
      await page.locator('button.sort[data-sort="startedAt"]').click();
      assert.equal(await rows.first().getAttribute('data-session'), CONTINUED);
      await page.locator(`tr[data-session="${CONTINUED}"] a`).click();
      await page.waitForURL(/view\.html$/);
      await page.locator('a.session-link.rel-continues').click();
      await page.waitForURL(new RegExp(`${EARLIER}/view\\.html$`));
      await page.waitForSelector('.session-facts');
      assert.ok((await page.locator('.session-facts').innerText()).includes('Continued in'));
      assert.deepEqual(opened.problems, []);
    } finally {
      await opened.close();
    }
  });
});
