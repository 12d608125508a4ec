import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { MODEL_TABLE } from '../../../src/engine/cost/modelTable';
import { PanelSession } from '../../../src/engine/session/panelSession';
import type { InteractiveLog } from '../../../src/engine/store/sessionSchema';
import { auditSessions } from '../../../src/engine/store/sessionAudit';
import { usePanelRig } from './panelRig';

const ROOT = path.join(__dirname, '..', '..', '..');
const readJson = async <T>(file: string): Promise<T> => JSON.parse(await fs.readFile(file, 'utf8')) as T;

describe('the run\'s conditions (SPEC 9)', function () {
  this.timeout(30_000);
  const rig = usePanelRig('dp-conditions-');

  it('event-log.json carries the conditions of the run, with the hash of the system exactly as sent', async () => {
    const s = await PanelSession.start(rig.options({ model: 'claude-sonnet-4-6', maxTokens: 777, cacheTtl: '1h', deliberationDepth: 'brief' }));
    await s.say('Hello.', null);
    const { dir } = await s.close();
    const log = await readJson<InteractiveLog>(path.join(dir, 'event-log.json'));
    const c = log.conditions!;
    assert.ok(c, 'conditions are recorded');
    const sent = JSON.parse(rig.api.requests[0]!.raw) as { system: Array<{ text: string }>; temperature?: number };
    assert.equal(c.system_sha256, createHash('sha256').update(sent.system.map((b) => b.text).join('')).digest('hex'));
    assert.equal(c.model, 'claude-sonnet-4-6');
    assert.equal(c.max_tokens, 777);
    assert.equal(c.cache_ttl, '1h');
    assert.equal(c.deliberation_depth, 'brief');
    assert.deepEqual(c.sampling, {}, 'no sampling parameters are sent');
    assert.equal(sent.temperature, undefined);
    const table = MODEL_TABLE.find((m) => m.id === 'claude-sonnet-4-6')!;
    assert.equal(c.prices!.source, table.source);
    assert.equal(c.prices!.tiers[0]!.input, table.tiers[0]!.input);
    assert.equal(c.prices!.tiers[0]!.cache_write_1h, table.tiers[0]!.cacheWrite1h);
    assert.equal(c.engine_version, (await readJson<{ version: string }>(path.join(ROOT, 'package.json'))).version);
    assert.equal(c.sdk_version, (await readJson<{ version: string }>(path.join(ROOT, 'node_modules', '@anthropic-ai', 'sdk', 'package.json'))).version);
    assert.deepEqual(Object.keys(log.events[0]!.type === 'intro' ? log.events[0]!.profiles! : {}), ['mara', 'oskar', 'ilse']);
  });

  it('a different model on resume and a TTL toggle are condition-change events; the opening conditions stay on top', async () => {
    const s = await PanelSession.start(rig.options());
    await s.say('One.', null);
    const { dir } = await s.close();
    const resumed = await PanelSession.resume(dir, rig.options({ model: 'claude-opus-4-6' }));
    resumed.setCacheTtl('1h');
    resumed.setCacheTtl('1h'); // no change, no event
    await resumed.say('Two.', null);
    assert.equal(resumed.conditions.model, 'claude-opus-4-6');
    await resumed.close();
    const log = await readJson<InteractiveLog>(path.join(dir, 'event-log.json'));
    const changes = log.events.flatMap((e) => (e.type === 'condition-change' ? [e.changes] : []));
    assert.equal(changes.length, 2);
    assert.deepEqual(changes[0]!.model, { from: 'claude-sonnet-4-6', to: 'claude-opus-4-6' });
    assert.equal(changes[0]!.prices!.to!.model, 'claude-opus-4-6');
    assert.deepEqual(changes[1], { cache_ttl: { from: '5m', to: '1h' } });
    assert.equal(log.conditions!.model, 'claude-sonnet-4-6', 'the top-level conditions are those the run opened with');
    assert.match(await fs.readFile(path.join(dir, 'transcript.md'), 'utf8'), /Conditions changed: model claude-sonnet-4-6 → claude-opus-4-6/);
    assert.deepEqual((await auditSessions(rig.sessionsDir)).problems, []);
  });

  it('a rewind that brings back an opening member whose file is gone logs their real profile hash', async () => {
    const s = await PanelSession.start(rig.options({ cast: ['mara', 'oskar'] }));
    await s.say('One.', null);
    s.queueRetire('oskar');
    await s.say('Two.', null);
    const { dir } = await s.close();
    const lib = { ...rig.lib, characters: new Map([...rig.lib.characters].filter(([id]) => id !== 'oskar')) };
    const resumed = await PanelSession.resume(dir, rig.options({ library: lib }));
    await resumed.rewind(1);
    await resumed.close();
    const log = await readJson<InteractiveLog>(path.join(dir, 'event-log.json'));
    const rejoin = log.events.find((e) => e.type === 'join' && e.reason === 'rewind');
    assert.ok(rejoin && rejoin.type === 'join');
    assert.equal(rejoin.profile_sha256, rig.lib.characters.get('oskar')!.sha256);
  });
});
