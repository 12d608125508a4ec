import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { compareGroups } from '../../src/cli/siteCommand';
import type { ExperimentJson } from '../../src/engine/experiments/experimentStore';
import { buildSite } from '../../src/engine/export/sessionSite';
import type { ViewerAssets } from '../../src/engine/export/viewerPage';
import { describeViolations, runAxe } from './axeCheck';
import { compareReplicates } from './compareFixtures';
import { HOSTILE, writeSession } from './exportFixtures';
import { freshAssets, openExport } from './exportHarness';
import { launchPanelBrowser } from './panelHarness';

const ROOT = resolve(__dirname, '../..');
const CONDITION = { model: 'claude-sonnet-4-6', brief: 'harbour-deal', cast: ['mara', 'oskar'], depth: 'full', ttl: '5m', max_tokens: 1024, script: 'probe.jsonl' } as const;

/** The experiment.json `run` would have written for the three replicates (only what the site reads matters). */
function experimentJson(folders: string[]): ExperimentJson {
  return {
    format: 1, name: 'harbour-matrix', experiment_file: 'experiment.yaml', workspace: '.', created_at: '2026-12-01T10:00:00.000Z', updated_at: '2026-12-01T10:00:00.000Z',
    fingerprint: 'f', inputs: {}, replicates: 3, conditions: [{ id: 'c-0123abcd', condition: { ...CONDITION, cast: [...CONDITION.cast] } }],
    runs: folders.map((session, i) => ({ id: `run-00000000${i + 1}0`, condition_id: 'c-0123abcd', replicate: i + 1, status: 'done', session, turns: 2, usd: 0.02 })),
    batches: [], status: 'done', spend_usd: 0.06, estimate_usd: null,
  };
}

describe('compare page: one condition\'s replicates side by side, from file://', function () {
  this.timeout(90_000);
  let browser: Browser;
  let assets: ViewerAssets;
  let dir: string;

  before(async () => {
    [browser, assets] = await Promise.all([launchPanelBrowser(), freshAssets()]);
    dir = await mkdtemp(join(tmpdir(), 'dialogue-compare-'));
    const folders: string[] = [];
    for (const log of compareReplicates()) folders.push((await writeSession(dir, log)).split(/[\\/]/).pop()!);
    const r = await buildSite(dir, assets, dir, compareGroups(experimentJson(folders)));
    assert.deepEqual(r.skipped, []);
    assert.ok(r.written.includes(join(dir, 'compare-c-0123abcd.html')));
  });
  after(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is linked from the index, and the link leads to it', async () => {
    const opened = await openExport(browser, join(dir, 'index.html'));
    try {
      const link = opened.page.locator('.index-comparisons a');
      assert.equal(await link.getAttribute('href'), 'compare-c-0123abcd.html');
      assert.match(await opened.page.locator('.index-comparisons').innerText(), /\(3 replicates\)/);
      await link.click();
      await opened.page.waitForURL(/compare-c-0123abcd\.html$/);
      await opened.page.waitForSelector('.compare-table');
      assert.deepEqual(opened.problems, []);
    } finally {
      await opened.close();
    }
  });

  it('shows replicates as columns and turns as rows, marks exactly the differing lines (for the eye and for a screen reader), hostile text stays text', async () => {
    const html = await readFile(join(dir, 'compare-c-0123abcd.html'), 'utf8');
    assert.ok(!html.includes(HOSTILE.img), 'the log\'s markup is never written into the page as markup');
    const opened = await openExport(browser, join(dir, 'compare-c-0123abcd.html'), { viewport: { width: 1280, height: 900 } });
    try {
      const { page } = opened;
      assert.deepEqual(await page.locator('.compare-table thead th').allInnerTexts(), ['Turn', 'Replicate 1\n2026-12-01T1000Z-run-0000000010-harbour', 'Replicate 2\n2026-12-01T1000Z-run-0000000020-harbour', 'Replicate 3\n2026-12-01T1000Z-run-0000000030-harbour']);
      assert.deepEqual(await page.locator('.compare-table thead a').evaluateAll((as) => as.map((a) => a.getAttribute('href'))), compareReplicates().map((l) => `${l.session_id}/view.html`));
      const marked = async (position: number, column: number): Promise<string[]> =>
        page.locator(`tr[data-position="${position}"] td:nth-of-type(${column}) mark`).allTextContents();
      // hand-checked (see compareFixtures.ts): a mark's text starts with its screen-reader label and the ≠ sign
      assert.deepEqual(await marked(1, 1), ['differs: ≠ I will not move on that.', 'differs: ≠ spoke here only in some replicates', 'differs: ≠ The union wants the night shift kept.']);
      assert.deepEqual(await marked(1, 2), ['differs: ≠ Maybe the flats can shrink.', 'differs: ≠ spoke here only in some replicates', 'differs: ≠ The union wants the night shift kept.']);
      assert.deepEqual(await marked(1, 3), ['differs: ≠ I will not move on that.', 'differs: ≠ passed']);
      assert.deepEqual(await marked(2, 3), [`differs: ≠ Eleven million ${HOSTILE.img} ${HOSTILE.script}`]);
      assert.equal(await page.locator('tr[data-position="2"] td:nth-of-type(2) .compare-own-turn').innerText(), '(its turn 3)');
      // the shared line is shown unmarked
      assert.equal(await page.locator('tr[data-position="1"] td:nth-of-type(1) .compare-line:not(.differs)').first().innerText(), 'The marina pays for the flats.');
      // hostile text: no element made from it, nothing ran
      assert.equal(await page.locator('.compare-table img, .compare-table script').count(), 0);
      assert.equal(await page.evaluate(() => (window as unknown as { __pwned: number }).__pwned), 0);
      // the sr-only label is in the accessibility tree, the ≠ sign is not
      const snapshot = await page.locator('tr[data-position="1"] td:nth-of-type(2)').ariaSnapshot();
      assert.match(snapshot, /differs: Maybe the flats can shrink\./);
      await page.screenshot({ path: join(ROOT, 'docs/screenshots/compare-replicates.png'), fullPage: true });
      // only the turns that differ
      await page.locator('.compare-only-differing').check();
      assert.equal(await page.locator('.compare-table tbody tr:not([hidden])').count(), 2);
      assert.deepEqual(opened.problems, []);
    } finally {
      await opened.close();
    }
  });

  it('passes axe (WCAG 2.1 AA and best practice) with nothing allowed', async () => {
    const opened = await openExport(browser, join(dir, 'compare-c-0123abcd.html'));
    try {
      const violations = await runAxe(opened.page);
      assert.equal(violations.length, 0, describeViolations(violations));
      assert.deepEqual(opened.problems, []);
    } finally {
      await opened.close();
    }
  });
});
