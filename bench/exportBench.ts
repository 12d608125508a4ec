import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { exportSession } from '../src/engine/export/exportSession';
import { freshAssets, openExport } from '../test/webview/exportHarness';
import { launchPanelBrowser } from '../test/webview/panelHarness';
import { figure, median, type Figure } from './figures';
import { journalWithTurns } from './storeBench';

/**
 * export.*: the one-file page of a closed 1,000-turn session (9 events a turn, the store bench's shape).
 * Times the export (read + validate the log, build the page, hash, write), compares the page's size with what
 * it carries (event-log.json plus the renderer: script and styles), and opens it in headless Chromium from
 * file:// to time first paint of the conversation and a jump to its end (the page must stay responsive).
 */
export async function runExportBench(turns = 1000, samples = 5): Promise<Figure[]> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dp-bench-export-'));
  const browser = await launchPanelBrowser();
  try {
    const journal = await journalWithTurns(dir, turns);
    await journal.close();
    const sessionDir = journal.dir;
    const small = await journalWithTurns(dir, 10);
    await small.close();
    const assets = await freshAssets();
    await exportSession(sessionDir, assets); // warm-up: module loading and JIT
    const times: number[] = [];
    let file = '';
    for (let s = 0; s < samples; s++) {
      const start = process.hrtime.bigint();
      file = (await exportSession(sessionDir, assets)).file;
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    const html = (await fs.stat(file)).size;
    const log = (await fs.stat(path.join(sessionDir, 'event-log.json'))).size;
    const renderer = Buffer.byteLength(assets.script) + assets.styles.reduce((n, s) => n + Buffer.byteLength(s), 0);
    const smallFile = (await exportSession(small.dir, assets)).file;
    const opens: number[] = [];
    const smallOpens: number[] = [];
    const loads: number[] = [];
    const jumps: number[] = [];
    for (let s = 0; s < 3; s++) {
      const t0 = Date.now();
      const tiny = await openExport(browser, smallFile, { waitForHistory: false });
      await tiny.page.locator('.floor-return').first().waitFor();
      smallOpens.push(Date.now() - t0);
      await tiny.close();
      const start = Date.now();
      const opened = await openExport(browser, file, { waitForHistory: false });
      await opened.page.locator('.floor-return').first().waitFor();
      opens.push(Date.now() - start);
      await opened.page.waitForSelector('body[data-history="complete"]', { state: 'attached', timeout: 120_000 });
      loads.push(Date.now() - start);
      jumps.push(await opened.page.evaluate(() => new Promise<number>((resolve) => {
        const stream = document.querySelector('.stream')!;
        const t0 = performance.now();
        stream.scrollTop = stream.scrollHeight;
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
      })));
      if (opened.problems.length > 0) throw new Error(`the page reported problems: ${opened.problems.join('; ')}`);
      await opened.close();
    }
    return [
      figure('export.ms_1000_turns', median(times), `${turns} turns, median of ${samples}; expected < 2000`),
      figure('export.size_ratio', html / (log + renderer), `page ${Math.round(html / 1024)} KB vs log ${Math.round(log / 1024)} KB + renderer ${Math.round(renderer / 1024)} KB; expected < 1.5`),
      figure('export.open_ratio', median(opens) / median(smallOpens), `first turns on screen, ${turns} turns vs 10 (the page paints its first slice whatever the length; ~1 is the aim)`),
      figure('export.open_ms', median(opens), 'file:// navigation to the first floor marker on screen, headless Chromium, median of 3'),
      figure('export.complete_ms', median(loads), 'until the last slice of the history is in the page (the page answers input between slices)'),
      figure('export.jump_to_end_ms', median(jumps), 'scroll to the last turn until two frames have painted, median of 3'),
    ];
  } finally {
    await browser.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}
