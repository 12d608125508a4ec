import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NewEvent } from '../../../src/engine/store/sessionSchema';
import { SessionJournal, type ParticipantInfo } from '../../../src/engine/store/sessionJournal';

/** Shared by the store tests and the SIGKILL child: a deterministic session script. */
export const CAST: ParticipantInfo[] = [
  { id: 'mara', name: 'Mara Voss', glyph: 'M', color: '#c0563f' },
  { id: 'oskar', name: 'Oskar Lind', glyph: 'O', color: '#3f6fc0' },
];

export const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'sessions');
export const INTERACTIVE_FIXTURE = path.join(FIXTURES, 'interactive', '2026-11-22T0407Z-harbour-deal');
export const BATCH_FIXTURE = path.join(FIXTURES, 'batch', '2026-09-14T1010Z-batch-pricing');
/** A regenerate, a sample choice, an edit, a rewind that undoes a cast change, a live edit; then carried over. */
export const REDO_FIXTURE = path.join(FIXTURES, 'interactive', '2026-11-23T0915Z-the-harbour-deal-again');
/** The session REDO_FIXTURE was carried over to (the two link to each other). */
export const CARRIED_FIXTURE = path.join(FIXTURES, 'interactive', '2026-11-23T0941Z-the-harbour-deal-again');

/** One full turn: the human line, a two-line confer, two responses, the call's cost, the floor. */
export function turnEvents(turn: number): NewEvent[] {
  return [
    { type: 'human-speak', turn, text: `Question ${turn}?`, target: null },
    { type: 'deliberation', turn, speaker: 'mara', text: `mara weighs ${turn}` },
    { type: 'deliberation', turn, speaker: 'oskar', text: `oskar weighs ${turn}` },
    { type: 'speak', turn, speaker: 'mara', text: `Mara answers ${turn}`, order: 1, truncated: false },
    { type: 'speak', turn, speaker: 'oskar', text: `Oskar answers ${turn}`, order: 2, truncated: false },
    { type: 'cost', turn, model: 'claude-test', input_tokens: 10, cache_creation_input_tokens: 100, cache_read_input_tokens: 1000 * turn, output_tokens: 20, usd: 0.0011 },
    { type: 'floor', turn },
  ];
}

/** The events after the intro, for `turns` turns, in order. */
export function scriptedEvents(turns: number): NewEvent[] {
  const out: NewEvent[] = [];
  for (let t = 1; t <= turns; t++) out.push(...turnEvents(t));
  return out;
}

/** A journal with its cast noted and the intro appended (seq 1). */
export async function startSession(sessionsDir: string, title = 'Harbour deal'): Promise<SessionJournal> {
  const j = await SessionJournal.create(sessionsDir, { session_id: '', title, started_at: new Date().toISOString(), model: 'claude-test', brief: { id: 'harbour', title: 'The harbour' } });
  for (const p of CAST) j.noteParticipant(p);
  j.append({ type: 'intro', turn: 0, brief: j.header.brief, cast: CAST.map((p) => p.id) });
  return j;
}

const made: string[] = [];

/** A fresh temp dir; `removeTempDirs` (an `after` hook in each store test file) deletes them all. */
export async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dp-store-'));
  made.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
}

export async function copyDir(from: string, to: string): Promise<string> {
  await fs.cp(from, to, { recursive: true });
  return to;
}
