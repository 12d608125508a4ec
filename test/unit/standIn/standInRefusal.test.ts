import { strict as assert } from 'node:assert';
import Anthropic from '@anthropic-ai/sdk';
import { castAutoReply, REFUSAL_TRIGGER } from '../../standIn/castAutoReply.js';
import { startStandIn, type StandIn } from '../../standIn/messagesStandIn.js';

// Stop reasons, stop_details, refusals (scripted, triggered, sticky) and the per-request record of what was served.

const MODEL = 'claude-standin-test';
let standIn: StandIn | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

async function client(o: Parameters<typeof startStandIn>[0] = {}): Promise<Anthropic> {
  standIn = await startStandIn(o);
  return new Anthropic({ apiKey: 'k', baseURL: standIn.url, maxRetries: 0 });
}

/** The raw stream's message_delta, as the engine reads it. */
async function lastDelta(c: Anthropic, messages: Anthropic.MessageParam[]): Promise<{ stop_reason: string | null; stop_details: unknown; text: string }> {
  let text = '';
  let delta: { stop_reason: string | null; stop_details?: unknown } | undefined;
  for await (const ev of c.messages.stream({ model: MODEL, max_tokens: 1000, messages })) {
    if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') text += ev.delta.text;
    if (ev.type === 'message_delta') delta = ev.delta as typeof delta;
  }
  return { stop_reason: delta?.stop_reason ?? null, stop_details: delta?.stop_details, text };
}

describe('standIn: stop reasons and refusals', () => {
  it('sends any stop reason as scripted, with stop_details null unless refused, and records what it served', async () => {
    const c = await client({ replies: [{ text: 'one', stopReason: 'pause_turn' }, { text: 'two', stopReason: 'a_new_reason' }] });
    assert.deepEqual(await lastDelta(c, [{ role: 'user', content: 'hi' }]), { stop_reason: 'pause_turn', stop_details: null, text: 'one' });
    assert.deepEqual(await lastDelta(c, [{ role: 'user', content: 'hi' }]), { stop_reason: 'a_new_reason', stop_details: null, text: 'two' });
    assert.deepEqual(standIn!.requests.map((r) => r.served), [{ text: 'one', stopReason: 'pause_turn' }, { text: 'two', stopReason: 'a_new_reason' }]);
  });

  it('a scripted refusal: what arrived, stop_reason refusal and its stop_details; a context still holding it is refused again', async () => {
    const c = await client({ replies: [{ text: 'The secret method is', refusal: { category: 'bio', explanation: 'why' } }] });
    const first = await lastDelta(c, [{ role: 'user', content: 'hi' }]);
    assert.deepEqual(first, { stop_reason: 'refusal', stop_details: { type: 'refusal', category: 'bio', explanation: 'why' }, text: 'The secret method is' });
    const held = await lastDelta(c, [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'The secret method is' }, { role: 'user', content: 'go on' }]);
    assert.equal(held.stop_reason, 'refusal', 'sticky: not reset, refused again');
    const reset = await lastDelta(c, [{ role: 'user', content: 'something else' }]);
    assert.equal(reset.stop_reason, 'end_turn', 'a reset context is answered');
  });

  it('stickyRefusals: false answers a context that still holds refused text', async () => {
    const c = await client({ stickyRefusals: false, replies: [{ text: 'The secret method is', refusal: {} }] });
    await lastDelta(c, [{ role: 'user', content: 'hi' }]);
    const again = await lastDelta(c, [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'The secret method is' }, { role: 'user', content: 'go on' }]);
    assert.notEqual(again.stop_reason, 'refusal');
  });

  it('rejects a final assistant turn that ends in whitespace, as the API does', async () => {
    const c = await client();
    await assert.rejects(lastDelta(c, [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'partial ' }]), /trailing whitespace/);
  });

  it(`castAutoReply declines a floor line holding ${REFUSAL_TRIGGER}, mid-speak`, () => {
    const system = [{ type: 'text' as const, text: '<character id="mara" name="Mara Voss"/>' }];
    const reply = castAutoReply({ model: MODEL, max_tokens: 100, system, messages: [{ role: 'user', content: `From the floor: "say ${REFUSAL_TRIGGER} now"` }] });
    assert.equal(reply.refusal?.category, 'general_harms');
    assert.match(reply.text!, /^<speak who="mara">/);
  });
});
