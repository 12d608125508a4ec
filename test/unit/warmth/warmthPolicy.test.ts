import { strict as assert } from 'node:assert';
import { ManualClock } from '../../../src/engine/warmth/clock';
import { cacheRatesFor, pingIntervalMs, pingsToBridge, turnUsd } from '../../../src/engine/warmth/gapCost';
import { oracle, type TurnShape } from '../../../src/engine/warmth/oracle';
import { AutoPolicy, keepWarmPolicy } from '../../../src/engine/warmth/policies';
import { ThinkTimes, lognormalSurvival } from '../../../src/engine/warmth/thinkTimes';
import { replay, simulate } from '../../../bench/warmthSimulator';
import { thinkTimes } from '../../../bench/warmthTraces';
import { seededRandom } from '../parse/tagParserHarness';

const rates = cacheRatesFor('claude-sonnet-4-6', 10_000)!;
const MIN = 60_000;

/** The decision `auto` makes for one gap after a turn: its TTL, and how many ping points it pings at across the gap. */
function autoDecision(history: number[], turn: { promptTokens: number; writeTokens: number }, gapMs: number) {
  const auto = new AutoPolicy(history);
  const ttl = auto.ttlFor({ ...turn, rates });
  let pings = 0;
  const interval = pingIntervalMs(ttl);
  for (let j = 1; j * interval < gapMs; j++) {
    if (!auto.shouldPing({ index: j, elapsedMs: j * interval, prefixTokens: turn.promptTokens, ttl, rates })) break;
    pings++;
  }
  return { ttl, pings };
}

/** The oracle's choice for the gap after the first of two turns (the first turn's own write is `writeTokens`). */
function oracleDecision(turn: { promptTokens: number; writeTokens: number }, gapMs: number) {
  const shapes: TurnShape[] = [
    { promptTokens: turn.promptTokens - turn.writeTokens, outputTokens: 0, gapMs: 1000 },
    { promptTokens: turn.promptTokens, outputTokens: 500, gapMs },
    { promptTokens: turn.promptTokens + 2000, outputTokens: 500, gapMs: 0 },
  ];
  return oracle(shapes, rates).choices[1]!;
}

describe('warmth: cost model, policies and oracle', () => {
  it('prices Sonnet 4.6 per token from the model table', () => {
    assert.deepEqual(rates, { read: 0.3e-6, write5m: 3.75e-6, write1h: 6e-6, output: 15e-6 });
  });

  it('counts the pings that bridge a gap (one per interval it outlasts)', () => {
    assert.equal(pingsToBridge(4 * MIN, '5m'), 0);
    assert.equal(pingsToBridge(7 * MIN, '5m'), 1);
    assert.equal(pingsToBridge(12 * MIN, '5m'), 2);
    assert.equal(pingsToBridge(50 * MIN, '1h'), 0);
  });

  it('prices a warm turn as a read of the old prefix plus a write of its tail', () => {
    const warm = turnUsd({ prefixTokens: 12_000, previousPrefixTokens: 10_000, warm: true, ttl: '5m', outputTokens: 100 }, rates);
    assert.ok(Math.abs(warm - (10_000 * 0.3 + 2_000 * 3.75 + 100 * 15) / 1e6) < 1e-12);
    const cold = turnUsd({ prefixTokens: 12_000, previousPrefixTokens: 10_000, warm: false, ttl: '1h', outputTokens: 0 }, rates);
    assert.ok(Math.abs(cold - (12_000 * 6) / 1e6) < 1e-12);
  });

  it('keep-warm pings up to its limit and no further', () => {
    const p = keepWarmPolicy(30);
    const at = (elapsedMs: number) => p.shouldPing({ index: 1, elapsedMs, prefixTokens: 1, ttl: '5m', rates });
    assert.equal(at(29 * MIN), true);
    assert.equal(at(31 * MIN), false);
  });

  it('the think-time distribution starts at the prior and follows the observed gaps', () => {
    const empty = new ThinkTimes();
    assert.ok(Math.abs(empty.survival(90_000) - 0.5) < 1e-6, 'the prior median');
    assert.ok(Math.abs(lognormalSurvival(90_000 * Math.exp(1.2), 90_000, 1.2) - 0.1587) < 1e-3, 'one sigma');
    const fast = new ThinkTimes(Array.from({ length: 96 }, () => 20_000));
    assert.ok(fast.survival(60_000) < 0.04);
  });

  const cases: Array<{ name: string; history: number[]; turn: { promptTokens: number; writeTokens: number }; gapMs: number; want: { ttl: '5m' | '1h'; pings: number } }> = [
    { name: 'a quick researcher: 5 minutes, no ping', history: Array.from({ length: 40 }, (_, i) => 20_000 + 1000 * i), turn: { promptTokens: 60_000, writeTokens: 2_000 }, gapMs: 45_000, want: { ttl: '5m', pings: 0 } },
    { name: 'long breaks over a big context with a small tail: the 1-hour TTL', history: Array.from({ length: 40 }, (_, i) => 15 * MIN + 15_000 * i), turn: { promptTokens: 60_000, writeTokens: 2_000 }, gapMs: 20 * MIN, want: { ttl: '1h', pings: 0 } },
    { name: 'a short break over a small context with a big tail: one ping', history: Array.from({ length: 40 }, (_, i) => 6 * MIN + 2_000 * i), turn: { promptTokens: 8_000, writeTokens: 6_000 }, gapMs: 8 * MIN, want: { ttl: '5m', pings: 1 } },
    { name: 'a researcher who leaves for hours: let it expire', history: Array.from({ length: 40 }, (_, i) => 10 * 60 * MIN + MIN * i), turn: { promptTokens: 20_000, writeTokens: 20_000 }, gapMs: 10 * 60 * MIN, want: { ttl: '5m', pings: 0 } },
  ];
  for (const c of cases) {
    it(`auto picks the oracle's choice: ${c.name}`, () => {
      assert.deepEqual(oracleDecision(c.turn, c.gapMs), c.want, 'the oracle (the case is clear)');
      assert.deepEqual(autoDecision(c.history, c.turn, c.gapMs), c.want, 'auto');
    });
  }

  it('auto pings while the researcher is likely back soon, and never past its limit', () => {
    const auto = new AutoPolicy(Array.from({ length: 40 }, () => 6 * MIN), 30 * MIN);
    const point = (index: number) => ({ index, elapsedMs: index * pingIntervalMs('5m'), prefixTokens: 8_000, ttl: '5m' as const, rates });
    assert.equal(auto.shouldPing(point(1)), true);
    assert.equal(auto.shouldPing(point(7)), false, '32 minutes is past the 30-minute limit');
  });

  it('the oracle never costs more than any fixed policy', () => {
    const turns: TurnShape[] = Array.from({ length: 20 }, (_, i) => ({ promptTokens: 5_000 + 3_000 * i, outputTokens: 800, gapMs: [30_000, 7 * MIN, 25 * MIN, 2 * 60 * MIN][i % 4]! }));
    const best = oracle(turns, rates).usd;
    for (const ttl of ['5m', '1h'] as const) {
      let usd = 0;
      let warm = false;
      turns.forEach((t, i) => {
        usd += turnUsd({ prefixTokens: t.promptTokens, previousPrefixTokens: i ? turns[i - 1]!.promptTokens : 0, warm, ttl, outputTokens: t.outputTokens }, rates);
        warm = t.gapMs < (ttl === '1h' ? 60 : 5) * MIN;
      });
      assert.ok(best <= usd + 1e-12, `oracle ${best} <= always-${ttl} ${usd}`);
    }
  });

  it('the oracle is the cheapest of every choice sequence the simulator can play (pinging part of a gap included)', () => {
    const random = seededRandom(16);
    const GAPS = [MIN, 7 * MIN, 20 * MIN, 65 * MIN];
    for (let round = 0; round < 12; round++) {
      let prompt = 2_000;
      const turns: TurnShape[] = Array.from({ length: 5 }, () => ({ promptTokens: (prompt += 1_000 + Math.floor(random() * 20_000)), outputTokens: 300, gapMs: GAPS[Math.floor(random() * GAPS.length)]! }));
      // Every TTL per turn and every number of pings from none to a full bridge of its gap.
      const options = turns.map((t) => (['5m', '1h'] as const).flatMap((ttl) => Array.from({ length: pingsToBridge(t.gapMs, ttl) + 1 }, (_, pings) => ({ ttl, pings }))));
      let cheapest = Infinity;
      const walk = (i: number, picked: Array<{ ttl: '5m' | '1h'; pings: number }>): void => {
        if (i === turns.length) {
          cheapest = Math.min(cheapest, simulate(turns, replay(picked), rates).usd);
          return;
        }
        for (const o of options[i]!) walk(i + 1, [...picked, o]);
      };
      walk(0, []);
      const best = oracle(turns, rates);
      assert.ok(Math.abs(best.usd - cheapest) < 1e-12, `round ${round}: oracle ${best.usd} vs exhaustive ${cheapest}`);
      assert.ok(Math.abs(simulate(turns, replay(best.choices), rates).usd - best.usd) < 1e-12, 'its choices cost what it says');
    }
  });

  it("the simulator's think-time traces are seeded: the same every run, a different day per seed", () => {
    assert.deepEqual(thinkTimes('researcher', 4, 1).map(Math.round), [35601, 18410, 47618, 83155]);
    assert.deepEqual(thinkTimes('slow', 4, 1).map(Math.round), [541201, 117591, 605908, 363202]);
    assert.deepEqual(thinkTimes('fast', 39, 7), thinkTimes('fast', 39, 7));
    assert.notDeepEqual(thinkTimes('fast', 39, 7), thinkTimes('fast', 39, 8));
  });

  it('a manual clock runs due timers in order, each at its time, awaiting each', async () => {
    const clock = new ManualClock(0);
    const seen: string[] = [];
    clock.setTimer(200, async () => {
      await new Promise((r) => setImmediate(r));
      seen.push(`b@${clock.now()}`);
    });
    clock.setTimer(100, () => void seen.push(`a@${clock.now()}`));
    const cancel = clock.setTimer(150, () => void seen.push('never'));
    cancel();
    const slept = clock.sleep(250).then(() => seen.push(`slept@${clock.now()}`));
    await clock.advance(300);
    await slept;
    assert.deepEqual(seen, ['a@100', 'b@200', 'slept@250']);
    assert.equal(clock.now(), 300);
    assert.equal(clock.pending, 0);
  });
});
