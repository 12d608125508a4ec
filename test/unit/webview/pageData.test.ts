import { strict as assert } from 'node:assert';
import { PAGE_DATA_ID as PROTOCOL_PAGE_DATA_ID, pageHeadSchema, viewEventsSchema } from '../../../src/protocol';
import { PAGE_DATA_ID, parsePageHead, parseViewEvents } from '../../../src/webview/pageData';

// The webview checks an exported page's data with the generated JSON Schema (no zod in its bundle); its
// verdicts must be zod's.
describe('webview: page data checks', () => {
  it('uses the exporter\'s element id', () => {
    assert.equal(PAGE_DATA_ID, PROTOCOL_PAGE_DATA_ID);
  });

  it('agrees with zod on good and broken page heads and event slices', () => {
    const head = { kind: 'index', title: 'Sessions', sessions: [] };
    assert.equal(parsePageHead(head).ok, pageHeadSchema.safeParse(head).success);
    for (const bad of [{ kind: 'index' }, { kind: 'other' }, null, 'x']) assert.equal(parsePageHead(bad).ok, pageHeadSchema.safeParse(bad).success, JSON.stringify(bad));
    const events = [{ seq: 1, at: '2026-12-01T00:00:00.000Z', turn: 1, type: 'human-speak', text: 'Hello', target: null }];
    assert.equal(parseViewEvents(events).ok, true);
    assert.equal(viewEventsSchema.safeParse(events).success, true);
    const broken = [{ ...events[0], seq: 0 }, { ...events[0], type: 'nonsense' }, { ...events[0], text: 3 }];
    for (const b of broken) assert.equal(parseViewEvents([b]).ok, viewEventsSchema.safeParse([b]).success, JSON.stringify(b));
  });
});
