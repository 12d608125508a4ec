import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { PanelSession, type PanelSessionOptions } from '../../../src/engine/session/panelSession';
import { auditSessions } from '../../../src/engine/store/sessionAudit';
import { ManualClock } from '../../../src/engine/warmth/clock';
import type { RecordedRequest } from '../../standIn/messagesStandIn';
import { usePanelRig } from '../session/panelRig';

const MIN = 60_000;

/** The request body as sent, with the one field a ping changes (max_tokens) put back to the turn's value. */
function withoutMaxTokens(r: RecordedRequest): string {
  return r.raw.replace(/"max_tokens":\d+/, '"max_tokens":_');
}

/** Everything up to and including the last cache_control marker of a raw body. */
function upToLastBreakpoint(raw: string): string {
  const at = raw.lastIndexOf('"cache_control"');
  return raw.slice(0, raw.indexOf('}', at) + 1);
}

describe('keep-warm against the stand-in on a manual clock', () => {
  const rig = usePanelRig('dialogue-warmth-');
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock();
    await rig.restartApi({ now: () => clock.now() });
  });

  const start = (over: Partial<PanelSessionOptions> = {}) => PanelSession.start(rig.options({ clock, warmth: 'keep-warm', ...over }));
  const pings = (s: PanelSession) => s.events.filter((e) => e.type === 'cost' && e.kind === 'keep-warm');

  it("pings with the previous request byte for byte up to its last breakpoint, asking for one token, and leaves the context alone", async () => {
    const s = await start();
    await s.say('What does the harbour deal change?', null);
    const contextBefore = JSON.stringify(s.promptContext);
    await clock.advance(5 * MIN);
    assert.equal(rig.api.requests.length, 2, 'one ping before the 5-minute expiry');
    const [turn, ping] = rig.api.requests as [RecordedRequest, RecordedRequest];
    assert.equal(ping.body.max_tokens, 1);
    assert.equal(upToLastBreakpoint(ping.raw).replace(/"max_tokens":\d+/, ''), upToLastBreakpoint(turn.raw).replace(/"max_tokens":\d+/, ''));
    assert.equal(withoutMaxTokens(ping), withoutMaxTokens(turn), 'nothing after the breakpoint either');
    assert.equal(ping.usage!.cache_read_input_tokens, turn.usage!.cache_creation_input_tokens + turn.usage!.cache_read_input_tokens, 'the ping reads the whole cached prefix');
    assert.equal(ping.usage!.cache_creation_input_tokens, 0);
    assert.equal(JSON.stringify(s.promptContext), contextBefore, 'a ping never changes the context');
    assert.equal(pings(s).length, 1);
    await s.close();
  });

  it('after a 7-minute pause the next turn reads the prefix (and without keep-warm writes it again)', async () => {
    for (const warmth of ['keep-warm', 'off'] as const) {
      rig.api.resetCache();
      const s = await start({ warmth });
      await s.say('First line.', null);
      const firstPrompt = rig.api.requests.at(-1)!.usage!;
      await clock.advance(7 * MIN);
      await s.say('Second line, after a pause.', null);
      const second = rig.api.requests.at(-1)!.usage!;
      const cachedFirst = firstPrompt.cache_creation_input_tokens + firstPrompt.cache_read_input_tokens;
      if (warmth === 'keep-warm') {
        assert.equal(second.cache_read_input_tokens, cachedFirst, 'read the whole first prompt');
        assert.equal(pings(s).length, 1);
      } else {
        assert.equal(second.cache_read_input_tokens, 0, 'the cache went cold');
        assert.ok(second.cache_creation_input_tokens > cachedFirst);
      }
      await s.close();
    }
  });

  it('stops at the limit', async () => {
    const s = await start({ keepWarmMinutes: 10 });
    await s.say('Hello.', null);
    await clock.advance(60 * MIN);
    assert.equal(pings(s).length, 2, 'at 4:40 and 9:20, not 14:00');
    assert.equal(clock.pending, 0, 'nothing left scheduled');
    await s.close();
  });

  it('stops on stop and on close', async () => {
    const stopped = await start();
    await stopped.say('Hello.', null);
    stopped.stop();
    await clock.advance(20 * MIN);
    assert.equal(pings(stopped).length, 0);
    await stopped.say('Again.', null);
    await clock.advance(5 * MIN);
    assert.equal(pings(stopped).length, 1, 'the next turn keeps warm again');
    await stopped.close();

    const closed = await start();
    await closed.say('Hello.', null);
    await clock.advance(5 * MIN);
    await closed.close();
    const requests = rig.api.requests.length;
    await clock.advance(30 * MIN);
    assert.equal(rig.api.requests.length, requests, 'no ping after close');
    assert.equal(clock.pending, 0);
  });

  it('counts pings against the budget and stops when it is spent', async () => {
    const s = await start();
    await s.say('Hello.', null);
    const turnCost = s.events.find((e) => e.type === 'cost')!;
    assert.ok(turnCost.type === 'cost' && turnCost.usd !== null && turnCost.context_tokens);
    const pingUsd = (turnCost.context_tokens * 0.3 + 15) / 1e6;
    s.setBudget(turnCost.usd + pingUsd / 2);
    await clock.advance(30 * MIN);
    assert.equal(pings(s).length, 1, 'the first ping spends the budget; the second is not sent');
    assert.equal(s.meter().keptWarm?.count, 1);
    await assert.rejects(s.say('More.', null), /budget/);
    await s.close();
  });

  it('logs a failed ping, does not retry it, and stops pinging', async () => {
    const s = await start();
    await s.say('Hello.', null);
    rig.api.enqueue({ status: 500 });
    await clock.advance(30 * MIN);
    assert.equal(rig.api.requests.length, 2, 'the turn and one failed ping');
    const error = s.events.find((e) => e.type === 'error');
    assert.ok(error?.type === 'error' && error.kind === 'keep-warm', 'logged');
    await s.close();
  });

  it('shows the pings in the meter, the totals, the transcript, and passes audit', async () => {
    const s = await start();
    await s.say('Hello.', null);
    await clock.advance(10 * MIN);
    const meter = s.meter();
    assert.equal(meter.keptWarm?.count, 2);
    assert.equal(meter.warmth, 'keep-warm');
    const { dir } = await s.close();
    const log = JSON.parse(await fs.readFile(path.join(dir, 'event-log.json'), 'utf8'));
    assert.equal(log.totals.keep_warm.calls, 2);
    assert.ok(Math.abs(log.totals.keep_warm.usd - meter.keptWarm!.usd!) < 1e-9);
    const transcript = await fs.readFile(path.join(dir, 'transcript.md'), 'utf8');
    assert.match(transcript, /- Kept warm: 2 pings, \$0\.\d{4} \(included in the cost above\)/);
    assert.doesNotMatch(transcript, /\*Turn 1 cost:.*keep/);
    const { problems } = await auditSessions(rig.sessionsDir);
    assert.deepEqual(problems, []);
  });

  it('auto caches with the 1-hour TTL for a researcher who takes long breaks', async () => {
    const s = await start({ warmth: 'auto', thinkTimeHistory: Array.from({ length: 40 }, () => 20 * MIN) });
    await s.say('Hello.', null);
    await clock.advance(2 * MIN);
    await s.say('And then?', null);
    const second = rig.api.requests.at(-1)!.body;
    const last = second.messages.at(-1)!.content;
    assert.ok(Array.isArray(last) && last.at(-1)?.cache_control?.ttl === '1h', 'the tail is written with the 1-hour TTL');
    await clock.advance(20 * MIN);
    assert.equal(pings(s).length, 0, 'no ping needed within the hour');
    await s.say('Back.', null);
    assert.ok(rig.api.requests.at(-1)!.usage!.cache_read_input_tokens > 0, 'read after 20 minutes');
    await s.close();
  });
  it("auto's anchor: a turn after a break that outlived a 5-minute entry reads up to the last 1-hour one and writes only the rest", async () => {
    // One gap in five a 20-minute break: auto writes some turns with the 1-hour TTL and the ones after with 5 minutes.
    const s = await start({ warmth: 'auto', thinkTimeHistory: Array.from({ length: 50 }, (_, i) => (i % 5 === 4 ? 20 * MIN : MIN)) });
    const sent: Array<{ ttl: string; prompt: number }> = [];
    for (let i = 0; i < 5; i++) {
      await s.say(`Line ${i + 1}: the berth, the night shift and what the harbour deal changes for both.`, null);
      const r = rig.api.requests.at(-1)!;
      const last = r.body.messages.at(-1)!.content;
      sent.push({ ttl: (Array.isArray(last) && last.at(-1)?.cache_control?.ttl) || '5m', prompt: r.usage!.cache_creation_input_tokens + r.usage!.cache_read_input_tokens });
      if (i < 4) await clock.advance(MIN);
    }
    assert.equal(sent.at(-1)!.ttl, '5m', 'the turn before the break rides on an earlier anchor');
    const anchor = sent.filter((x) => x.ttl === '1h').at(-1);
    assert.ok(anchor, `an anchor was written (${sent.map((x) => x.ttl).join(' ')})`);
    await clock.advance(20 * MIN);
    assert.equal(pings(s).length, 0, 'a re-write of a few tails is cheaper than pinging the whole context');
    const cold = s.meter();
    const rate = cold.autoTtl === '1h' ? 6 : 3.75;
    assert.ok(Math.abs(cold.coldWriteUsd! - ((cold.contextTokens - anchor.prompt) * rate) / 1e6) < 1e-12, 'the meter prices the cold write from the anchor');
    await s.say('Back after a break.', null);
    const after = rig.api.requests.at(-1)!.usage!;
    assert.equal(after.cache_read_input_tokens, anchor.prompt, 'read up to the anchor');
    assert.ok(after.cache_creation_input_tokens < sent.at(-1)!.prompt - anchor.prompt + 400, 'wrote only the tails since it (and its own line)');
    await s.close();
  });
});
