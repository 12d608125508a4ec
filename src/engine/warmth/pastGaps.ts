import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { SESSION_FILES } from '../store/sessionFiles';

/** Sessions read for think times: the most recent ones are the researcher's current pace. */
export const PAST_SESSIONS = 20;

/** Only what a gap needs: when each human line was said. Everything else in the log is ignored. */
const timesSchema = z.object({ events: z.array(z.looseObject({ type: z.string(), at: z.string() })) });

/**
 * The gaps between consecutive human lines of one session's events (ms, oldest first). A `resume` between two
 * lines breaks the chain: the time the session lay closed is not the researcher thinking.
 */
export function thinkTimesOf(events: ReadonlyArray<{ type: string; at: string }>): number[] {
  const gaps: number[] = [];
  let previous: number | null = null;
  for (const e of events) {
    if (e.type === 'resume') previous = null;
    if (e.type !== 'human-speak') continue;
    const at = Date.parse(e.at);
    if (!Number.isFinite(at)) continue;
    if (previous !== null && at >= previous) gaps.push(at - previous);
    previous = at;
  }
  return gaps;
}

/**
 * The gaps between consecutive human lines (ms, oldest first) in the most recent closed sessions under
 * `sessionsDir`, for `auto`; `except` (a session folder) is left out: a resumed session reads its own gaps from
 * its log (PanelSession.resume), so they must not count twice. Folders sort by time (their ids start with it).
 * A folder whose log is missing or unreadable is skipped: this is a hint for a policy, and `audit` is where
 * broken folders are reported.
 */
export async function pastThinkTimes(sessionsDir: string, o: { sessions?: number; except?: string } = {}): Promise<number[]> {
  let names: string[];
  try {
    names = (await fs.readdir(sessionsDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch {
    return [];
  }
  const except = o.except === undefined ? null : path.resolve(o.except);
  names = names.filter((n) => path.resolve(sessionsDir, n) !== except);
  const gaps: number[] = [];
  for (const name of names.slice(-(o.sessions ?? PAST_SESSIONS))) {
    let parsed: z.infer<typeof timesSchema>;
    try {
      const r = timesSchema.safeParse(JSON.parse(await fs.readFile(path.join(sessionsDir, name, SESSION_FILES.log), 'utf8')));
      if (!r.success) continue;
      parsed = r.data;
    } catch {
      continue;
    }
    gaps.push(...thinkTimesOf(parsed.events));
  }
  return gaps;
}
