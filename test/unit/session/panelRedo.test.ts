import { strict as assert } from 'node:assert';
import { EngineError, PanelSession, type PanelSessionOptions } from '../../../src/engine/session/panelSession';
import type { SessionEvent } from '../../../src/engine/store/sessionSchema';
import { auditSessions } from '../../../src/engine/store/sessionAudit';
import { usePanelRig } from './panelRig';

const strip = (raw: string) => JSON.parse(raw, (k, v: unknown) => (k === 'cache_control' ? undefined : v)) as { system: unknown; messages: Array<{ role: string; content: Array<{ text: string }> }> };

describe('regenerate, edit and rewind', function () {
  this.timeout(30_000);
  const rig = usePanelRig('dp-redo-');
  const start = (over: Partial<PanelSessionOptions> = {}) => PanelSession.start(rig.options(over));
  const last = (s: PanelSession, type: SessionEvent['type']) => [...s.events].reverse().find((e) => e.type === type)!;

  it('regenerate resends the same request bytes, reads the whole prefix from cache, and keeps both samples', async () => {
    const s = await start();
    await s.say('One.', null);
    await s.say('Two.', null);
    const before = rig.api.requests.at(-1)!;
    await s.regenerate();
    const after = rig.api.requests.at(-1)!;
    assert.equal(after.raw, before.raw, 'a regenerate sends byte-identical request');
    const total = after.usage!.input_tokens + after.usage!.cache_creation_input_tokens + after.usage!.cache_read_input_tokens;
    assert.equal(after.usage!.cache_read_input_tokens, total - after.usage!.input_tokens, 'everything up to the breakpoint is read');
    assert.equal(after.usage!.cache_creation_input_tokens, 0);
    const hs = last(s, 'human-speak');
    assert.ok(hs.type === 'human-speak' && hs.redo === 'regenerate' && hs.redo_of === 2 && hs.turn === 3 && hs.text === 'Two.');
    assert.deepEqual(s.samples(), [2, 3]);
    const sup = last(s, 'supersede');
    assert.ok(sup.type === 'supersede' && sup.reason === 'regenerate' && sup.turns[0] === 2);

    // flip back to the first sample: the next request carries sample 2's reply
    const sample2Reply = strip(rig.api.requests[2]!.raw).messages.length; // request 3 == request 2
    await s.selectSample(2);
    await s.say('Three.', null);
    const next = strip(rig.api.requests.at(-1)!.raw).messages;
    assert.equal(next.length, sample2Reply + 2);
    assert.equal(next.at(-2)!.role, 'assistant');
    const turn2Speak = s.events.find((e) => e.type === 'speak' && e.turn === 2)!;
    assert.ok(turn2Speak.type === 'speak' && next.at(-2)!.content[0]!.text.includes(turn2Speak.text.slice(0, 20)));
    await s.close();
    assert.deepEqual((await auditSessions(rig.sessionsDir)).problems, []);
  });

  it('edit replaces only the floor line, keeping the stage directions of that turn', async () => {
    const s = await start();
    await s.say('One.', null);
    s.queueJoin(rig.lib.characters.get('tomas')!);
    await s.say('Tomás, welcom?', null);
    const before = strip(rig.api.requests.at(-1)!.raw);
    await s.edit('Tomás, welcome!');
    const after = strip(rig.api.requests.at(-1)!.raw);
    assert.deepEqual(after.messages.slice(0, -1), before.messages.slice(0, -1));
    const [b, a] = [before.messages.at(-1)!.content[0]!.text, after.messages.at(-1)!.content[0]!.text];
    assert.match(a, /<join id="tomas"/);
    assert.equal(a, b.replace('"Tomás, welcom?"', '"Tomás, welcome!"'));
    assert.ok(rig.api.requests.at(-1)!.usage!.cache_read_input_tokens > 0, 'the prefix before the edited line is read from cache');
    assert.deepEqual(s.castView().present.map((c) => c.id), ['mara', 'oskar', 'ilse', 'tomas']);
    await s.close();
    assert.deepEqual((await auditSessions(rig.sessionsDir)).problems, []);
  });

  it('rewind previews, supersedes later turns, undoes cast changes and reuses the cached prefix', async () => {
    const s = await start();
    await s.say('One.', null);
    await s.say('Two.', null);
    const requestAtTwo = strip(rig.api.requests.at(-1)!.raw);
    s.queueJoin(rig.lib.characters.get('tomas')!);
    s.queueRetire('oskar');
    await s.say('Three.', null);
    await s.say('Four.', null);
    const preview = s.rewindPreview(2);
    assert.deepEqual(preview.turns, [3, 4]);
    assert.equal(preview.humanLines, 2);
    assert.deepEqual(preview.castChanges.sort((x, y) => x.id.localeCompare(y.id)), [{ id: 'oskar', change: 'join' }, { id: 'tomas', change: 'leave' }]);
    await assert.rejects(s.rewind(7), (e: unknown) => e instanceof EngineError && e.code === 'bad-input');
    await s.rewind(2);
    assert.deepEqual(s.castView().present.map((c) => c.id).sort(), ['ilse', 'mara', 'oskar']);
    await s.say('Three, differently.', null);
    const after = rig.api.requests.at(-1)!;
    const body = strip(after.raw);
    assert.deepEqual(body.messages.slice(0, requestAtTwo.messages.length), requestAtTwo.messages, 'the context is the one sent at turn 2');
    assert.equal(body.messages.length, requestAtTwo.messages.length + 2);
    assert.doesNotMatch(body.messages.at(-1)!.content[0]!.text, /tomas/);
    const requestTwoTokens = rig.api.requests[1]!.usage!;
    assert.ok(after.usage!.cache_read_input_tokens >= requestTwoTokens.cache_read_input_tokens + requestTwoTokens.cache_creation_input_tokens, 'turn 2\'s cached prefix is read');
    const types = s.events.filter((e) => e.turn === 4).map((e) => e.type);
    const tail = types.slice(types.indexOf('floor') + 1);
    assert.equal(tail[0], 'supersede');
    assert.deepEqual(tail.slice(1).sort(), ['join', 'leave']);
    const { dir } = await s.close();
    assert.deepEqual((await auditSessions(rig.sessionsDir)).problems, []);
    // the rewind survives a resume: the next call extends the rewound line
    const resumed = await PanelSession.resume(dir, { library: rig.lib, model: 'claude-sonnet-4-6', maxTokens: 1024, cacheTtl: '5m', deliberationDepth: 'full', sessionsDir: rig.sessionsDir, apiKey: 'k-0000000000', baseURL: rig.api.url });
    await resumed.say('After resume.', null);
    assert.equal(strip(rig.api.requests.at(-1)!.raw).messages.length, body.messages.length + 2);
    await resumed.close();
  });

  it('refuses redo before any turn and rewind to a superseded turn', async () => {
    const s = await start();
    await assert.rejects(s.regenerate(), (e: unknown) => e instanceof EngineError && e.code === 'bad-input');
    await s.say('One.', null);
    await s.regenerate();
    await assert.rejects(s.rewind(1), /not in the current line/);
    await s.rewind(0);
    await s.say('Fresh start.', null);
    assert.equal(strip(rig.api.requests.at(-1)!.raw).messages.length, 1);
    await s.close();
    assert.deepEqual((await auditSessions(rig.sessionsDir)).problems, []);
  });
});
