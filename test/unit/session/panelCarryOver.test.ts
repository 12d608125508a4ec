import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { EngineError, PanelSession } from '../../../src/engine/session/panelSession';
import { auditSessions } from '../../../src/engine/store/sessionAudit';
import { usePanelRig } from './panelRig';

const SUMMARY = '<summary>The floor asked about the marina; Mara holds firm, Ilse cites the flood line.</summary>\n<member id="mara">I gave nothing away.</member>\n<member id="ilse">The flood line is not negotiable.</member>';

describe('carry-over and the context meter', function () {
  this.timeout(30_000);
  const rig = usePanelRig('dp-carry-');
  it('summarises over the cached context, opens a linked fresh session with the current cast, dropping retired materials', async () => {
    const s = await PanelSession.start(rig.options());
    await s.say('The marina?', null);
    s.queueRetire('oskar');
    await s.say('Without Oskar?', null);
    rig.api.enqueue({ text: SUMMARY });
    const { closedDir, next } = await s.carryOver({ library: rig.lib, brief: rig.lib.briefs.get('harbour-deal')! });
    const summaryCall = rig.api.requests.at(-1)!;
    assert.ok(summaryCall.usage!.cache_read_input_tokens > 0, 'the summary call reads the cached history');
    assert.deepEqual(next.castView().present.map((c) => c.id), ['mara', 'ilse']);
    const system = next.promptContext.system.join('\n');
    assert.match(system, /<carried-over from=/);
    assert.match(system, /Mara Voss \(mara\), in their own words: I gave nothing away\./);
    assert.doesNotMatch(system, /<character id="oskar"/, 'retired materials are dropped at carry-over');
    await next.say('Picking up where we left off.', null);
    const { dir: nextDir } = await next.close();
    const oldLog = JSON.parse(await fs.readFile(path.join(closedDir, 'event-log.json'), 'utf8'));
    const newLog = JSON.parse(await fs.readFile(path.join(nextDir, 'event-log.json'), 'utf8'));
    assert.equal(oldLog.continued_in, newLog.session_id);
    assert.equal(newLog.continues_from, oldLog.session_id);
    assert.ok(oldLog.events.some((e: { type: string; turn: number }) => e.type === 'cost' && e.turn === 2), 'the summary call is paid for in the old session');
    assert.equal(newLog.events[0].carried_over.from, oldLog.session_id);
    assert.deepEqual((await auditSessions(rig.sessionsDir)).problems, []);
  });

  it('records context_tokens, warns at 80% of the window, and refuses the next call at the limit', async () => {
    const s = await PanelSession.start(rig.options({ contextWindow: 3000 }));
    const notices: string[] = [];
    s.onUpdate((u) => u.kind === 'notice' && notices.push(u.message));
    await s.say('One.', null);
    const cost = s.events.find((e) => e.type === 'cost')!;
    assert.ok(cost.type === 'cost' && cost.context_tokens === cost.input_tokens + cost.cache_creation_input_tokens + cost.cache_read_input_tokens);
    let refused = false;
    for (let i = 0; i < 10 && !refused; i++) {
      try {
        await s.say(`Turn ${i + 2}, with a long enough line to grow the context quickly: ${'words '.repeat(60)}`, null);
      } catch (e) {
        assert.ok(e instanceof EngineError && e.code === 'context-full', String(e));
        refused = true;
      }
    }
    assert.ok(refused, 'the call past the window is refused');
    assert.ok(notices.some((n) => /% of the model's \d+-token window/.test(n)));
    await new Promise((r) => setImmediate(r));
    assert.ok(s.events.some((e) => e.type === 'anomaly' && e.kind === 'context-warning'));
    const m = s.meter();
    assert.equal(m.contextWindow, 3000);
    assert.ok(m.contextTokens >= 3000);
    assert.ok(m.cacheWarmUntil !== null && m.cacheWarmUntil > Date.now());
    assert.equal(m.coldWriteUsd, null, 'still warm: no cold-write estimate');
    const cold = s.meter(Date.now() + 6 * 60_000);
    assert.ok(cold.coldWriteUsd !== null && cold.coldWriteUsd > 0, 'once cold, the next write is estimated');
    s.setCacheTtl('1h');
    const hour = s.meter(Date.now() + 6 * 60_000);
    assert.equal(hour.ttl, '1h');
    assert.equal(hour.cacheWarmUntil, m.cacheWarmUntil, 'warmth follows the ttl the last call cached with');
    assert.ok(hour.coldWriteUsd! > cold.coldWriteUsd!, 'the next write is priced at the 1h rate');
    await s.close();
  });
});
