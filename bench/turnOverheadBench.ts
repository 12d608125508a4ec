import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { PanelSession, type SessionUpdate } from '../src/engine/session/panelSession';
import type { HostMessage } from '../src/protocol';
import { launchPanelBrowser, openPanelPage } from '../test/webview/panelHarness';
import { figure, median, skipped, type Figure } from './figures';
import { benchSessionOptions, playTurn } from './megapromptRun';
import { initMessage, timeBatches } from './panelPage';
import { benchLibrary, OPENING_CAST, panelScript } from './panelScript';
import { standInProcess } from './standInProcess';

/** Where the per-turn overhead is sampled; the defaults are the (turn 200 vs turn 10). */
export interface TurnOverheadOptions {
  earlyTurn?: number;
  lateTurn?: number;
  /** Turns sampled around each point (odd); the median is used. */
  window?: number;
  /** Skip the Chromium half (the smoke test). */
  skipRender?: boolean;
}

function toHost(u: SessionUpdate): HostMessage | null {
  if (u.kind === 'event') return { type: 'event', event: u.event };
  if (u.kind === 'stream') return u.part;
  if (u.kind === 'answering') return { type: 'answering', answering: u.answering };
  return null;
}

/**
 * session.turn_overhead_ratio: what the product itself spends per turn late in a long session over early in
 * it. Engine: CPU time of this process during say() (the stand-in streams from another process, with no
 * delay, so waiting is not counted). Render: the turn's host messages (every event and stream part, as the
 * panel controller forwards them) dispatched into a panel already showing all earlier turns.
 */
export async function runTurnOverheadBench(o: TurnOverheadOptions = {}): Promise<Figure[]> {
  const early = o.earlyTurn ?? 10;
  const late = o.lateTurn ?? 200;
  const half = Math.floor((o.window ?? 15) / 2);
  if (early - half < 1 || late - half <= early + half) throw new Error('turn overhead bench: the sample windows must not overlap or start before turn 1');
  const library = await benchLibrary();
  const script = panelScript(late + half).map(({ turn, say }) => ({ turn, say })); // no cast changes: only growth
  const { url, child } = await standInProcess();
  const sessionsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dp-bench-overhead-'));
  const cpuMs = new Map<number, number>();
  const hostMessages = new Map<number, HostMessage[]>();
  let session: PanelSession;
  try {
    // A throw-away session first: turn 10 must not be measured on a colder JIT than turn 200.
    const warm = await PanelSession.start(benchSessionOptions({ library, baseURL: url }, sessionsDir));
    for (const t of script.slice(0, early + half)) await playTurn(warm, library, t);
    await warm.close();
    session = await PanelSession.start(benchSessionOptions({ library, baseURL: url }, sessionsDir));
    let current: HostMessage[] = [];
    session.onUpdate((u) => {
      const m = toHost(u);
      if (m) current.push(m);
    });
    for (const t of script) {
      current = [];
      const before = process.cpuUsage();
      await playTurn(session, library, t);
      const used = process.cpuUsage(before);
      cpuMs.set(t.turn, (used.user + used.system) / 1000);
      hostMessages.set(t.turn, current);
      if (session.events.some((e) => e.turn === t.turn && e.type === 'error')) throw new Error(`turn overhead bench: turn ${t.turn} failed`);
    }
    await session.close();
  } finally {
    child.kill('SIGTERM');
    await fs.rm(sessionsDir, { recursive: true, force: true });
  }

  const around = (turn: number): number[] => Array.from({ length: 2 * half + 1 }, (_, i) => turn - half + i);
  const engineEarly = median(around(early).map((t) => cpuMs.get(t)!));
  const engineLate = median(around(late).map((t) => cpuMs.get(t)!));
  const figures: Figure[] = [
    figure('session.engine_turn_ratio', engineLate / engineEarly),
    figure('session.engine_turn_ms_early', engineEarly, `CPU ms per turn around turn ${early}`),
    figure('session.engine_turn_ms_late', engineLate, `CPU ms per turn around turn ${late}`),
  ];
  if (o.skipRender) return [figure('session.turn_overhead_ratio', engineLate / engineEarly, 'engine only (render skipped)'), ...figures];

  let browser: Browser;
  try {
    browser = await launchPanelBrowser();
  } catch (err) {
    return [figure('session.turn_overhead_ratio', engineLate / engineEarly, 'engine only: headless Chromium did not start'), ...figures, skipped('session.render_turn_ratio', (err as Error).message.split('\n')[0]!)];
  }
  try {
    const cast = OPENING_CAST.map((id) => library.characters.get(id)!);
    const renderAt = async (turn: number): Promise<number> => {
      const turns = around(turn);
      // The turns just before the window are appended untimed, so the page's JIT is warm when timing starts.
      const warmUp = Array.from({ length: Math.min(5, turns[0]! - 1) }, (_, i) => turns[0]! - Math.min(5, turns[0]! - 1) + i);
      const panel = await openPanelPage({ browser });
      await panel.post(initMessage(session.events.filter((e) => e.turn < (warmUp[0] ?? turns[0]!)), cast));
      await timeBatches(panel.page, warmUp.map((t) => hostMessages.get(t)!));
      const ms = await timeBatches(panel.page, turns.map((t) => hostMessages.get(t)!));
      const problems = panel.problems();
      await panel.close();
      if (problems.length > 0) throw new Error(`turn overhead bench: the page reported problems: ${problems.slice(0, 3).join('; ')}`);
      return median(ms);
    };
    const renderEarly = await renderAt(early);
    const renderLate = await renderAt(late);
    figures.push(
      figure('session.render_turn_ratio', renderLate / renderEarly),
      figure('session.render_turn_ms_early', renderEarly, `ms per turn around turn ${early}`),
      figure('session.render_turn_ms_late', renderLate, `ms per turn around turn ${late}`),
    );
    return [figure('session.turn_overhead_ratio', (engineLate + renderLate) / (engineEarly + renderEarly)), ...figures];
  } finally {
    await browser.close();
  }
}
