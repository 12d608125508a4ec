import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/**
 * Committing chosen paths with the `git` executable the built-in Git extension found (its API v1 `commit`
 * commits the whole index, which would sweep in whatever the researcher had staged besides). Plain Node: no
 * `vscode`, so the tests run it against real repositories.
 */

/** A git command that failed; `message` is git's own first line of complaint. */
export class GitCommandError extends Error {
  constructor(message: string, readonly args: readonly string[], readonly stderr: string) {
    super(message);
  }
}

const LOCKED = /index\.lock|Unable to create .*\.lock/i;
const LOCK_RETRIES = 8;
const LOCK_WAIT_MS = 150;

/** Git's first helpful line: `fatal:`/`error:` lines first, hints last. */
function complaint(stderr: string, fallback: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const main = lines.find((l) => /^(fatal|error):/.test(l)) ?? lines.find((l) => !l.startsWith('hint:')) ?? fallback;
  return main.replace(/^(fatal|error):\s*/, '');
}

function execGit(gitPath: string, cwd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    // LC_ALL=C: messages are matched (the lock, "not a git repository") and shown as git wrote them.
    execFile(gitPath, [...args], { cwd, env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new GitCommandError(complaint(stderr, err.message), args, stderr));
      else resolve(stdout);
    });
  });
}

/**
 * Runs `git ARGS` in `cwd` and returns stdout. The Git extension runs `git status` in the same repository
 * whenever files change, so a briefly held index lock is waited out rather than reported.
 */
export async function runGit(gitPath: string, cwd: string, args: readonly string[]): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await execGit(gitPath, cwd, args);
    } catch (err) {
      if (!(err instanceof GitCommandError) || !LOCKED.test(err.stderr) || attempt >= LOCK_RETRIES) throw err;
      await new Promise((r) => setTimeout(r, LOCK_WAIT_MS));
    }
  }
}

/** The work tree holding `dir` (real path), or null when `dir` is in no Git repository. */
export async function repositoryRoot(gitPath: string, dir: string): Promise<string | null> {
  try {
    return await fs.realpath((await runGit(gitPath, dir, ['rev-parse', '--show-toplevel'])).trim());
  } catch (err) {
    if (err instanceof GitCommandError && /not a git repository/i.test(err.stderr)) return null;
    throw err;
  }
}

/** `paths` (absolute) as paths relative to the work tree `root`; a path outside it is refused. */
export async function relativeToRoot(root: string, paths: readonly string[]): Promise<string[]> {
  const realRoot = await fs.realpath(root);
  return Promise.all(
    paths.map(async (p) => {
      // Real paths on both sides: a sessions folder reached through a symlink still lies inside the work tree.
      const real = await fs.realpath(p).catch(async () => path.join(await fs.realpath(path.dirname(p)), path.basename(p)));
      const rel = path.relative(realRoot, real);
      if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`${p} is not inside the repository at ${root}`);
      return rel.split(path.sep).join('/');
    }),
  );
}

/** Which of `paths` (absolute) the repository already tracks, as absolute paths. */
export async function trackedAmong(gitPath: string, root: string, paths: readonly string[]): Promise<Set<string>> {
  if (paths.length === 0) return new Set();
  const rel = await relativeToRoot(root, paths);
  const out = await runGit(gitPath, root, ['--literal-pathspecs', 'ls-files', '-z', '--', ...rel]);
  const tracked = new Set(out.split('\0').filter(Boolean));
  return new Set(paths.filter((_, i) => tracked.has(rel[i]!)));
}

/** One commit made by `commitPaths`: its hash and the files it changed (relative to the work tree, `/`-separated). */
export interface PathsCommit {
  commit: string;
  files: string[];
}

/**
 * Stages `paths` (files or folders, absolute; additions, changes and deletions alike) and commits exactly them
 * with `git commit --only`: whatever else the index held stays staged and out of the commit. Resolves null when
 * the paths hold no change to commit (already committed as they are).
 */
export async function commitPaths(gitPath: string, root: string, paths: readonly string[], message: string): Promise<PathsCommit | null> {
  const rel = await relativeToRoot(root, paths);
  // Literal pathspecs: a folder name with `*` or `[` names that folder, not a pattern.
  const git = (args: string[]): Promise<string> => runGit(gitPath, root, ['--literal-pathspecs', ...args]);
  await git(['add', '--all', '--', ...rel]);
  const staged = (await git(['diff', '--cached', '--name-only', '-z', '--', ...rel])).split('\0').filter(Boolean);
  if (staged.length === 0) return null;
  await git(['commit', '--quiet', '--only', '--no-edit', '--message', message, '--', ...rel]);
  const commit = (await git(['rev-parse', 'HEAD'])).trim();
  const files = (await git(['diff-tree', '--root', '--no-commit-id', '--name-only', '-r', '-z', 'HEAD'])).split('\0').filter(Boolean);
  return { commit, files };
}
