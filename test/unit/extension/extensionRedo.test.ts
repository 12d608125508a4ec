import { strict as assert } from 'node:assert';
import type { Brief } from '../../../src/engine/cast/characters';
import { formatUsd } from '../../../src/engine/cost/costMeter';
import { EngineError } from '../../../src/engine/session/panelSession';
import { OpenPanelRegistry } from '../../../src/extension/panel/openPanels';
import { PanelController } from '../../../src/extension/panel/panelController';
import { describeMeter } from '../../../src/extension/panel/panelMeter';
import { hostMessageSchema, type HostMessage, type Meter } from '../../../src/protocol';
import { ArrayLog, character, ev, FakeSession, libraryOf, MemoryMemento } from './extensionFakes';

/**
 * The panel side of regenerate / edit / rewind / sample choice, carry-over and the meters, against the
 * session double: what reaches the session, what reaches the webview, and how the panel follows a
 * carry-over into the fresh session.
 */

const mara = character('mara', 'Mara Voss');
const oskar = character('oskar', 'Oskar Lind');
const harbour: Brief = { id: 'harbour', title: 'Harbour deal', text: 'The pier is for sale.', file: '/ws/characters/briefs/harbour.md' };
const NOW = 1_000_000;

function setup(o: { session?: FakeSession; briefs?: Brief[] } = {}) {
  const posted: HostMessage[] = [];
  const log = new ArrayLog();
  const timers: Array<{ ms: number; fn: () => void; cancelled: boolean }> = [];
  const library = libraryOf(mara, oskar);
  for (const b of o.briefs ?? [harbour]) library.briefs.set(b.id, b);
  const session = o.session ?? new FakeSession([mara, oskar], [ev.intro(['mara', 'oskar'])]);
  const controller = new PanelController(
    {
      post: (m) => posted.push(m),
      log,
      library: () => library,
      theme: () => 'dark',
      setApiKey: async () => undefined,
      openSettings: () => undefined,
      fallbackModel: () => null,
      continueSession: async () => undefined,
      now: () => NOW,
      setTimer: (fn, ms) => {
        const t = { ms, fn, cancelled: false };
        timers.push(t);
        return { cancel: () => (t.cancelled = true) };
      },
    },
    { live: session },
  );
  return { controller, session, posted, log, timers, library };
}

const ofType = <T extends HostMessage['type']>(posted: HostMessage[], type: T) =>
  posted.filter((m): m is Extract<HostMessage, { type: T }> => m.type === type);

/** A session with five answered turns, so a fresh session's turn 1 would look stale to the old stream filter. */
function longSession(): FakeSession {
  const events = [ev.intro(['mara', 'oskar'])];
  for (let t = 1; t <= 5; t++) events.push(ev.human(t, `line ${t}`), ev.speak(t, 'mara', 1, `reply ${t}`), ev.cost(t, 0.01), ev.floor(t));
  return new FakeSession([mara, oskar], events);
}

describe('extension: regenerate, edit, rewind and carry-over in the panel', () => {
  beforeEach(() => ev.reset());

  it('forwards regenerate, edit, selectSample and rewind to the session, clearing old banners first', async () => {
    const { controller, session, posted } = setup();
    await controller.receive({ type: 'ready' });
    posted.length = 0;
    await controller.receive({ type: 'regenerate' });
    await controller.receive({ type: 'edit', text: 'What about the marina?' });
    await controller.receive({ type: 'selectSample', turn: 2 });
    await controller.receive({ type: 'rewind', turn: 1 });
    assert.deepEqual(session.calls, [['regenerate'], ['edit', 'What about the marina?'], ['selectSample', 2], ['rewind', 1]]);
    assert.equal(ofType(posted, 'clearBanner').length, 3, 'regenerate, edit and rewind each start clean');
  });

  it('answers previewRewind with a valid rewindPreview', async () => {
    const { controller, session, posted } = setup();
    session.preview = { toTurn: 0, turns: [2, 3], humanLines: 2, responses: 3, castChanges: [{ id: 'oskar', change: 'leave' }] };
    await controller.receive({ type: 'ready' });
    await controller.receive({ type: 'previewRewind', turn: 1 });
    const answer = ofType(posted, 'rewindPreview');
    assert.equal(answer.length, 1);
    assert.ok(hostMessageSchema.safeParse(answer[0]).success);
    assert.deepEqual(answer[0]!.preview, { toTurn: 1, turns: [2, 3], humanLines: 2, responses: 3, castChanges: [{ id: 'oskar', change: 'leave' }] });
    assert.deepEqual(session.calls, [['rewindPreview', 1]]);
  });

  it('turns engine refusals of redo into banners, never a rejection', async () => {
    const { controller, session, posted } = setup();
    await controller.receive({ type: 'ready' });
    session.failNext = { method: 'rewindPreview', error: new EngineError('bad-input', 'turn 9 is not in the current line of the session') };
    await controller.receive({ type: 'previewRewind', turn: 9 });
    session.failNext = { method: 'regenerate', error: new EngineError('busy', 'the panel is still answering: stop it first') };
    await controller.receive({ type: 'regenerate' });
    session.failNext = { method: 'selectSample', error: new EngineError('bad-input', 'turn 4 is not a sample of turn 5') };
    await controller.receive({ type: 'selectSample', turn: 4 });
    assert.deepEqual(ofType(posted, 'banner').map((b) => [b.level, b.message]), [
      ['warning', 'turn 9 is not in the current line of the session'],
      ['warning', 'the panel is still answering: stop it first'],
      ['warning', 'turn 4 is not a sample of turn 5'],
    ]);
    assert.equal(ofType(posted, 'rewindPreview').length, 0);
  });

  it('re-sends the meter when a supersede changes what the context carries', async () => {
    const { controller, session, posted } = setup();
    await controller.receive({ type: 'ready' });
    posted.length = 0;
    session.meterValue = { ...session.meterValue, contextTokens: 800 };
    session.emit({ kind: 'event', event: { seq: 99, at: '2026-11-22T04:07:00.000Z', turn: 3, type: 'supersede', reason: 'rewind', turns: [2, 3] } });
    assert.deepEqual(posted.map((m) => m.type), ['event', 'meter']);
    assert.equal(ofType(posted, 'meter')[0]!.meter.contextTokens, 800);
  });

  it('carry-over switches the same panel to the fresh session and names both folders', async () => {
    const old = longSession();
    const next = new FakeSession([mara, oskar], [ev.intro(['mara', 'oskar'])], '/ws/sessions/2026-11-22T0930Z-harbour');
    next.meterValue = { ...next.meterValue, contextTokens: 0 };
    old.carryOverTo = next;
    const { controller, posted } = setup({ session: old });
    let changes = 0;
    controller.onDidChange(() => changes++);
    await controller.receive({ type: 'ready' });
    posted.length = 0;

    await controller.receive({ type: 'carryOver' });

    assert.deepEqual(old.calls, [['carryOver']]);
    assert.equal(old.carriedWith?.brief, harbour, 'the brief comes from the library, current file');
    assert.equal(controller.live, next);
    assert.equal(controller.sessionDir, next.dir);
    assert.equal(old.listenerCount, 0, 'the closed session is no longer watched');
    assert.equal(next.listenerCount, 1);
    assert.ok(changes >= 1, 'the status bar and the registry hear of it');
    const init = ofType(posted, 'init');
    assert.equal(init.length, 1, 'the webview is rebuilt from the fresh session');
    assert.deepEqual(init[0]!.events.map((e) => e.type), ['intro']);
    assert.equal(init[0]!.readOnly, false);
    assert.equal(init[0]!.meter?.contextTokens, 0);
    const banners = ofType(posted, 'banner');
    assert.match(banners[0]!.message, /Carrying the session over/);
    const done = banners.at(-1)!;
    assert.equal(done.level, 'info');
    assert.ok(done.message.includes(old.dir) && done.message.includes(next.dir), done.message);
    assert.ok(posted.indexOf(done) > posted.indexOf(init[0]!), 'the banner survives the rebuild');
    for (const m of posted) assert.ok(hostMessageSchema.safeParse(m).success, m.type);

    // Turn numbers start again: the fresh session's first reply must not be dropped as stale.
    posted.length = 0;
    next.emit({ kind: 'stream', part: { type: 'stream', turn: 1, item: 'speak', phase: 'start', speaker: 'mara', order: 1, text: '' } });
    old.emit({ kind: 'answering', answering: true });
    assert.deepEqual(posted.map((m) => m.type), ['stream']);
    await controller.receive({ type: 'say', text: 'Where were we?', target: null });
    assert.deepEqual(next.calls.at(-1), ['say', 'Where were we?', null]);
  });

  it('the banner action "carryOver" runs it too; a webview that is not ready gets the fresh init on ready', async () => {
    const { controller, session, posted } = setup();
    await controller.receive({ type: 'action', action: 'carryOver' });
    assert.deepEqual(session.calls, [['carryOver']]);
    assert.equal(posted.length, 0);
    await controller.receive({ type: 'ready' });
    assert.equal(ofType(posted, 'init')[0]!.events.length, 0, 'the fresh session, not the old one');
    assert.match(ofType(posted, 'banner').at(-1)!.message, /this panel now continues in .*-next/);
  });

  it('refuses to carry over while the panel answers, leaving its banners alone', async () => {
    const { controller, session, posted } = setup();
    await controller.receive({ type: 'ready' });
    session.emit({ kind: 'answering', answering: true });
    await assert.rejects(controller.carryOver(), /still answering/);
    assert.deepEqual(session.calls, []);
    assert.equal(ofType(posted, 'clearBanner').length, 0);
  });

  it('refuses to carry over when the brief file is gone, and stays on the session', async () => {
    const { controller, session, posted } = setup({ briefs: [] });
    await controller.receive({ type: 'ready' });
    await controller.receive({ type: 'carryOver' });
    assert.deepEqual(session.calls, []);
    assert.equal(controller.live, session);
    const banner = ofType(posted, 'banner').at(-1)!;
    assert.equal(banner.level, 'warning');
    assert.match(banner.message, /brief "harbour" is no longer in the character library/);
  });

  it('a failed carry-over leaves the panel on the old session with the reason', async () => {
    const { controller, session, posted } = setup();
    await controller.receive({ type: 'ready' });
    session.failNext = { method: 'carryOver', error: new EngineError('bad-input', 'carry-over failed: the model wrote no summary') };
    await controller.receive({ type: 'carryOver' });
    assert.equal(controller.live, session);
    const tail = posted.slice(-2).map((m) => m.type);
    assert.deepEqual(tail, ['clearBanner', 'banner'], 'the "carrying over" note gives way to the reason');
    assert.match(ofType(posted, 'banner').at(-1)!.message, /wrote no summary/);
  });

  it('a carry-over that fails after closing the old session leaves the panel read-only', async () => {
    const { controller, session, posted } = setup();
    await controller.receive({ type: 'ready' });
    session.failNext = { method: 'carryOver', error: new Error('cannot link: disk full') };
    session.closed = true;
    await controller.receive({ type: 'carryOver' });
    assert.equal(controller.readOnly, true);
    assert.deepEqual(ofType(posted, 'readOnly').at(-1), { type: 'readOnly', readOnly: true, canContinue: true });
  });

  it('ends the fresh session when the panel was closed while the summary was written', async () => {
    const old = new FakeSession([mara]);
    const next = new FakeSession([mara], [], '/ws/sessions/2026-11-22T0931Z-next');
    old.carryOverTo = next;
    const { controller } = setup({ session: old });
    const pending = controller.carryOver();
    controller.dispose();
    const result = await pending;
    assert.equal(result.nextDir, next.dir);
    assert.deepEqual(next.calls, [['close']]);
  });

  it('shows the engine\'s context warning with a Carry over action; the limit offers it too', async () => {
    const { controller, session, posted } = setup();
    await controller.receive({ type: 'ready' });
    const warning = 'context at 84% of the 3000-token window';
    session.emit({ kind: 'event', event: { seq: 50, at: '2026-11-22T04:07:00.000Z', turn: 4, type: 'anomaly', kind: 'context-warning', detail: warning } });
    session.emit({ kind: 'notice', level: 'warning', message: warning });
    session.emit({ kind: 'notice', level: 'warning', message: 'Budget: $4.1000 of $5.00 spent.', action: 'raiseBudget' });
    session.emit({ kind: 'notice', level: 'warning', message: 'Rate limited (429) — retrying in 2 s, attempt 1' });
    session.failNext = { method: 'say', error: new EngineError('context-full', 'the context is full (3100 of 3000 tokens): carry the session over to a fresh one') };
    await controller.receive({ type: 'say', text: 'And then?', target: null });
    assert.deepEqual(ofType(posted, 'banner').map((b) => b.actions), [['carryOver'], ['raiseBudget'], [], ['carryOver']]);
  });
});

describe('extension: meters for the status bar', () => {
  const meter = (over: Partial<Meter>): Meter => ({ contextTokens: 0, contextWindow: 200_000, cacheWarmUntil: null, ttl: '5m', coldWriteUsd: null, budgetUsd: null, ...over });

  it('describes context used against the window, and cache warmth or the cold write', () => {
    assert.equal(describeMeter(meter({}), NOW, formatUsd), 'Context: no call yet\nCache: not written yet (5m TTL)');
    const warm = describeMeter(meter({ contextTokens: 150_000, cacheWarmUntil: NOW + 4 * 60_000 + 10_000 }), NOW, formatUsd);
    assert.match(warm, /^Context: 150k of 200k tokens \(75%\)\n/);
    assert.match(warm, /Cache: warm for 5 more min \(until \d\d:\d\d\); next turn at the 5m TTL$/);
    const cold = describeMeter(meter({ contextTokens: 12_345, contextWindow: null, cacheWarmUntil: NOW - 1, ttl: '1h', coldWriteUsd: 0.0741 }), NOW, formatUsd);
    assert.equal(cold, 'Context: 12k tokens (window unknown)\nCache: cold; the next turn writes it again (about $0.0741 at the 1h TTL)');
  });

  it('reads the meter after a cost once the engine has counted it (it notes the cost after telling watchers)', async () => {
    const { controller, session, posted } = setup();
    await controller.receive({ type: 'ready' });
    session.emit({ kind: 'event', event: ev.cost(1, 0.01) });
    session.meterValue = { ...session.meterValue, contextTokens: 4321 };
    await Promise.resolve();
    assert.equal(ofType(posted, 'meter').at(-1)!.meter.contextTokens, 4321);
    assert.equal(controller.currentMeter()?.contextTokens, 4321);
  });

  it('currentMeter is the live session\'s, null once read-only; a cold cache also tells the status bar', async () => {
    const session = new FakeSession([mara]);
    session.meterValue = { ...session.meterValue, cacheWarmUntil: NOW + 60_000 };
    const { controller, timers, posted } = setup({ session });
    let changes = 0;
    controller.onDidChange(() => changes++);
    await controller.receive({ type: 'ready' });
    assert.equal(controller.currentMeter()?.cacheWarmUntil, NOW + 60_000);
    controller.refreshMeter();
    session.meterValue = { ...session.meterValue, cacheWarmUntil: NOW - 1, coldWriteUsd: 0.02 };
    timers.at(-1)!.fn();
    assert.equal(changes, 1);
    assert.equal(ofType(posted, 'meter').at(-1)!.meter.coldWriteUsd, 0.02);
    await controller.close();
    assert.equal(controller.currentMeter(), null);
  });

  it('setTtl to 1h re-sends the meter priced at the 1h write', async () => {
    const session = new FakeSession([mara]);
    session.meterValue = { ...session.meterValue, cacheWarmUntil: NOW - 1, coldWriteUsd: 0.01 };
    const setCacheTtl = session.setCacheTtl.bind(session);
    session.setCacheTtl = (ttl) => {
      setCacheTtl(ttl);
      session.meterValue = { ...session.meterValue, coldWriteUsd: ttl === '1h' ? 0.016 : 0.01 };
    };
    const { controller, posted } = setup({ session });
    await controller.receive({ type: 'ready' });
    await controller.receive({ type: 'setTtl', ttl: '1h' });
    const sent = ofType(posted, 'meter').at(-1)!.meter;
    assert.deepEqual([sent.ttl, sent.coldWriteUsd], ['1h', 0.016]);
  });
});

describe('extension: the open-panel record follows a carry-over', () => {
  it('move replaces the old folder\'s record by the new one in one update', async () => {
    const memento = new MemoryMemento();
    const registry = new OpenPanelRegistry(memento);
    await registry.put({ sessionDir: '/s/a', panelTitle: 'Dialogue: A', mode: 'live' });
    await registry.put({ sessionDir: '/s/other', panelTitle: 'Dialogue: B', mode: 'replay' });
    await registry.move('/s/a', { sessionDir: '/s/a2', panelTitle: 'Dialogue: A', mode: 'live' });
    assert.deepEqual(registry.list().map((r) => r.sessionDir), ['/s/other', '/s/a2']);
    assert.deepEqual([...registry.ownedDirs()].sort(), ['/s/a2', '/s/other']);
    const restored = new OpenPanelRegistry(memento).claim({ panelTitle: 'Dialogue: A' });
    assert.equal(restored?.sessionDir, '/s/a2');
  });
});
