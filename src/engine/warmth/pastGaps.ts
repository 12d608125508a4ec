import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { SESSION_FILES } from '../store/sessionFiles';

/** Sessions read for think times: the most recent ones are the researcher's current pace. */
export const PAST_SESSIONS = 20;

/** Only what a gap needs: when each human line was said. Everything else in the log is ignored. */
const timesSchema = z.object({ events: z.array(z.looseObject({ type: z.string(), at: z.string() })) });

/**
 * The gaps between consecutive human lines (ms, oldest first) in the most recent closed sessions under
 * `sessionsDir`, for `auto`. Folders sort by time (their ids start with it). A folder whose log is missing or
 * unreadable is skipped: this is a hint for a policy, and `audit` is where broken folders are reported.
 */
export async function pastThinkTimes(sessionsDir: string, sessions = PAST_SESSIONS): Promise<number[]> {
  let names: string[];
  try {
    names = (await fs.readdir(sessionsDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch {
    return [];
  }
  const gaps: number[] = [];
  for (const name of names.slice(-sessions)) {
    let parsed: z.infer<typeof timesSchema>;
    try {
      const r = timesSchema.safeParse(JSON.parse(await fs.readFile(path.join(sessionsDir, name, SESSION_FILES.log), 'utf8')));
      if (!r.success) continue;
      parsed = r.data;
    } catch {
      continue;
    }
    const times = parsed.events.filter((e) => e.type === 'human-speak').map((e) => Date.parse(e.at)).filter(Number.isFinite);
    for (let i = 1; i < times.length; i++) if (times[i]! >= times[i - 1]!) gaps.push(times[i]! - times[i - 1]!);
  }
  return gaps;
}
