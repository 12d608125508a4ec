import { strict as assert } from 'node:assert';
import { makeClient } from '../../../src/engine/model/modelCall';
import { gatedClient, RequestGate } from '../../../src/engine/experiments/requestGate';
import { castAutoReply, startStandIn, type StandInReply } from '../../standIn/messagesStandIn';

describe('RequestGate: bounded requests in flight, one shared backoff', () => {
  it('never lets more than the limit run at once', async () => {
    const gate = new RequestGate(3);
    let live = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        const release = await gate.acquire();
        live++;
        peak = Math.max(peak, live);
        await new Promise((r) => setTimeout(r, 5));
        live--;
        release();
      }),
    );
    assert.equal(peak, 3);
    assert.equal(gate.peak, 3);
  });

  it('a 429 with retry-after holds every worker until it has passed (against the stand-in, through the real SDK)', async () => {
    const arrivals: number[] = [];
    let first429At = 0;
    const api = await startStandIn({
      autoReply: (body): StandInReply => {
        arrivals.push(Date.now());
        if (arrivals.length === 3) {
          first429At = Date.now();
          return { status: 429, retryAfterMs: 400 };
        }
        return { ...castAutoReply(body), chunkDelayMs: 20, chunkSize: 40 };
      },
    });
    try {
      const gate = new RequestGate(4);
      const client = gatedClient(makeClient({ apiKey: 'sk-gate-test-0000000000', baseURL: api.url }), gate);
      const call = async (): Promise<string> => {
        try {
          const stream = client.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 200, messages: [{ role: 'user', content: 'From the floor: "hi"' }] });
          for await (const _ of stream) void _;
          return 'ok';
        } catch (err) {
          return (err as { status?: number }).status === 429 ? '429' : String(err);
        }
      };
      const outcomes = await Promise.all([call(), call(), call(), call()]);
      assert.deepEqual(outcomes.filter((o) => o === '429').length, 1);
      // requests started after the 429 (a worker's next call) wait for its retry-after
      const late = await Promise.all([call(), call()]);
      assert.deepEqual(late, ['ok', 'ok']);
      const afterBackoff = arrivals.slice(4);
      assert.ok(afterBackoff.every((t) => t >= first429At + 380), `arrivals ${afterBackoff.map((t) => t - first429At).join(', ')} ms after the 429`);
      assert.equal(gate.backoffs, 1);
    } finally {
      await api.close();
    }
  });
});
