import { strict as assert } from 'node:assert';
import { formatUsd } from '../../../src/engine/cost/costMeter';
import { PanelSession, type PanelSessionOptions } from '../../../src/engine/session/panelSession';
import { ManualClock } from '../../../src/engine/warmth/clock';
import { describeMeter } from '../../../src/extension/panel/panelMeter';
import { usePanelRig } from '../session/panelRig';

const MIN = 60_000;
const gaps = (ms: number, n = 40) => Array.from({ length: n }, (_, i) => ms + 1000 * i);

describe("the meter follows what the warmth policy does, not the TTL setting", () => {
  const rig = usePanelRig('dialogue-warmth-meter-');
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock();
    await rig.restartApi({ now: () => clock.now() });
  });

  const start = (over: Partial<PanelSessionOptions>) => PanelSession.start(rig.options({ clock, ...over }));

  it("auto with long breaks: the TTL it chose for each gap whatever the setting, and a cold write priced at its pick", async () => {
    const s = await start({ warmth: 'auto', cacheTtl: '1h', thinkTimeHistory: gaps(20 * MIN) });
    assert.equal(s.meter().autoTtl, undefined, 'nothing to show before the first call');
    await s.say('Hello.', null);
    assert.equal(s.meter().autoTtl, '5m', 'the first call writes the whole prompt: the 1-hour price on all of it does not pay');
    await clock.advance(MIN);
    await s.say('And then?', null);
    const warm = s.meter();
    assert.equal(warm.ttl, '1h', 'the setting is still reported as the setting');
    assert.equal(warm.autoTtl, '1h', "auto's choice for this gap");
    assert.equal(warm.cacheWarmUntil! - clock.now() > 55 * MIN, true, 'warm for the hour it chose');
    assert.equal(warm.keepingWarm, 'expiring', 'no ping planned: an hour covers these breaks');
    assert.match(describeMeter(warm, clock.now(), formatUsd), /auto cached this gap at the 1h TTL; not kept warm past then/);
    await clock.advance(61 * MIN);
    const cold = s.meter();
    assert.equal(cold.autoTtl, '5m', 'what it would pick for rewriting the whole context: not the 1-hour price on all of it');
    assert.equal(cold.keepingWarm, undefined);
    assert.ok(Math.abs(cold.coldWriteUsd! - (cold.contextTokens * 3.75) / 1e6) < 1e-12, 'priced at the 5-minute rate, not the setting');
    assert.match(describeMeter(cold, clock.now(), formatUsd), /at the 5m TTL, auto's pick\)$/);
    await s.close();
  });

  it('auto with a quick researcher shows 5 minutes, even with the setting at 1 hour', async () => {
    const s = await start({ warmth: 'auto', cacheTtl: '1h', thinkTimeHistory: gaps(20_000) });
    await s.say('Hello.', null);
    assert.equal(s.meter().autoTtl, '5m');
    assert.equal(s.meter().ttl, '1h');
    await s.close();
  });

  it('auto with short breaks: pinging while it pings, and the count of pings once they happen', async () => {
    const s = await start({ warmth: 'auto', thinkTimeHistory: gaps(6 * MIN, 60) });
    await s.say('Hello.', null);
    assert.deepEqual([s.meter().autoTtl, s.meter().keepingWarm], ['5m', 'pinging']);
    assert.match(describeMeter(s.meter(), clock.now(), formatUsd), /kept warm by pings while you think/);
    await clock.advance(5 * MIN);
    assert.equal(s.meter().keptWarm?.count, 1, 'it did ping');
    await s.close();
  });

  it('keep-warm: pinging until its limit, then let expire; off and a turn in progress say nothing', async () => {
    const kw = await start({ warmth: 'keep-warm', keepWarmMinutes: 5 });
    await kw.say('Hello.', null);
    assert.equal(kw.meter().autoTtl, undefined, 'only auto overrides the setting');
    assert.equal(kw.meter().keepingWarm, 'pinging');
    await clock.advance(5 * MIN);
    assert.equal(kw.meter().keptWarm?.count, 1);
    assert.equal(kw.meter().keepingWarm, 'expiring', 'the next ping point (9:20) is past the 5-minute limit');
    const during = new Promise<void>((resolve) => {
      const off = kw.onUpdate((u) => {
        if (u.kind === 'answering' && u.answering) {
          assert.equal(kw.meter().keepingWarm, undefined, 'not while the panel answers');
          off();
          resolve();
        }
      });
    });
    await kw.say('Again.', null);
    await during;
    await kw.close();

    const off = await start({ warmth: 'off' });
    await off.say('Hello.', null);
    assert.deepEqual([off.meter().autoTtl, off.meter().keepingWarm], [undefined, undefined]);
    await off.close();
  });
});
