import type { Browser } from 'playwright-core';
import type { Character } from '../src/engine/cast/characters';
import type { NewEvent, SessionEvent } from '../src/engine/store/sessionSchema';
import type { HostMessage } from '../src/protocol';
import { launchPanelBrowser, openPanelPage, type PanelPage } from '../test/webview/panelHarness';
import { figure, median, skipped, type Figure } from './figures';
import { countMessages, initMessage, timeBatches } from './panelPage';
import { benchLibrary, OPENING_CAST } from './panelScript';

/** Sizes of the render benchmark; the defaults are the (2,000 vs 20 messages on screen). */
export interface RenderBenchOptions {
  smallMessages?: number;
  largeMessages?: number;
  /** Timed samples per size; each sample appends `deltasPerSample` deltas. */
  samples?: number;
  deltasPerSample?: number;
}

const RESPONSE = 'On the **berth**, my answer has not moved: night access stays, and the co-op keeps its twelve moorings. '
  + 'If the committee wants a review clause, *thirty days* is the most I would sign.';

/** Stamps seq and at the way the journal does. */
export function stampEvents(specs: readonly NewEvent[]): SessionEvent[] {
  const t0 = Date.parse('2026-11-22T04:07:00Z');
  return specs.map((e, i) => ({ ...e, seq: i + 1, at: new Date(t0 + i * 1000).toISOString() }) as SessionEvent);
}

/**
 * A history with `messages` conversation messages: each turn is the floor's line and three responses (four
 * messages), plus the confer lines, the cost and the floor marker a real turn brings.
 */
export function historyWithMessages(messages: number, cast: readonly Character[]): SessionEvent[] {
  const specs: NewEvent[] = [{ type: 'intro', turn: 0, brief: { id: 'harbour-deal', title: 'The harbour deal' }, cast: cast.map((c) => c.id) }];
  const turns = Math.max(1, Math.round(messages / (1 + cast.length)));
  for (let turn = 1; turn <= turns; turn++) {
    specs.push({ type: 'human-speak', turn, text: `Question ${turn}: what would you accept on the berth?`, target: null });
    for (const c of cast.slice(0, 2)) specs.push({ type: 'deliberation', turn, speaker: c.id, text: `${c.name}: I should answer this one first.` });
    cast.forEach((c, i) => specs.push({ type: 'speak', turn, speaker: c.id, text: `${RESPONSE} (${turn})`, order: i + 1, truncated: false }));
    specs.push({ type: 'cost', turn, model: 'claude-sonnet-4-6', input_tokens: 0, cache_creation_input_tokens: 300, cache_read_input_tokens: 2000 + 300 * turn, output_tokens: 240, usd: 0.0051 });
    specs.push({ type: 'floor', turn });
  }
  return stampEvents(specs);
}

/** Opens a panel showing `messages` messages, with the next turn's first response open and streaming. */
async function streamingPage(browser: Browser, messages: number, cast: readonly Character[]): Promise<{ panel: PanelPage; turn: number; shown: number }> {
  const events = historyWithMessages(messages, cast);
  const panel = await openPanelPage({ browser });
  await panel.post(initMessage(events, cast));
  const turn = events[events.length - 1]!.turn + 1;
  const speaker = cast[0]!.id;
  await panel.postMany([
    { type: 'answering', answering: true },
    { type: 'event', event: { type: 'human-speak', turn, text: 'One more question.', target: null, seq: events.length + 1, at: new Date().toISOString() } },
    { type: 'stream', turn, item: 'speak', phase: 'start', speaker, order: 1, text: '' },
  ]);
  return { panel, turn, shown: await countMessages(panel.page) };
}

/**
 * render.append_ratio: the cost of appending one streamed delta (dispatch, forced layout, the frame's scroll
 * work) with `largeMessages` on screen over the same with `smallMessages`. Samples alternate between the two
 * pages so both see the same machine noise.
 */
export async function runRenderBench(o: RenderBenchOptions = {}): Promise<Figure[]> {
  let browser: Browser;
  try {
    browser = await launchPanelBrowser();
  } catch (err) {
    return [skipped('render.append_ratio', `headless Chromium did not start: ${(err as Error).message.split('\n')[0]}`)];
  }
  try {
    const library = await benchLibrary();
    const cast = OPENING_CAST.map((id) => library.characters.get(id)!);
    const small = await streamingPage(browser, o.smallMessages ?? 20, cast);
    const large = await streamingPage(browser, o.largeMessages ?? 2000, cast);
    const perSample = o.deltasPerSample ?? 20;
    const samples = o.samples ?? 40;
    const deltas = (turn: number, from: number): HostMessage[] =>
      Array.from({ length: perSample }, (_, i) => ({ type: 'stream', turn, item: 'speak', phase: 'delta', speaker: cast[0]!.id, order: 1, text: `word${from + i} ` }));
    await timeBatches(small.panel.page, [deltas(small.turn, 0)]); // warm-up
    await timeBatches(large.panel.page, [deltas(large.turn, 0)]);
    const smallMs: number[] = [];
    const largeMs: number[] = [];
    for (let s = 1; s <= samples; s++) {
      smallMs.push(...(await timeBatches(small.panel.page, [deltas(small.turn, s * perSample)])).map((ms) => ms / perSample));
      largeMs.push(...(await timeBatches(large.panel.page, [deltas(large.turn, s * perSample)])).map((ms) => ms / perSample));
    }
    const problems = [...small.panel.problems(), ...large.panel.problems()];
    if (problems.length > 0) throw new Error(`render bench: the page reported problems: ${problems.slice(0, 3).join('; ')}`);
    await small.panel.close();
    await large.panel.close();
    const a = median(smallMs);
    const b = median(largeMs);
    return [
      figure('render.append_ratio', b / a),
      figure('render.append_ms_small', a, `${small.shown} messages on screen`),
      figure('render.append_ms_large', b, `${large.shown} messages on screen`),
    ];
  } finally {
    await browser.close();
  }
}
