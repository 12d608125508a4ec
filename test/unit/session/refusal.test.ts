import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { PanelSession, type SessionUpdate } from '../../../src/engine/session/panelSession';
import { auditSessions } from '../../../src/engine/store/sessionAudit';
import type { SessionEvent } from '../../../src/engine/store/sessionSchema';
import { messageText } from '../../standIn/requestBody';
import { usePanelRig } from './panelRig';

/** Distinctive partial texts, so "the next request holds it" is a plain substring test. */
const MID_CONFER = '<confer>\n<line who="mara">Zebra-cipher plan: step one is';
const MID_SPEAK = '<confer>\n<line who="mara">I open.</line>\n</confer>\n<speak who="mara">Fine, I answer.</speak>\n<speak who="oskar">The quagga recipe goes like';
const REFUSAL = { category: 'cyber', explanation: 'This request could enable cyber harm.' };

const ofTurn = (events: readonly SessionEvent[], turn: number) => events.filter((e) => e.turn === turn);
const requestText = (i: number, api: { requests: Array<{ body: { messages: Parameters<typeof messageText>[0][] } }> }) =>
  api.requests[i]!.body.messages.map(messageText).join('\n');

describe('a refusal: recorded, the turn set aside, the session goes on (issue 19)', function () {
  this.timeout(30_000);
  const rig = usePanelRig('dp-refusal-');

  async function closeAndAudit(s: PanelSession): Promise<{ dir: string; transcript: string }> {
    const { dir } = await s.close();
    assert.deepEqual((await auditSessions(rig.sessionsDir)).problems, []);
    return { dir, transcript: await fs.readFile(path.join(dir, 'transcript.md'), 'utf8') };
  }

  it('mid-confer: refusal event, cost with stop_details, supersede; the next request holds neither the refused text nor its line', async () => {
    rig.api.enqueue({ text: MID_CONFER, refusal: REFUSAL });
    const s = await PanelSession.start(rig.options());
    const updates: SessionUpdate[] = [];
    s.onUpdate((u) => updates.push(u));
    await s.say('Tell me the zebra plan.', null);
    const t1 = ofTurn(s.events, 1);
    assert.deepEqual(t1.map((e) => e.type), ['human-speak', 'deliberation', 'cost', 'refusal', 'supersede', 'floor']);
    const cost = t1.find((e) => e.type === 'cost')!;
    assert.ok(cost.type === 'cost' && cost.stop_reason === 'refusal');
    assert.deepEqual(cost.type === 'cost' && cost.stop_details, { type: 'refusal', ...REFUSAL });
    const refusal = t1.find((e) => e.type === 'refusal')!;
    assert.ok(refusal.type === 'refusal');
    assert.equal(refusal.category, 'cyber');
    assert.equal(refusal.explanation, REFUSAL.explanation);
    assert.equal(refusal.partial_text, MID_CONFER);
    assert.equal(refusal.model, 'claude-sonnet-4-6');
    const sup = t1.find((e) => e.type === 'supersede')!;
    assert.ok(sup.type === 'supersede' && sup.reason === 'refusal');
    assert.deepEqual(sup.type === 'supersede' && sup.turns, [1]);
    assert.ok(!t1.some((e) => e.type === 'anomaly'), 'a refusal is no format problem');
    assert.equal(s.promptContext.messages.length, 0, 'the context is back to before the turn');
    assert.deepEqual(s.refusedTurn, { turn: 1, text: 'Tell me the zebra plan.', target: null, category: 'cyber' });

    await s.say('Where do you stand on the marina?', null);
    const next = requestText(1, rig.api);
    assert.ok(!next.includes('Zebra-cipher') && !next.includes('zebra plan'), 'neither the refused text nor its line');
    assert.ok(ofTurn(s.events, 2).some((e) => e.type === 'speak'), 'the next turn is answered (a context still holding the refusal would be refused again)');
    assert.equal(s.refusedTurn, null);
    const { transcript } = await closeAndAudit(s);
    assert.match(transcript, /## Declined/);
    assert.match(transcript, /The model declined this turn\*\* \(cyber: This request could enable cyber harm\.\)/);
    assert.match(transcript, /What had arrived: &lt;confer&gt; &lt;line who="mara"&gt;Zebra-cipher plan: step one is/);
  });

  it('continuing without the reset is refused again by the stand-in (the test above would fail)', async () => {
    rig.api.enqueue({ text: MID_CONFER, refusal: REFUSAL });
    const s = await PanelSession.start(rig.options());
    await s.say('Tell me the zebra plan.', null);
    await s.close();
    // The same context sent again with the refused reply kept, as the engine did before this issue:
    const body = { ...rig.api.requests[0]!.body, messages: [...rig.api.requests[0]!.body.messages, { role: 'assistant', content: MID_CONFER.trim() }, { role: 'user', content: 'Go on.' }] };
    const res = await fetch(`${rig.api.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'k' }, body: JSON.stringify({ ...body, stream: false }) });
    const message = (await res.json()) as { stop_reason: string; stop_details: { type: string } };
    assert.equal(message.stop_reason, 'refusal');
    assert.equal(message.stop_details.type, 'refusal');
  });

  it('mid-speak, then "Try again": the same line re-asked (redo_of), the refused text never sent again', async () => {
    rig.api.enqueue({ text: MID_SPEAK, refusal: { category: null, explanation: null } });
    const s = await PanelSession.start(rig.options());
    await s.say('And the quagga?', null);
    const t1 = ofTurn(s.events, 1);
    assert.deepEqual(t1.filter((e) => e.type === 'speak').map((e) => e.type === 'speak' && [e.speaker, e.truncated]), [['mara', false], ['oskar', true]]);
    const refusal = t1.find((e) => e.type === 'refusal')!;
    assert.ok(refusal.type === 'refusal' && refusal.category === null && refusal.partial_text === MID_SPEAK);
    await s.askRefusedAgain();
    const again = requestText(1, rig.api);
    assert.ok(again.includes('And the quagga?'), 'the same line is asked again');
    assert.ok(!again.includes('quagga recipe') && !again.includes('Fine, I answer'), 'none of the refused reply');
    const asked = ofTurn(s.events, 2).find((e) => e.type === 'human-speak')!;
    assert.ok(asked.type === 'human-speak' && asked.redo_of === 1 && asked.redo === 'regenerate' && asked.model === undefined);
    assert.ok(ofTurn(s.events, 2).some((e) => e.type === 'speak' && !e.truncated));
    const { transcript } = await closeAndAudit(s);
    assert.match(transcript, /- \*\*The model declined this turn\*\*: it was set aside/);
    assert.match(transcript, /\*\*Oskar Lind:\*\* \*\(cut off\)\* The quagga recipe goes like/);
  });

  it('"Edit your line": the rephrased line is sent instead of the original', async () => {
    rig.api.enqueue({ text: MID_CONFER, refusal: REFUSAL });
    const s = await PanelSession.start(rig.options());
    await s.say('Tell me the zebra plan.', null);
    await s.askRefusedAgain({ text: 'Tell me about the harbour instead.' });
    const again = requestText(1, rig.api);
    assert.ok(again.includes('Tell me about the harbour instead.') && !again.includes('zebra'));
    const asked = ofTurn(s.events, 2).find((e) => e.type === 'human-speak')!;
    assert.ok(asked.type === 'human-speak' && asked.redo === 'edit' && asked.redo_of === 1);
    await closeAndAudit(s);
  });

  it('"Try on another model": the retried call goes to the fallback model, and its cost and line say so', async () => {
    rig.api.enqueue({ text: MID_CONFER, refusal: REFUSAL });
    const s = await PanelSession.start(rig.options());
    await s.say('Tell me the zebra plan.', null);
    await s.askRefusedAgain({ model: 'claude-haiku-4-5' });
    assert.equal(rig.api.requests[1]!.body.model, 'claude-haiku-4-5');
    const t2 = ofTurn(s.events, 2);
    const asked = t2.find((e) => e.type === 'human-speak')!;
    assert.ok(asked.type === 'human-speak' && asked.model === 'claude-haiku-4-5' && asked.redo === 'regenerate');
    const cost = t2.find((e) => e.type === 'cost')!;
    assert.ok(cost.type === 'cost' && cost.model === 'claude-haiku-4-5' && cost.usd !== null);
    await s.say('And now?', null);
    assert.equal(rig.api.requests[2]!.body.model, 'claude-sonnet-4-6', 'only that one turn went to the fallback');
    await closeAndAudit(s);
  });

  it('cast changes that landed with the refused turn are put back and land again with the next one', async () => {
    rig.api.enqueue({ text: MID_CONFER, refusal: REFUSAL });
    const s = await PanelSession.start(rig.options({ cast: ['mara', 'oskar'] }));
    s.queueJoin(rig.lib.characters.get('ilse')!);
    s.queueRetire('oskar');
    await s.say('Tell me the zebra plan.', null);
    assert.deepEqual(s.castView().present.map((c) => c.id), ['mara', 'oskar'], 'the roster as before the refused turn');
    assert.deepEqual(s.castView().pending, [{ id: 'ilse', change: 'join' }, { id: 'oskar', change: 'retire' }]);
    const t1 = ofTurn(s.events, 1);
    assert.deepEqual(t1.filter((e) => e.type === 'join' || e.type === 'leave').map((e) => `${e.type}:${(e as { speaker: string }).speaker}:${(e as { reason?: string }).reason ?? ''}`),
      ['join:ilse:', 'leave:oskar:', 'leave:ilse:refusal', 'join:oskar:refusal']);
    await s.say('The marina, then.', null);
    assert.deepEqual(s.castView().present.map((c) => c.id), ['mara', 'ilse']);
    const next = requestText(1, rig.api);
    assert.match(next, /<join id="ilse"/);
    await closeAndAudit(s);
  });
});
