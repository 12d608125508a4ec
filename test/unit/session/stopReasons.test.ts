import { strict as assert } from 'node:assert';
import { MAX_PAUSE_CONTINUATIONS } from '../../../src/engine/model/modelCall';
import { PanelSession, type SessionUpdate } from '../../../src/engine/session/panelSession';
import { auditSessions } from '../../../src/engine/store/sessionAudit';
import type { SessionEvent } from '../../../src/engine/store/sessionSchema';
import { messageText } from '../../standIn/requestBody';
import { usePanelRig } from './panelRig';

const WHOLE = '<speak who="mara">The marina stays.</speak>\n<speak who="oskar">Agreed.</speak>\n<pass who="ilse"/>';
const CUT = '<speak who="mara">The marina stays.</speak>\n<speak who="oskar">Agreed, but only if';

const ofTurn = (events: readonly SessionEvent[], turn: number) => events.filter((e) => e.turn === turn);
const anomalies = (events: readonly SessionEvent[]) => events.filter((e) => e.type === 'anomaly').map((e) => (e as { kind: string }).kind);
const stopReasons = (events: readonly SessionEvent[]) => events.filter((e) => e.type === 'cost').map((e) => (e as { stop_reason?: string | null }).stop_reason);

describe('every stop reason is recorded and handled on purpose (issue 19)', function () {
  this.timeout(30_000);
  const rig = usePanelRig('dp-stops-');

  async function oneTurn(...replies: Parameters<typeof rig.api.enqueue>): Promise<{ events: SessionEvent[]; updates: SessionUpdate[] }> {
    rig.api.enqueue(...replies);
    const s = await PanelSession.start(rig.options());
    const updates: SessionUpdate[] = [];
    s.onUpdate((u) => updates.push(u));
    await s.say('Where do you stand?', null);
    await s.close();
    assert.deepEqual((await auditSessions(rig.sessionsDir)).problems, [], 'the audit accepts it');
    return { events: ofTurn(s.events, 1), updates };
  }

  for (const reason of ['end_turn', 'stop_sequence']) {
    it(`${reason}: a normal end, recorded on the cost event`, async () => {
      const { events } = await oneTurn({ text: WHOLE, stopReason: reason });
      assert.deepEqual(stopReasons(events), [reason]);
      assert.deepEqual(anomalies(events), []);
      assert.equal(events.filter((e) => e.type === 'speak').length, 2);
    });
  }

  it('max_tokens: the cut response is marked truncated', async () => {
    const { events } = await oneTurn({ text: CUT, stopReason: 'max_tokens' });
    assert.deepEqual(stopReasons(events), ['max_tokens']);
    assert.ok(events.some((e) => e.type === 'speak' && e.speaker === 'oskar' && e.truncated));
  });

  it('model_context_window_exceeded: like a full context — anomaly, truncation marked, carry-over offered', async () => {
    const { events, updates } = await oneTurn({ text: CUT, stopReason: 'model_context_window_exceeded' });
    assert.deepEqual(stopReasons(events), ['model_context_window_exceeded']);
    assert.ok(anomalies(events).includes('context-window-exceeded'));
    assert.ok(events.some((e) => e.type === 'speak' && e.speaker === 'oskar' && e.truncated));
    assert.ok(updates.some((u) => u.kind === 'notice' && u.action === 'carryOver'));
  });

  it('pause_turn: the turn is continued with the partial reply sent back as the assistant turn', async () => {
    const first = '<speak who="mara">The marina stays. ';
    const { events } = await oneTurn({ text: first, stopReason: 'pause_turn' }, { text: 'And so does the berth.</speak>\n<pass who="oskar"/>\n<pass who="ilse"/>' });
    const second = rig.api.requests[1]!.body.messages;
    assert.equal(second.at(-1)!.role, 'assistant');
    assert.equal(messageText(second.at(-1)!), first.trimEnd(), 'the reply so far, trailing whitespace trimmed as the API requires');
    assert.deepEqual(stopReasons(events), ['pause_turn', 'end_turn']);
    assert.deepEqual(events.filter((e) => e.type === 'cost').map((e) => (e as { attempt?: number }).attempt), [1, 2]);
    const speak = events.find((e) => e.type === 'speak')!;
    assert.ok(speak.type === 'speak' && speak.text === 'The marina stays. And so does the berth.' && !speak.truncated);
    assert.deepEqual(anomalies(events), []);
  });

  it(`pause_turn more than ${MAX_PAUSE_CONTINUATIONS} times: what arrived is kept, and an anomaly says why the turn was not continued`, async () => {
    const pause = (n: number) => ({ text: `<speak who="mara">part ${n}`, stopReason: 'pause_turn' });
    const { events } = await oneTurn(pause(1), pause(2), pause(3), pause(4));
    assert.equal(stopReasons(events).length, MAX_PAUSE_CONTINUATIONS + 1);
    assert.ok(anomalies(events).includes('pause-turn'));
  });

  for (const reason of ['tool_use', 'a_reason_from_the_future']) {
    it(`${reason}: kept as a normal end, with an anomaly naming the reason`, async () => {
      const { events } = await oneTurn({ text: WHOLE, stopReason: reason });
      assert.deepEqual(stopReasons(events), [reason]);
      const a = events.find((e) => e.type === 'anomaly' && e.kind === 'unknown-stop-reason');
      assert.ok(a && a.type === 'anomaly' && a.detail.includes(reason));
    });
  }
});
