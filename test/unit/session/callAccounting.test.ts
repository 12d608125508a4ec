import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { estimateOutputTokens } from '../../../src/engine/model/callUsage';
import { PanelSession } from '../../../src/engine/session/panelSession';
import { auditSessions } from '../../../src/engine/store/sessionAudit';
import type { CostEvent, SessionEvent } from '../../../src/engine/store/sessionSchema';
import type { RecordedRequest } from '../../standIn/messagesStandIn';
import { usePanelRig } from './panelRig';

const REPLY = '<confer>\n<line who="mara">The marina stays, whatever the price.</line>\n</confer>\n<speak who="mara">The marina is not negotiable, and I will say why at length.</speak>\n<pass who="oskar"/>\n<pass who="ilse"/>';

const costs = (events: readonly SessionEvent[]): CostEvent[] => events.filter((e): e is CostEvent => e.type === 'cost');
const inputSide = (c: { input_tokens: number; cache_creation_input_tokens: number; cache_read_input_tokens: number }) =>
  [c.input_tokens, c.cache_creation_input_tokens, c.cache_read_input_tokens];

/** The requests the stand-in served (answered with a stream), in order: one cost event each is what must hold. */
const served = (requests: readonly RecordedRequest[]): RecordedRequest[] => requests.filter((r) => r.usage !== undefined);

describe('every call the API served is a cost event (issue 12 item 1)', function () {
  this.timeout(30_000);
  const rig = usePanelRig('dp-accounting-');

  async function closeAndAudit(s: PanelSession): Promise<void> {
    const { dir } = await s.close();
    const log = JSON.parse(await fs.readFile(path.join(dir, 'event-log.json'), 'utf8'));
    const all = costs(log.events);
    assert.equal(log.totals.cache_creation_input_tokens, all.reduce((n, c) => n + c.cache_creation_input_tokens, 0));
    assert.equal(log.totals.output_tokens, all.reduce((n, c) => n + c.output_tokens, 0));
    assert.deepEqual((await auditSessions(rig.sessionsDir)).problems, []);
  }

  it('a first attempt that failed after message_start and was retried: both are billed, call for call', async () => {
    // Attempt 1 streams message_start (the prompt is written to the cache and billed), then an overloaded error.
    rig.api.enqueue({ text: REPLY, errorAfterChars: 0 }, { status: 429, retryAfterMs: 1 }, { text: REPLY });
    const s = await PanelSession.start(rig.options());
    await s.say('Where do you stand?', null);
    const got = costs(s.events);
    const want = served(rig.api.requests);
    assert.equal(want.length, 2, 'the stand-in served two of the three requests');
    assert.deepEqual(got.map((c) => c.attempt), [1, 3], 'attempt numbers count every request, the unbilled 429 too');
    assert.deepEqual(got.map(inputSide), want.map((r) => inputSide(r.usage!)));
    assert.ok(got[0]!.cache_creation_input_tokens > 1000, 'the first attempt wrote the cache');
    assert.ok(got[1]!.cache_read_input_tokens > 1000, 'the retry read it');
    assert.equal(got[0]!.usage_estimated, true, 'no final usage arrived for attempt 1');
    assert.equal(got[0]!.stop_reason, null);
    assert.equal(got[1]!.usage_estimated, undefined);
    assert.equal(got[1]!.output_tokens, want[1]!.usage!.output_tokens, 'a complete call records the reported output');
    assert.equal(got[1]!.stop_reason, 'end_turn');
    assert.deepEqual(s.events.filter((e) => e.type === 'retry').map((e) => (e as { attempt: number }).attempt), [2, 3]);
    await closeAndAudit(s);
  });

  it('a dropped stream: input side as served, output estimated from what arrived', async () => {
    rig.api.enqueue({ text: REPLY, dropAfterChars: 120, chunkSize: 10 });
    const s = await PanelSession.start(rig.options());
    await s.say('Hello.', null);
    const [cost] = costs(s.events);
    const [req] = served(rig.api.requests);
    assert.deepEqual(inputSide(cost!), inputSide(req!.usage!));
    assert.equal(req!.served!.text.length, 120);
    assert.equal(req!.served!.stopReason, null);
    assert.equal(cost!.usage_estimated, true);
    assert.equal(cost!.output_tokens, estimateOutputTokens(req!.served!.text, 1));
    assert.ok(cost!.output_tokens > 1, 'more than message_start\'s placeholder 1');
    await closeAndAudit(s);
  });

  it('a stopped turn: input side as served, output estimated', async () => {
    rig.api.enqueue({ text: REPLY, chunkSize: 8, chunkDelayMs: 5, holdOpen: true });
    const s = await PanelSession.start(rig.options());
    s.onUpdate((u) => {
      if (u.kind === 'stream' && u.part.item === 'speak' && u.part.phase === 'delta') s.stop();
    });
    await s.say('Hello.', null);
    const [cost] = costs(s.events);
    const [req] = served(rig.api.requests);
    assert.deepEqual(inputSide(cost!), inputSide(req!.usage!));
    assert.equal(cost!.usage_estimated, true);
    assert.ok(cost!.output_tokens >= 10, `estimate ${cost!.output_tokens} covers the confer that arrived`);
    assert.ok(s.events.some((e) => e.type === 'error' && e.kind === 'stopped'));
    await closeAndAudit(s);
  });

  it('the estimator: 4 UTF-8 bytes a token, never below what was reported', () => {
    assert.equal(estimateOutputTokens('', 1), 1);
    assert.equal(estimateOutputTokens('abcdefgh', 1), 2);
    assert.equal(estimateOutputTokens('éé', 1), 1);
    assert.equal(estimateOutputTokens('日本語', 1), 3);
    assert.equal(estimateOutputTokens('abc', 7), 7);
  });
});
