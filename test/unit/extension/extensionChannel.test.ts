import { strict as assert } from 'node:assert';
import { PanelChannel } from '../../../src/extension/panel/panelChannel';
import { hostMessageSchema, type HostMessage, type StreamPart } from '../../../src/protocol';
import { ArrayLog, ev } from './extensionFakes';

type Init = Extract<HostMessage, { type: 'init' }>;

function init(events = [] as Init['events']): Init {
  return { type: 'init', title: 'T', brief: null, cast: [], library: [], theme: 'cream', readOnly: false, canContinue: false, events, answering: false, meter: null };
}

function part(turn: number, phase: StreamPart['phase'], text: string, over: Partial<StreamPart> = {}): StreamPart {
  return { type: 'stream', turn, item: 'speak', phase, speaker: 'mara', order: 1, text, ...over };
}

function setup(snapshot: () => Init = () => init()) {
  const posted: HostMessage[] = [];
  const log = new ArrayLog();
  const channel = new PanelChannel({ post: (m) => posted.push(m), snapshot, log });
  return { posted, log, channel };
}

describe('extension: PanelChannel (ready handshake, queue, stale turns)', () => {
  beforeEach(() => ev.reset());

  it('posts nothing before ready, then init first', () => {
    const { posted, channel } = setup();
    channel.send({ type: 'answering', answering: true });
    channel.send({ type: 'banner', level: 'error', message: 'bad key', actions: ['setApiKey'] });
    assert.equal(posted.length, 0);
    channel.markReady();
    assert.equal(posted[0]?.type, 'init');
    // the banner is not part of the snapshot, so it survives the queue; answering is in the snapshot.
    assert.deepEqual(posted.slice(1), [{ type: 'banner', level: 'error', message: 'bad key', actions: ['setApiKey'] }]);
  });

  it('does not duplicate events the snapshot already carries', () => {
    const events = [ev.intro(['mara']), ev.human(1, 'hello')];
    const { posted, channel } = setup(() => init(events));
    for (const e of events) channel.send({ type: 'event', event: e });
    channel.markReady();
    assert.deepEqual(posted.map((m) => m.type), ['init']);
    assert.equal((posted[0] as Init).events.length, 2);
  });

  it('posts directly once ready, in order', () => {
    const { posted, channel } = setup();
    channel.markReady();
    channel.send({ type: 'answering', answering: true });
    channel.send(part(1, 'start', ''));
    channel.send(part(1, 'delta', 'Hel'));
    assert.deepEqual(posted.map((m) => m.type), ['init', 'answering', 'stream', 'stream']);
  });

  it('drops stream parts of a turn older than the newest seen', () => {
    const { posted, channel, log } = setup();
    channel.markReady();
    channel.send(part(2, 'start', ''));
    channel.send({ type: 'event', event: { ...ev.human(3, 'next'), turn: 3 } });
    channel.send(part(2, 'delta', 'late'));
    const streams = posted.filter((m) => m.type === 'stream') as StreamPart[];
    assert.deepEqual(streams.map((s) => s.text), ['']);
    assert.match(log.text(), /stale stream part of turn 2/);
  });

  it('replays a response still streaming to a webview that (re)loads mid-turn', () => {
    const { posted, channel } = setup();
    channel.markReady();
    channel.send(part(1, 'start', 'Wel', { item: 'line', order: 1 }));
    channel.send(part(1, 'delta', 'come', { item: 'line', order: 1 }));
    channel.send(part(1, 'delta', ' back', { item: 'line', order: 1 }));
    channel.markGone();
    posted.length = 0;
    channel.send(part(1, 'delta', '!', { item: 'line', order: 1 }));
    channel.markReady();
    assert.equal(posted[0]?.type, 'init');
    const replay = posted.slice(1) as StreamPart[];
    assert.deepEqual(replay.map((p) => [p.phase, p.text]), [['start', 'Wel'], ['delta', 'come back!']]);
    for (const m of posted) assert.ok(hostMessageSchema.safeParse(m).success, `valid ${m.type}`);
  });

  it('a completed event or the floor closes the open stream (nothing replayed afterwards)', () => {
    const { posted, channel } = setup();
    channel.markReady();
    channel.send(part(1, 'start', '', { order: 2, speaker: 'oskar' }));
    channel.send(part(1, 'delta', 'Yes', { order: 2, speaker: 'oskar' }));
    channel.send(part(1, 'start', '', { item: 'line', order: 1 }));
    channel.send({ type: 'event', event: ev.speak(1, 'oskar', 2, 'Yes') });
    channel.markGone();
    posted.length = 0;
    channel.markReady();
    assert.deepEqual(posted.map((m) => (m.type === 'stream' ? `${m.item}:${m.speaker}` : m.type)), ['init', 'line:mara']);
    channel.send({ type: 'event', event: ev.floor(1) });
    channel.markGone();
    posted.length = 0;
    channel.markReady();
    assert.deepEqual(posted.map((m) => m.type), ['init']);
  });

  it('a deliberation event settles only one open line of that speaker', () => {
    const { posted, channel } = setup();
    channel.markReady();
    channel.send(part(1, 'start', 'first', { item: 'line', order: 1 }));
    channel.send(part(1, 'start', 'second', { item: 'line', order: 3 }));
    channel.send({ type: 'event', event: ev.line(1, 'mara', 'first') });
    channel.markGone();
    posted.length = 0;
    channel.markReady();
    const replay = posted.filter((m) => m.type === 'stream') as StreamPart[];
    assert.deepEqual(replay.map((p) => p.order), [3]);
  });

  it('answering:false clears open streams', () => {
    const { posted, channel } = setup();
    channel.markReady();
    channel.send(part(1, 'start', 'cut'));
    channel.send({ type: 'answering', answering: false });
    channel.markGone();
    posted.length = 0;
    channel.markReady();
    assert.deepEqual(posted.map((m) => m.type), ['init']);
  });
});
