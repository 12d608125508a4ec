import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { hasContext } from '../../engine/session/panelSession';
import { HUMAN_ID, interactiveLogSchema } from '../../engine/store/sessionSchema';
import { readJournal } from '../../engine/store/journalLines';
import { SESSION_FILES, pathExists } from '../../engine/store/sessionFiles';
import { readIndex, type IndexEntry } from '../../engine/store/sessionIndex';
import { replayRoster } from '../panel/memberViews';
import type { ReplaySource } from '../panel/panelController';

/**
 * The sessions folder as the picker shows it. The folder scan is the truth (the index is written at close,
 * so it never knows about a session that is still running or was interrupted); the index only saves
 * reading every closed log.
 */

/** One session folder; `closed` is false when only a journal exists (running, or interrupted). */
export interface SessionSummary {
  dir: string;
  id: string;
  title: string;
  startedAt: string | null;
  /** display names of the characters (ids when a name is unknown). */
  cast: string[];
  turns: number | null;
  usd: number | null;
  closed: boolean;
  /** 'batch' logs can be listed but not replayed in the panel. */
  mode: 'interactive' | 'batch';
}

async function readIndexEntries(sessionsDir: string): Promise<Map<string, IndexEntry>> {
  const index = await readIndex(sessionsDir);
  return new Map((index?.sessions ?? []).map((e) => [e.id, e]));
}

function turnsOf(events: ReadonlyArray<{ type: string; turn: number }>): number {
  return events.reduce((max, e) => (e.type === 'human-speak' && e.turn > max ? e.turn : max), 0);
}

async function summarize(dir: string, index: Map<string, IndexEntry>): Promise<SessionSummary | null> {
  const id = path.basename(dir);
  if (await pathExists(path.join(dir, SESSION_FILES.journal))) {
    try {
      const { state } = await readJournal(path.join(dir, SESSION_FILES.journal));
      const intro = state.events.find((e) => e.type === 'intro');
      const ids = intro?.type === 'intro' ? intro.cast : [];
      return {
        dir, id, title: state.header.title, startedAt: state.header.started_at,
        cast: ids.map((c) => state.participants.get(c)?.name ?? c), turns: turnsOf(state.events), usd: null, closed: false, mode: 'interactive',
      };
    } catch {
      return { dir, id, title: id, startedAt: null, cast: [], turns: null, usd: null, closed: false, mode: 'interactive' };
    }
  }
  const logFile = path.join(dir, SESSION_FILES.log);
  if (!(await pathExists(logFile))) return null;
  const known = index.get(id);
  if (known) {
    return {
      dir, id, title: known.title, startedAt: known.started_at, cast: known.cast, turns: known.turns,
      usd: known.usd, closed: true, mode: known.mode,
    };
  }
  try {
    const raw = JSON.parse(await fs.readFile(logFile, 'utf8')) as Record<string, unknown>;
    const log = interactiveLogSchema.safeParse(raw);
    if (!log.success) {
      const batch = raw.mode === undefined || raw.mode === 'batch';
      const startedAt = typeof raw.started_at === 'string' ? raw.started_at : null;
      return { dir, id, title: typeof raw.title === 'string' ? raw.title : id, startedAt, cast: [], turns: null, usd: null, closed: true, mode: batch ? 'batch' : 'interactive' };
    }
    const l = log.data;
    const cast = l.participants.filter((p) => p.kind !== 'human' && p.id !== HUMAN_ID).map((p) => p.name || p.id);
    return { dir, id, title: l.title ?? id, startedAt: l.started_at, cast, turns: turnsOf(l.events), usd: l.totals.usd, closed: true, mode: 'interactive' };
  } catch {
    return { dir, id, title: id, startedAt: null, cast: [], turns: null, usd: null, closed: true, mode: 'interactive' };
  }
}

// By start time where known (folder names only sort by time for ids this tool made), unknown last.
function newestFirst(a: SessionSummary, b: SessionSummary): number {
  const ta = a.startedAt ? Date.parse(a.startedAt) : NaN;
  const tb = b.startedAt ? Date.parse(b.startedAt) : NaN;
  if (Number.isNaN(ta) !== Number.isNaN(tb)) return Number.isNaN(ta) ? 1 : -1;
  if (!Number.isNaN(ta) && ta !== tb) return tb - ta;
  return b.id.localeCompare(a.id);
}

/** Every session folder under `sessionsDir`, newest first. */
export async function listSessions(sessionsDir: string): Promise<SessionSummary[]> {
  let names: string[];
  try {
    const entries = await fs.readdir(sessionsDir, { withFileTypes: true });
    names = entries.filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
  const index = await readIndexEntries(sessionsDir);
  const found = await Promise.all(names.map((n) => summarize(path.join(sessionsDir, n), index)));
  return found.filter((s): s is SessionSummary => s !== null).sort(newestFirst);
}

/** A closed interactive session as a read-only replay; throws a readable Error otherwise. */
export async function loadReplay(dir: string): Promise<ReplaySource> {
  const logFile = path.join(dir, SESSION_FILES.log);
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(logFile, 'utf8'));
  } catch (err) {
    if (await pathExists(path.join(dir, SESSION_FILES.journal))) {
      throw new Error(`${path.basename(dir)} was not closed: recover it first (it still has its journal)`);
    }
    throw new Error(`${logFile} cannot be read: ${(err as Error).message}`);
  }
  const parsed = interactiveLogSchema.safeParse(raw);
  if (!parsed.success) {
    const mode = (raw as { mode?: unknown } | null)?.mode;
    if (mode === undefined || mode === 'batch') throw new Error(`${path.basename(dir)} is a batch log: the panel replays interactive sessions only`);
    throw new Error(`${logFile} does not validate: ${z.prettifyError(parsed.error).split('\n')[0]} (run "Dialogue: Audit Sessions")`);
  }
  const log = parsed.data;
  return {
    dir,
    title: log.title ?? log.session_id,
    brief: log.brief,
    events: log.events,
    roster: replayRoster(log.participants),
    canContinue: await hasContext(dir),
  };
}
