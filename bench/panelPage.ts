import type { Page } from 'playwright-core';
import type { Character } from '../src/engine/cast/characters';
import type { SessionEvent } from '../src/engine/store/sessionSchema';
import type { HostMessage, MemberView } from '../src/protocol';

/** What the benchmarks need from the webview harness: a page already past its `ready`. */
export type InitMessage = Extract<HostMessage, { type: 'init' }>;

export function memberView(c: Character): MemberView {
  return { id: c.id, name: c.name, glyph: c.glyph, color: c.color, ...(c.tagline ? { tagline: c.tagline } : {}) };
}

/** The `init` a live panel gets when it (re)opens on a session with these events. */
export function initMessage(events: readonly SessionEvent[], cast: readonly Character[]): InitMessage {
  const views = cast.map(memberView);
  return {
    type: 'init',
    title: 'The harbour deal',
    brief: { id: 'harbour-deal', title: 'The harbour deal' },
    cast: views,
    library: views,
    theme: 'cream',
    readOnly: false,
    canContinue: false,
    events: [...events],
    answering: false,
    meter: null,
  };
}

/**
 * Runs in the page. Each batch: its messages are dispatched synchronously to the webview's `message`
 * listener, each followed by a forced layout; then one animation frame, in which the time from our first rAF
 * callback (queued before the batch) to our last (queued after it, so it runs after the webview's own, e.g.
 * its scroll-to-bottom) is added. Returns ms per batch. Chromium coarsens performance.now (to 0.1 ms without
 * cross-origin isolation), so a single small delta is timed as part of a batch, never alone.
 */
function timeBatchesInPage(batches: unknown[][]): Promise<number[]> {
  const frame = (): Promise<number> => new Promise((resolve) => requestAnimationFrame(() => {
    void document.documentElement.scrollHeight;
    resolve(performance.now());
  }));
  return (async () => {
    const out: number[] = [];
    for (const batch of batches) {
      const frameStart = frame();
      const t0 = performance.now();
      for (const data of batch) {
        window.dispatchEvent(new MessageEvent('message', { data }));
        void document.body.offsetHeight;
      }
      const sync = performance.now() - t0;
      const frameEnd = frame();
      const [a, b] = await Promise.all([frameStart, frameEnd]);
      out.push(sync + (b - a));
    }
    return out;
  })();
}

/** Times message batches in the page (see timeBatchesInPage); one ms figure per batch. */
export function timeBatches(page: Page, batches: HostMessage[][]): Promise<number[]> {
  return page.evaluate(timeBatchesInPage, batches as unknown[][]);
}

/** How many conversation messages (floor lines and responses) the page shows. */
export function countMessages(page: Page): Promise<number> {
  return page.evaluate(() => document.querySelectorAll('.stream-list .msg, .stream-list .floor-line').length);
}
