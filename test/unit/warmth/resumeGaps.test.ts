import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { PanelSession, type PanelSessionOptions } from '../../../src/engine/session/panelSession';
import { ManualClock } from '../../../src/engine/warmth/clock';
import { pastThinkTimes, thinkTimesOf } from '../../../src/engine/warmth/pastGaps';
import { usePanelRig } from '../session/panelRig';

const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** The TTL the last request's moving breakpoint carried. */
function lastTtl(body: { messages: Array<{ content: unknown }> }): string {
  const content = body.messages.at(-1)!.content as Array<{ cache_control?: { ttl?: string } }>;
  return content.at(-1)?.cache_control?.ttl ?? '5m';
}

/**
 * Plays `lines` turns, closes, and rewrites the closed log's times so the human lines are `gapMs` apart (the
 * journal stamps events with wall time, so a test sets the pace it wants in the log the resume reads).
 */
async function closedSessionPaced(start: () => Promise<PanelSession>, lines: number, gapMs: number): Promise<string> {
  const s = await start();
  for (let i = 0; i < lines; i++) await s.say(`Line ${i + 1}.`, null);
  const { dir } = await s.close();
  const file = path.join(dir, 'event-log.json');
  const log = JSON.parse(await fs.readFile(file, 'utf8')) as { events: Array<{ turn: number; seq: number; at: string }>; started_at: string; ended_at: string };
  const t0 = Date.parse(log.started_at);
  for (const e of log.events) e.at = iso(t0 + e.turn * gapMs + e.seq);
  log.ended_at = iso(t0 + (lines + 1) * gapMs);
  await fs.writeFile(file, JSON.stringify(log, null, 2));
  return dir;
}

describe("auto reads a resumed session's own think times", () => {
  const rig = usePanelRig('dialogue-resume-gaps-');
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock();
    await rig.restartApi({ now: () => clock.now() });
  });

  const options = (over: Partial<PanelSessionOptions> = {}) => rig.options({ clock, ...over });

  it('takes the gaps between human lines, never across a resume, skipping unreadable times', () => {
    const at = (m: number) => iso(Date.UTC(2026, 10, 1, 9) + m * MIN);
    const gaps = thinkTimesOf([
      { type: 'intro', at: at(0) },
      { type: 'human-speak', at: at(1) },
      { type: 'speak', at: at(2) },
      { type: 'human-speak', at: at(4) },
      { type: 'human-speak', at: 'not a time' },
      { type: 'human-speak', at: at(12) },
      { type: 'resume', at: at(3000) },
      { type: 'human-speak', at: at(3001) },
      { type: 'human-speak', at: at(3003) },
    ]);
    assert.deepEqual(gaps, [3 * MIN, 8 * MIN, 2 * MIN], 'the two days the session lay closed are not a gap');
  });

  it('leaves the resumed folder out of the earlier sessions, so its gaps do not count twice', async () => {
    const off = () => PanelSession.start(options({ warmth: 'off' }));
    const a = await closedSessionPaced(off, 3, 20 * MIN);
    const b = await closedSessionPaced(off, 3, 2 * MIN);
    // Events keep their order (a few ms apart within a turn), so gaps are read to the second.
    const seconds = async (o?: Parameters<typeof pastThinkTimes>[1]) => (await pastThinkTimes(rig.sessionsDir, o)).map((g) => Math.round(g / 1000));
    assert.deepEqual(await seconds(), [1200, 1200, 120, 120]);
    assert.deepEqual(await seconds({ except: a }), [120, 120]);
    assert.deepEqual(await seconds({ except: b, sessions: 1 }), [1200, 1200]);
  });

  it('a session whose researcher took long breaks resumes with the 1-hour TTL; a quick one with 5 minutes', async () => {
    const off = () => PanelSession.start(options({ warmth: 'off' }));
    const slow = await closedSessionPaced(off, 10, 20 * MIN);
    const quick = await closedSessionPaced(off, 10, 40_000);
    for (const [dir, want] of [[slow, '1h'], [quick, '5m']] as const) {
      // No earlier sessions at all: what auto knows of the pace comes from the folder's own log.
      const s = await PanelSession.resume(dir, options({ warmth: 'auto', thinkTimeHistory: [] }));
      await s.say('Back again.', null);
      assert.equal(lastTtl(rig.api.requests.at(-1)!.body), want, path.basename(dir));
      await s.close();
    }
    // Without the folder's gaps the prior (a median of 90 s) decides: the same resume would cache for 5 minutes.
    const fresh = await PanelSession.start(options({ warmth: 'auto', thinkTimeHistory: [] }));
    await fresh.say('Hello.', null);
    assert.equal(lastTtl(rig.api.requests.at(-1)!.body), '5m');
    await fresh.close();
  });
  it('switched to auto mid-session, it already knows the gaps this session has shown', async () => {
    for (const [gap, want] of [[20 * MIN, '1h'], [30_000, '5m']] as const) {
      const s = await PanelSession.start(options({ warmth: 'off', thinkTimeHistory: [] }));
      for (let i = 0; i < 8; i++) {
        await s.say(`Line ${i + 1}.`, null);
        await clock.advance(gap);
      }
      s.setWarmth('auto');
      await s.say('Now with auto.', null);
      await clock.advance(MIN);
      await s.say('And again.', null);
      assert.equal(lastTtl(rig.api.requests.at(-1)!.body), want, `gaps of ${gap / 1000} s`);
      await s.close();
    }
  });
});
