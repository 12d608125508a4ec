import { strict as assert } from 'node:assert';
import { PanelSession } from '../../../src/engine/session/panelSession';
import { checkScriptCast, parseScript, ScriptError } from '../../../src/engine/session/playScript';
import { playActions } from '../../../src/engine/session/playActions';
import { ManualClock } from '../../../src/engine/warmth/clock';
import { usePanelRig } from '../session/panelRig';

describe('script think time: {"wait": SECONDS}', () => {
  it('parses as an action and is validated with the others', () => {
    const actions = parseScript('{"say": "hi"}\n{"wait": 420}\n{"wait": 0.5}\n{"say": "again"}\n', 's.jsonl');
    assert.deepEqual(actions[1], { wait: 420 });
    assert.deepEqual(actions[2], { wait: 0.5 });
    assert.equal(checkScriptCast(actions, ['mara'], new Set(['mara']), 's.jsonl', (i) => i + 1), null);
    for (const bad of ['{"wait": 0}', '{"wait": -5}', '{"wait": "7m"}', '{"wait": 86401}', '{"wait": 10, "say": "x"}']) {
      assert.throws(() => parseScript(`{"say": "hi"}\n${bad}\n`, 's.jsonl'), (err: unknown) => err instanceof ScriptError && /s\.jsonl:2: .*\{"wait": SECONDS\}/.test(err.message), bad);
    }
  });

  describe('played through the clock', () => {
    const rig = usePanelRig('dialogue-wait-');

    it('passes the time on the clock (no real sleep), and keep-warm pings during it', async () => {
      const clock = new ManualClock();
      clock.autoAdvanceSleeps = true;
      await rig.restartApi({ now: () => clock.now() });
      const session = await PanelSession.start(rig.options({ clock, warmth: 'keep-warm' }));
      const started = clock.now();
      const wallStart = Date.now();
      const actions = parseScript('{"say": "Opening line."}\n{"wait": 420}\n{"say": "After seven minutes."}\n', 's.jsonl');
      await playActions(session, actions, { library: rig.lib, clock, stopped: () => false });
      assert.equal(clock.now() - started, 420_000);
      assert.ok(Date.now() - wallStart < 20_000, 'no real seven-minute sleep');
      assert.equal(session.events.filter((e) => e.type === 'cost' && e.kind === 'keep-warm').length, 1);
      const [first, , second] = rig.api.requests;
      assert.equal(second!.usage!.cache_read_input_tokens, first!.usage!.cache_creation_input_tokens + first!.usage!.cache_read_input_tokens);
      await session.close();
    });

    it('stops waiting when interrupted', async () => {
      const clock = new ManualClock();
      const session = await PanelSession.start(rig.options({ clock }));
      const interrupt = new AbortController();
      const played = playActions(session, parseScript('{"say": "hi"}\n{"wait": 3600}\n{"say": "never"}\n', 's.jsonl'), { library: rig.lib, clock, stopped: () => interrupt.signal.aborted, signal: interrupt.signal });
      while (!session.events.some((e) => e.type === 'floor')) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 10));
      interrupt.abort();
      await played;
      assert.equal(session.events.filter((e) => e.type === 'human-speak').length, 1);
      await session.close();
    });
  });
});
