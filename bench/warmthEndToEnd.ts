import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PanelSession } from '../src/engine/session/panelSession';
import { playActions } from '../src/engine/session/playActions';
import { parseScript } from '../src/engine/session/playScript';
import { ManualClock } from '../src/engine/warmth/clock';
import type { WarmthMode } from '../src/engine/warmth/policies';
import { startStandIn } from '../test/standIn/messagesStandIn';
import { benchSessionOptions } from './megapromptRun';
import { benchLibrary, panelScript } from './panelScript';

/** Think time between ordinary turns in the scripted session, and the long pause in its middle (seconds). */
export const E2E_THINK_SECONDS = 45;
export const E2E_PAUSE_SECONDS = 12 * 60;

/** The scripted session: `turns` lines of the cost benchmark's script, 45 s apart, a 12-minute pause halfway. */
export function pausedScript(turns: number): string {
  const lines = panelScript(turns).map((t) => JSON.stringify({ say: t.say }));
  const out: string[] = [];
  lines.forEach((l, i) => {
    if (i > 0) out.push(JSON.stringify({ wait: i === Math.floor(turns / 2) ? E2E_PAUSE_SECONDS : E2E_THINK_SECONDS }));
    out.push(l);
  });
  return out.join('\n');
}

/** Plays the scripted session through PanelSession on a manual clock against a fresh stand-in; returns its cost. */
export async function playPaused(warmth: WarmthMode, turns: number): Promise<{ usd: number; pings: number; ttl1h: number }> {
  const clock = new ManualClock();
  clock.autoAdvanceSleeps = true; // the script's waits move time; keep-warm timers fire on the way
  const api = await startStandIn({ now: () => clock.now() });
  const sessionsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dp-bench-warmth-'));
  try {
    const library = await benchLibrary();
    const session = await PanelSession.start({ ...benchSessionOptions({ library, baseURL: api.url }, sessionsDir), clock, warmth });
    await playActions(session, parseScript(pausedScript(turns), 'paused.jsonl'), { library, clock, stopped: () => false });
    await session.close();
    let usd = 0;
    let pings = 0;
    for (const e of session.events) {
      if (e.type !== 'cost') continue;
      if (e.usd === null) throw new Error('warmth e2e: a call has no price');
      usd += e.usd;
      if (e.kind === 'keep-warm') pings++;
    }
    const lastBlock = (content: string | ReadonlyArray<{ cache_control?: { ttl?: string } | null }> | undefined) => (typeof content === 'string' ? undefined : content?.at(-1));
    const ttl1h = api.requests.filter((r) => lastBlock(r.body.messages.at(-1)?.content)?.cache_control?.ttl === '1h').length;
    return { usd, pings, ttl1h };
  } finally {
    await api.close();
    await fs.rm(sessionsDir, { recursive: true, force: true });
  }
}
