import { strict as assert } from 'node:assert';
import type { HostMessage } from '../../src/protocol';
import { eventMessage, initMessage, LIBRARY, longHistory, MARA, OSKAR, ILSE, TOMAS } from './panelFixtures';
import { openPanelPage, type PanelPage } from './panelHarness';

const CAST4 = [MARA, OSKAR, ILSE, TOMAS];

interface DeltaCost {
  records: number;
  outside: number;
  kinds: string[];
}

/** Streams `deltas` deltas into a new message and reports what the DOM saw change while they landed. */
async function streamAndObserve(panel: PanelPage, turn: number, deltas: number): Promise<DeltaCost> {
  await panel.post(eventMessage({ type: 'human-speak', turn, text: 'And now?', target: null }, 90_000 + turn));
  await panel.post({ type: 'stream', turn, item: 'speak', phase: 'start', speaker: 'mara', order: 1, text: '' });
  await panel.page.evaluate(() => {
    const w = window as unknown as { __records: MutationRecord[]; __observer: MutationObserver };
    w.__records = [];
    w.__observer = new MutationObserver((rs) => w.__records.push(...rs));
    w.__observer.observe(document.getElementById('app')!, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  const parts: HostMessage[] = [];
  for (let i = 0; i < deltas; i++) {
    parts.push({ type: 'stream', turn, item: 'speak', phase: 'delta', speaker: 'mara', order: 1, text: `word${i} ` });
  }
  await panel.postMany(parts);
  return panel.page.evaluate((t) => {
    const w = window as unknown as { __records: MutationRecord[]; __observer: MutationObserver };
    w.__records.push(...w.__observer.takeRecords());
    w.__observer.disconnect();
    const live = document.querySelector(`.msg[data-turn="${t}"] .msg-text`)!;
    const records = w.__records;
    return {
      records: records.length,
      outside: records.filter((r) => !live.contains(r.target)).length,
      kinds: [...new Set(records.map((r) => r.type))],
    };
  }, turn);
}

describe('panel webview rendering at scale', function () {
  let panel: PanelPage;
  before(async () => { panel = await openPanelPage(); });
  after(async () => { await panel?.close(); });
  afterEach(() => assert.deepEqual(panel.problems(), []));

  it('renders a 2,000-message session and appends a delta without touching any other message', async () => {
    await panel.post(initMessage({ cast: CAST4, library: LIBRARY, events: longHistory(500, CAST4) }));
    assert.equal(await panel.page.locator('.msg').count(), 2000);
    await panel.page.evaluate(() => {
      (document.querySelector('.msg') as HTMLElement & { __mark?: number }).__mark = 1;
    });
    const cost = await streamAndObserve(panel, 501, 20);
    assert.deepEqual(cost.kinds, ['characterData'], 'a delta only appends to a text node');
    assert.equal(cost.records, 20, 'one mutation per delta');
    assert.equal(cost.outside, 0, 'nothing outside the streaming message changed');
    assert.equal(await panel.page.evaluate(() => (document.querySelector('.msg') as HTMLElement & { __mark?: number }).__mark), 1,
      'the first message is the same node (nothing re-rendered)');
    assert.equal(await panel.page.locator('.msg').count(), 2001);
    const text = await panel.page.locator('.msg[data-turn="501"] .msg-text').textContent();
    assert.ok(text!.startsWith('word0 word1 ') && text!.endsWith('word19 '), text!);
  });

  it('costs the same mutations per delta with 20 messages as with 2,000', async () => {
    await panel.reset();
    await panel.post(initMessage({ cast: CAST4, library: LIBRARY, events: longHistory(5, CAST4) }));
    assert.equal(await panel.page.locator('.msg').count(), 20);
    const small = await streamAndObserve(panel, 6, 20);
    assert.deepEqual(small, { records: 20, outside: 0, kinds: ['characterData'] });
  });

  it('follows new output only while the reader is at the bottom', async () => {
    await panel.reset();
    await panel.post(initMessage({ cast: CAST4, library: LIBRARY, events: longHistory(60, CAST4) }));
    const gap = () => panel.page.evaluate(() => {
      const s = document.querySelector('.stream')!;
      return s.scrollHeight - s.scrollTop - s.clientHeight;
    });
    await panel.page.waitForFunction(() => {
      const s = document.querySelector('.stream')!;
      return s.scrollHeight - s.scrollTop - s.clientHeight < 2;
    });
    await panel.post(eventMessage({ type: 'human-speak', turn: 61, text: 'Scroll test', target: null }, 50_000));
    await panel.post({ type: 'stream', turn: 61, item: 'speak', phase: 'delta', speaker: 'mara', order: 1, text: 'line\n'.repeat(30) });
    await panel.page.waitForFunction(() => {
      const s = document.querySelector('.stream')!;
      return s.scrollHeight - s.scrollTop - s.clientHeight < 2;
    });
    // The reader scrolls up: new output must not pull them back down.
    await panel.page.evaluate(() => { document.querySelector('.stream')!.scrollTop = 0; });
    await panel.page.waitForTimeout(50);
    await panel.post({ type: 'stream', turn: 61, item: 'speak', phase: 'delta', speaker: 'mara', order: 1, text: 'more\n'.repeat(30) });
    await panel.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    assert.equal(await panel.page.evaluate(() => document.querySelector('.stream')!.scrollTop), 0);
    assert.ok((await gap()) > 500);
  });
});
