import { strict as assert } from 'node:assert';
import { EngineError } from '../../../src/engine/session/panelSession';
import { PanelController, type LiveSession, type ReplaySource } from '../../../src/extension/panel/panelController';
import { hostMessageSchema, type HostMessage } from '../../../src/protocol';
import { ArrayLog, character, ev, FakeSession, libraryOf } from './extensionFakes';

const mara = character('mara', 'Mara Voss', { tagline: 'Harbour developer' });
const oskar = character('oskar', 'Oskar Lind');
const ilse = character('ilse', 'Ilse Brandt');

function setup(o: { session?: FakeSession; replay?: ReplaySource; continueWith?: LiveSession; fallbackModel?: string } = {}) {
  const posted: HostMessage[] = [];
  const log = new ArrayLog();
  const timers: Array<{ ms: number; fn: () => void; cancelled: boolean }> = [];
  const actions: string[] = [];
  let library = libraryOf(mara, oskar, ilse);
  const session = o.session ?? new FakeSession([mara, oskar], [ev.intro(['mara', 'oskar'])]);
  const controller = new PanelController(
    {
      post: (m) => posted.push(m),
      log,
      library: () => library,
      theme: () => 'dark',
      setApiKey: async () => {
        actions.push('setApiKey');
      },
      openSettings: (q) => actions.push(`settings:${q}`),
      fallbackModel: () => o.fallbackModel ?? null,
      continueSession: async (dir) => {
        actions.push(`continue:${dir}`);
        return o.continueWith;
      },
      now: () => 1_000_000,
      setTimer: (fn, ms) => {
        const t = { ms, fn, cancelled: false };
        timers.push(t);
        return { cancel: () => (t.cancelled = true) };
      },
    },
    o.replay ? { replay: o.replay } : { live: session },
  );
  return { controller, session, posted, log, timers, actions, setLibrary: (l: typeof library) => (library = l) };
}

const ofType = <T extends HostMessage['type']>(posted: HostMessage[], type: T) =>
  posted.filter((m): m is Extract<HostMessage, { type: T }> => m.type === type);

describe('extension: PanelController (webview protocol <-> session)', () => {
  beforeEach(() => ev.reset());

  it('waits for ready, then sends a valid init with the whole state', async () => {
    const { controller, posted } = setup();
    assert.equal(posted.length, 0);
    await controller.receive({ type: 'ready' });
    const init = ofType(posted, 'init')[0]!;
    assert.ok(hostMessageSchema.safeParse(init).success);
    assert.equal(init.title, 'Harbour deal');
    assert.deepEqual(init.cast.map((c) => c.id), ['mara', 'oskar']);
    assert.deepEqual(init.library.map((c) => c.id), ['ilse']);
    assert.equal(init.theme, 'dark');
    assert.equal(init.readOnly, false);
    assert.equal(init.events.length, 1);
    assert.equal(init.meter?.contextTokens, 1200);
  });

  it('drops and logs invalid inbound messages without acting on them', async () => {
    const { controller, session, log } = setup();
    await controller.receive({ type: 'say', text: '', target: null });
    await controller.receive({ type: 'say', text: 'hi', target: 'Not An Id' });
    await controller.receive({ type: 'explode' });
    await controller.receive('ready');
    await controller.receive(null);
    assert.deepEqual(session.calls, []);
    assert.equal(log.lines.filter((l) => l.level === 'warn' && /invalid message/.test(l.message)).length, 5);
  });

  it('forwards say, stop, retire, add and applyEdit to the session', async () => {
    const { controller, session } = setup();
    await controller.receive({ type: 'ready' });
    await controller.receive({ type: 'say', text: 'What about the pier?', target: 'mara' });
    await controller.receive({ type: 'stop' });
    await controller.receive({ type: 'retire', id: 'oskar' });
    await controller.receive({ type: 'add', id: 'ilse' });
    await controller.receive({ type: 'applyEdit', id: 'mara' });
    assert.deepEqual(session.calls, [
      ['say', 'What about the pier?', 'mara'],
      ['stop'],
      ['queueRetire', 'oskar'],
      ['queueJoin', 'ilse'],
      ['queueRevise', 'mara'],
    ]);
  });

  it('turns an engine error into a banner with the action that fixes it', async () => {
    const { controller, session, posted } = setup();
    await controller.receive({ type: 'ready' });
    session.failNext = { method: 'say', error: new EngineError('no-key', 'No API key') };
    await controller.receive({ type: 'say', text: 'hello', target: null });
    session.failNext = { method: 'queueRetire', error: new EngineError('last-member', 'at least one member stays') };
    await controller.receive({ type: 'retire', id: 'mara' });
    const banners = ofType(posted, 'banner');
    assert.deepEqual(banners.map((b) => [b.level, b.message, b.actions]), [
      ['error', 'No API key', ['setApiKey', 'tryDemo']],
      ['warning', 'at least one member stays', []],
    ]);
  });

  it('reports adding a character the library does not hold, without calling the session', async () => {
    const { controller, session, posted } = setup();
    await controller.receive({ type: 'ready' });
    await controller.receive({ type: 'add', id: 'nobody' });
    assert.deepEqual(session.calls, []);
    assert.match(ofType(posted, 'banner')[0]!.message, /"nobody" is not in the character library/);
  });

  it('maps session updates to host messages; cost refreshes the meter and the status bar', async () => {
    const { controller, session, posted } = setup();
    let changes = 0;
    controller.onDidChange(() => changes++);
    await controller.receive({ type: 'ready' });
    posted.length = 0;
    session.emit({ kind: 'answering', answering: true });
    session.emit({ kind: 'stream', part: { type: 'stream', turn: 1, item: 'speak', phase: 'start', speaker: 'mara', order: 1, text: '' } });
    session.emit({ kind: 'event', event: ev.cost(1, 0.0123) });
    session.emit({ kind: 'notice', level: 'error', message: 'Invalid API key (401)', action: 'setApiKey' });
    session.emit({ kind: 'cast' });
    await Promise.resolve();
    assert.deepEqual(posted.map((m) => m.type), ['answering', 'stream', 'event', 'banner', 'cast', 'meter']);
    assert.deepEqual(ofType(posted, 'banner')[0]!.actions, ['setApiKey', 'tryDemo']);
    assert.equal(changes, 2);
    assert.equal(controller.totalUsd(), 0.0123);
    for (const m of posted) assert.ok(hostMessageSchema.safeParse(m).success, m.type);
  });

  it('totals cost as null when calls were made but none could be priced', () => {
    const { controller, session } = setup();
    assert.equal(controller.totalUsd(), 0);
    session.emit({ kind: 'event', event: ev.cost(1, null) });
    assert.equal(controller.totalUsd(), null);
    session.emit({ kind: 'event', event: ev.cost(2, 0.5) });
    assert.equal(controller.totalUsd(), 0.5);
  });

  it('marks a present member edited when the library holds a newer file', async () => {
    const { controller, posted, setLibrary } = setup();
    await controller.receive({ type: 'ready' });
    setLibrary(libraryOf({ ...mara, sha256: 'b'.repeat(64) }, oskar, ilse));
    controller.libraryChanged();
    const cast = ofType(posted, 'cast').at(-1)!.cast;
    assert.deepEqual(cast.map((c) => [c.id, c.edited ?? false]), [['mara', true], ['oskar', false]]);
  });

  it('schedules a meter refresh for when the cache goes cold', async () => {
    const session = new FakeSession([mara]);
    session.meterValue = { ...session.meterValue, cacheWarmUntil: 1_000_000 + 300_000 };
    const { controller, timers, posted } = setup({ session });
    await controller.receive({ type: 'ready' });
    controller.refreshMeter();
    assert.equal(timers.length, 1);
    assert.ok(timers[0]!.ms >= 300_000 && timers[0]!.ms < 301_000);
    session.meterValue = { ...session.meterValue, cacheWarmUntil: 999_000, coldWriteUsd: 0.04 };
    timers[0]!.fn();
    assert.equal(ofType(posted, 'meter').at(-1)!.meter.coldWriteUsd, 0.04);
    assert.equal(timers.length, 1, 'no new timer once cold');
  });

  it('setTtl changes the session TTL and resends the meter', async () => {
    const { controller, session, posted } = setup();
    await controller.receive({ type: 'ready' });
    await controller.receive({ type: 'setTtl', ttl: '1h' });
    assert.deepEqual(session.calls, [['setCacheTtl', '1h']]);
    assert.equal(ofType(posted, 'meter').at(-1)!.meter.ttl, '1h');
  });

  it('banner actions reach the host (set key, settings, budget) and retry reaches the session', async () => {
    const { controller, session, actions } = setup();
    await controller.receive({ type: 'action', action: 'setApiKey' });
    await controller.receive({ type: 'action', action: 'raiseBudget' });
    await controller.receive({ type: 'action', action: 'openSettings' });
    await controller.receive({ type: 'action', action: 'retry' });
    assert.deepEqual(actions, ['setApiKey', 'settings:dialogue.budgetUsd', 'settings:dialogue']);
    assert.deepEqual(session.calls, [['retry']]);
  });

  it('a refusal raises the banner with its three ways on, each reaching the session (issue 19)', async () => {
    const { controller, session, posted, actions } = setup({ fallbackModel: 'claude-haiku-4-5' });
    await controller.receive({ type: 'ready' });
    session.emit({ kind: 'event', event: { seq: 9, at: '2026-11-22T04:08:00Z', turn: 1, type: 'refusal', model: 'claude-sonnet-4-6', category: 'cyber', explanation: null, partial_text: 'x' } });
    const banner = ofType(posted, 'banner').at(-1)!;
    assert.equal(banner.message, 'The model declined this turn (cyber). It was set aside.');
    assert.deepEqual(banner.actions, ['editRefused', 'retryRefused', 'fallbackModel']);
    await controller.receive({ type: 'action', action: 'retryRefused' });
    await controller.receive({ type: 'action', action: 'fallbackModel' });
    await controller.receive({ type: 'editRefused', text: 'Put differently.' });
    await controller.receive({ type: 'action', action: 'editRefused' }); // the webview's own: nothing reaches the session
    assert.deepEqual(session.calls, [['askRefusedAgain', {}], ['askRefusedAgain', { model: 'claude-haiku-4-5' }], ['askRefusedAgain', { text: 'Put differently.' }]]);
    assert.deepEqual(actions, []);
  });

  it('"Try on another model" without dialogue.fallbackModel opens that setting instead', async () => {
    const { controller, session, actions } = setup();
    await controller.receive({ type: 'action', action: 'fallbackModel' });
    assert.deepEqual(actions, ['settings:dialogue.fallbackModel']);
    assert.deepEqual(session.calls, []);
  });

  it('close writes the session and leaves the panel read-only; input is then ignored', async () => {
    const { controller, session, posted, log } = setup();
    await controller.receive({ type: 'ready' });
    const dir = await controller.close();
    assert.equal(dir, session.dir);
    assert.equal(controller.readOnly, true);
    assert.equal(session.listenerCount, 0);
    assert.deepEqual(ofType(posted, 'readOnly').at(-1), { type: 'readOnly', readOnly: true, canContinue: true });
    await controller.receive({ type: 'say', text: 'hello?', target: null });
    assert.deepEqual(session.calls, [['close']]);
    assert.match(log.text(), /read-only/);
  });

  it('a replay continues into a live session, sending only the events the webview lacks', async () => {
    const history = [ev.intro(['mara']), ev.human(1, 'hi'), ev.speak(1, 'mara', 1, 'hello'), ev.floor(1)];
    const resumed = new FakeSession([mara], [...history, { ...ev.floor(1), type: 'resume', seq: 5 }]);
    const replay: ReplaySource = { dir: resumed.dir, title: 'Old', brief: null, events: history, roster: { cast: [], library: [] }, canContinue: true };
    const { controller, posted, actions } = setup({ replay, continueWith: resumed });
    await controller.receive({ type: 'ready' });
    const init = ofType(posted, 'init')[0]!;
    assert.equal(init.readOnly, true);
    assert.equal(init.canContinue, true);
    assert.equal(init.meter, null);
    await controller.receive({ type: 'action', action: 'continueSession' });
    assert.deepEqual(actions, [`continue:${resumed.dir}`]);
    assert.equal(controller.live, resumed);
    assert.deepEqual(ofType(posted, 'readOnly').at(-1), { type: 'readOnly', readOnly: false, canContinue: false });
    assert.deepEqual(ofType(posted, 'event').map((m) => m.event.type), ['resume']);
    await controller.receive({ type: 'say', text: 'again', target: null });
    assert.deepEqual(resumed.calls, [['say', 'again', null]]);
  });

  it('stays read-only when continuing fails', async () => {
    const replay: ReplaySource = { dir: '/x', title: 'Old', brief: null, events: [], roster: { cast: [], library: [] }, canContinue: true };
    const { controller } = setup({ replay });
    assert.equal(await controller.continueSession(), false);
    assert.equal(controller.readOnly, true);
  });

  it('dispose unsubscribes from the session', () => {
    const { controller, session, posted } = setup();
    controller.dispose();
    session.emit({ kind: 'answering', answering: true });
    assert.equal(session.listenerCount, 0);
    assert.equal(posted.length, 0);
  });
});
