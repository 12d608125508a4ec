import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SessionJournal } from '../../../src/engine/store/sessionJournal';

/** Real session folders on disk, written by the store, for tests of the host's session handling. */

const made: string[] = [];

export async function tempDir(prefix: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `dialogue-ext-${prefix}-`));
  made.push(dir);
  return dir;
}

/** Removes every folder `tempDir` made (call from an `after` hook). */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
}

/** A session with one complete turn; closed unless `open`. Returns its folder. */
export async function writeSession(sessionsDir: string, o: { title: string; started: string; open?: boolean; usd?: number }): Promise<string> {
  const journal = await SessionJournal.create(sessionsDir, { session_id: '', title: o.title, started_at: o.started, model: 'claude-sonnet-5-5', brief: null });
  journal.noteParticipant({ id: 'mara', name: 'Mara Voss', glyph: 'M', color: '#c0563f' });
  journal.noteParticipant({ id: 'oskar', name: 'Oskar Lind', glyph: 'O', color: '#3f6ec0' });
  journal.append({ type: 'intro', turn: 0, brief: null, cast: ['mara', 'oskar'] });
  journal.append({ type: 'human-speak', turn: 1, text: 'What about the pier?', target: null });
  journal.append({ type: 'deliberation', turn: 1, speaker: 'oskar', text: 'Let her start.' });
  journal.append({ type: 'speak', turn: 1, speaker: 'mara', text: 'The pier stays.', order: 1, truncated: false });
  journal.append({ type: 'pass', turn: 1, speaker: 'oskar', order: 2 });
  journal.append({
    type: 'cost', turn: 1, model: 'claude-sonnet-5-5', input_tokens: 100, cache_creation_input_tokens: 2000,
    cache_read_input_tokens: 0, output_tokens: 80, usd: o.usd ?? 0.0123,
  });
  journal.append({ type: 'floor', turn: 1 });
  if (!o.open) await journal.close();
  return journal.dir;
}

/** Runs git in `cwd` and returns its stdout. */
export const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8' });

/** A repository with one commit, a local identity, and `notes.txt` staged but not committed. */
export async function repoWithStagedNote(prefix: string): Promise<string> {
  const root = await fs.realpath(await tempDir(prefix));
  git(root, 'init', '--quiet', '--initial-branch=main');
  git(root, 'config', 'user.name', 'Dialogue Test');
  git(root, 'config', 'user.email', 'dialogue-test@example.invalid');
  git(root, 'config', 'commit.gpgsign', 'false');
  await fs.writeFile(path.join(root, 'README.md'), 'viewer\n');
  git(root, 'add', 'README.md');
  git(root, 'commit', '--quiet', '-m', 'init');
  await fs.writeFile(path.join(root, 'notes.txt'), 'unrelated work in progress\n');
  git(root, 'add', 'notes.txt');
  return root;
}
