import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { EngineError, PanelSession, type SessionUpdate } from '../../../src/engine/session/panelSession';
import type { SessionEvent } from '../../../src/engine/store/sessionSchema';
import { auditSessions } from '../../../src/engine/store/sessionAudit';
import { countTokens } from '../../standIn/messagesStandIn';
import { TEST_KEY as KEY, usePanelRig } from './panelRig';


const THREE = '<confer>\n<line who="mara">The marina stays.</line>\n<line who="oskar">Then the berth stays too.</line>\n</confer>\n<speak who="mara">The **marina** is not negotiable.</speak>\n<speak who="oskar">Nor is the east berth.</speak>\n<pass who="ilse"/>';

describe('PanelSession against the Messages stand-in', function () {
  this.timeout(30_000);
  const rig = usePanelRig('dp-sessions-');
  const types = (events: readonly SessionEvent[], turn: number) => events.filter((e) => e.turn === turn).map((e) => e.type);

  it('plays a turn: events in SPEC order, live stream parts, valid folder on close', async () => {
    rig.api.enqueue({ text: THREE, chunkSize: 7 });
    const s = await PanelSession.start(rig.options());
    const updates: SessionUpdate[] = [];
    s.onUpdate((u) => updates.push(u));
    await s.say('Where do you stand on the marina?', null);
    assert.deepEqual(types(s.events, 1), ['human-speak', 'deliberation', 'deliberation', 'speak', 'speak', 'pass', 'cost', 'floor']);
    const speak = s.events.find((e) => e.type === 'speak')!;
    assert.equal(speak.type === 'speak' && speak.text, 'The **marina** is not negotiable.');
    const deltas = updates.filter((u) => u.kind === 'stream' && u.part.phase === 'delta' && u.part.item === 'speak');
    assert.ok(deltas.length >= 3, 'the response streamed in several deltas');
    const cost = s.events.find((e) => e.type === 'cost')!;
    assert.ok(cost.type === 'cost' && cost.usd !== null && cost.usd > 0 && cost.input_tokens + cost.cache_creation_input_tokens > 1000);
    const { dir } = await s.close();
    const log = JSON.parse(await fs.readFile(path.join(dir, 'event-log.json'), 'utf8'));
    assert.equal(log.mode, 'interactive');
    assert.equal(log.totals.usd, (cost as { usd: number }).usd);
    assert.match(await fs.readFile(path.join(dir, 'transcript.md'), 'utf8'), /marina/);
    const audit = await auditSessions(rig.sessionsDir);
    assert.deepEqual(audit.problems, []);
    assert.equal(audit.folders, 1);
  });

  it('queues cast changes to the next boundary and never retires the last member', async () => {
    const s = await PanelSession.start(rig.options({ cast: ['mara', 'oskar'] }));
    s.queueJoin(rig.lib.characters.get('tomas')!);
    s.queueRetire('oskar');
    assert.deepEqual(s.castView().pending, [{ id: 'tomas', change: 'join' }, { id: 'oskar', change: 'retire' }]);
    await s.say('Welcome, Tomás.', null);
    assert.deepEqual(types(s.events, 1).slice(0, 3), ['join', 'leave', 'human-speak']);
    const join = s.events.find((e) => e.type === 'join')!;
    assert.ok(join.type === 'join' && join.profile_sha256 === rig.lib.characters.get('tomas')!.sha256);
    assert.deepEqual(s.castView().present.map((c) => c.id), ['mara', 'tomas']);
    assert.throws(() => { s.queueRetire('tomas'); s.queueRetire('mara'); }, (e: unknown) => e instanceof EngineError && e.code === 'last-member');
    const last = rig.api.requests.at(-1)!.raw;
    assert.match(last, /<join id=\\"tomas\\"/);
    assert.match(last, /<retire id=\\"oskar\\"\/>/);
    await s.close();
  });

  it('an @address gets one response and no confer', async () => {
    const s = await PanelSession.start(rig.options());
    await s.say('Ilse, the flood line?', 'ilse');
    const t1 = s.events.filter((e) => e.turn === 1);
    assert.deepEqual(t1.filter((e) => e.type === 'speak').map((e) => (e as { speaker: string }).speaker), ['ilse']);
    assert.equal(t1.filter((e) => e.type === 'deliberation').length, 0);
    assert.match(rig.api.requests[0]!.raw, /<address id=\\"ilse\\"\/>/);
    await s.close();
  });

  it('stopping mid-stream keeps what arrived, marks it truncated and still records cost', async () => {
    rig.api.enqueue({ text: '<speak who="mara">The marina is where the money is, and', chunkSize: 5, holdOpen: true });
    const s = await PanelSession.start(rig.options());
    s.onUpdate((u) => {
      if (u.kind === 'stream' && u.part.phase === 'delta' && u.part.text.includes('and')) s.stop();
    });
    await s.say('Go on.', null);
    const t1 = s.events.filter((e) => e.turn === 1);
    const speak = t1.find((e) => e.type === 'speak');
    assert.ok(speak && speak.type === 'speak' && speak.truncated && speak.text.startsWith('The marina'));
    assert.ok(t1.some((e) => e.type === 'cost'));
    assert.ok(t1.some((e) => e.type === 'error' && e.kind === 'stopped'));
    assert.equal(t1.at(-1)!.type, 'floor');
    assert.ok(!t1.some((e) => e.type === 'anomaly' && e.kind === 'unterminated'), 'a stop is not off-format');
    await s.say('Next.', null);
    await s.close();
  });

  it('retries 429 and 529 visibly, then succeeds', async () => {
    rig.api.enqueue({ status: 429, retryAfterMs: 5 }, { status: 529, retryAfterMs: 5 }, { text: THREE });
    const s = await PanelSession.start(rig.options());
    const notices: string[] = [];
    s.onUpdate((u) => u.kind === 'notice' && notices.push(u.message));
    await s.say('Hello.', null);
    const retries = s.events.filter((e) => e.type === 'retry');
    assert.deepEqual(retries.map((e) => (e as { status: number }).status), [429, 529]);
    assert.equal(notices.length, 2);
    assert.match(notices[0]!, /429.*retrying/);
    assert.equal(s.events.filter((e) => e.type === 'speak').length, 2);
    await s.close();
  });

  it('a 401 says how to set the key, offers the action, and never echoes the key', async () => {
    await rig.restartApi({ apiKey: 'sk-the-right-key-000000' });
    const s = await PanelSession.start(rig.options({ baseURL: rig.api.url }));
    const notices: SessionUpdate[] = [];
    s.onUpdate((u) => u.kind === 'notice' && notices.push(u));
    await s.say('Hello.', null);
    const err = s.events.find((e) => e.type === 'error')!;
    assert.ok(err.type === 'error' && err.kind === 'authentication' && /Set API Key/.test(err.message));
    assert.ok(notices.some((n) => n.kind === 'notice' && n.action === 'setApiKey'));
    const { dir } = await s.close();
    for (const f of await fs.readdir(dir)) assert.ok(!(await fs.readFile(path.join(dir, f), 'utf8')).includes(KEY), `${f} has the key`);
  });

  it('a dropped connection keeps the partial response as truncated and records an anomaly', async () => {
    rig.api.enqueue({ text: THREE, dropAfterChars: 150, chunkSize: 10 });
    const s = await PanelSession.start(rig.options());
    await s.say('Hello.', null);
    const t1 = s.events.filter((e) => e.turn === 1);
    assert.equal(t1.filter((e) => e.type === 'deliberation').length, 2);
    const speak = t1.find((e) => e.type === 'speak');
    assert.ok(speak && speak.type === 'speak' && speak.truncated);
    assert.ok(t1.some((e) => e.type === 'anomaly' && e.kind === 'unterminated'));
    assert.ok(t1.some((e) => e.type === 'error' && e.kind === 'connection'));
    assert.ok(t1.some((e) => e.type === 'cost'));
    await s.close();
  });

  it('an unknown model records tokens with usd null and an anomaly', async () => {
    const s = await PanelSession.start(rig.options({ model: 'local-llama' }));
    await s.say('Hello.', null);
    const cost = s.events.find((e) => e.type === 'cost')!;
    assert.ok(cost.type === 'cost' && cost.usd === null && cost.input_tokens + cost.cache_creation_input_tokens > 0);
    assert.ok(s.events.some((e) => e.type === 'anomaly' && e.kind === 'unknown-price'));
    const { dir } = await s.close();
    const log = JSON.parse(await fs.readFile(path.join(dir, 'event-log.json'), 'utf8'));
    assert.equal(log.totals.usd, null);
  });

  it('refuses the next call once the budget is spent', async () => {
    const s = await PanelSession.start(rig.options({ budgetUsd: 0.000001 }));
    await s.say('Hello.', null);
    await assert.rejects(s.say('Again.', null), (e: unknown) => e instanceof EngineError && e.code === 'budget');
    assert.equal(rig.api.requests.length, 1);
    await s.close();
  });

  it('20 turns with a join and a retire: append-only requests, and each turn writes only the new tail', async () => {
    const s = await PanelSession.start(rig.options());
    for (let t = 1; t <= 20; t++) {
      if (t === 7) s.queueJoin(rig.lib.characters.get('tomas')!);
      if (t === 13) s.queueRetire('oskar');
      await s.say(`Turn ${t}: what changes if the committee delays by ${t} weeks?`, t % 5 === 0 ? 'mara' : null);
    }
    const bodies = rig.api.requests.map((r) => JSON.parse(r.raw, (k, v: unknown) => (k === 'cache_control' ? undefined : v)) as { system: unknown; messages: unknown[] });
    for (let i = 1; i < bodies.length; i++) {
      assert.deepEqual(bodies[i]!.system, bodies[0]!.system, `request ${i + 1} keeps the system`);
      assert.deepEqual(bodies[i]!.messages.slice(0, bodies[i - 1]!.messages.length), bodies[i - 1]!.messages, `request ${i + 1} extends request ${i}`);
    }
    for (let i = 1; i < rig.api.requests.length; i++) {
      const usage = rig.api.requests[i]!.usage!;
      const msgs = (bodies[i]!.messages as Array<{ content: Array<{ text: string }> }>).slice(-2);
      const tail = msgs.reduce((n, m) => n + m.content.reduce((k, b) => k + countTokens(b.text), 0), 0);
      const written = usage.cache_creation_input_tokens;
      assert.ok(Math.abs(written - tail) <= tail * 0.05 + 8, `turn ${i + 1}: wrote ${written}, tail ${tail}`);
      assert.ok(usage.cache_read_input_tokens > 0, `turn ${i + 1} reads the cache`);
    }
    await s.close();
  });

  it('continues a closed session byte-for-byte in the same folder', async () => {
    const s = await PanelSession.start(rig.options());
    await s.say('First.', null);
    const { dir } = await s.close();
    const before = rig.api.requests.at(-1)!;
    const resumed = await PanelSession.resume(dir, { ...rig.options(), library: rig.lib });
    assert.ok((resumed.meter().cacheWarmUntil ?? 0) > Date.now(), 'a session continued right away is still warm');
    assert.ok(resumed.meter().contextTokens > 0);
    await resumed.say('Second.', null);
    const after = rig.api.requests.at(-1)!;
    const strip = (raw: string) => JSON.parse(raw, (k, v: unknown) => (k === 'cache_control' ? undefined : v)) as { system: unknown; messages: unknown[] };
    assert.deepEqual(strip(after.raw).system, strip(before.raw).system);
    assert.deepEqual(strip(after.raw).messages.slice(0, strip(before.raw).messages.length), strip(before.raw).messages);
    assert.ok(after.usage!.cache_read_input_tokens >= before.usage!.cache_read_input_tokens + before.usage!.cache_creation_input_tokens - 2);
    await resumed.close();
    const log = JSON.parse(await fs.readFile(path.join(dir, 'event-log.json'), 'utf8'));
    assert.ok(log.events.some((e: SessionEvent) => e.type === 'resume'));
    assert.equal(log.events.filter((e: SessionEvent) => e.type === 'human-speak').length, 2);
    assert.deepEqual((await auditSessions(rig.sessionsDir)).problems, []);
  });
});
