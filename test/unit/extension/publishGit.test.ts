import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { commitPaths, GitCommandError, relativeToRoot, repositoryRoot, trackedAmong } from '../../../src/extension/sessions/gitCommit';
import { git, removeTempDirs, repoWithStagedNote, tempDir } from './extensionSessions';

// Real repositories in temp folders, driven by the same `git` the Git extension would hand over.

const lines = (text: string): string[] => text.split('\n').filter(Boolean).sort();

describe('publishing: committing only the given paths (real git)', function () {
  this.timeout(30_000);
  after(removeTempDirs);

  it('commits exactly the paths; what was staged besides stays staged and out of the commit', async () => {
    const root = await repoWithStagedNote('git-only');
    const session = path.join(root, 'sessions', '2026-11-22T0407Z-harbour');
    await fs.mkdir(session, { recursive: true });
    await fs.writeFile(path.join(session, 'event-log.json'), '{}\n');
    await fs.writeFile(path.join(session, 'transcript.md'), '# t\n');
    await fs.writeFile(path.join(root, 'sessions', 'index.json'), '{}\n');
    await fs.writeFile(path.join(root, 'sessions', 'stray.txt'), 'not published\n');
    const before = git(root, 'rev-parse', 'HEAD').trim();

    const made = await commitPaths('git', root, [session, path.join(root, 'sessions', 'index.json')], 'Publish session x\n');
    assert.ok(made);
    assert.equal(git(root, 'rev-list', '--count', `${before}..HEAD`).trim(), '1');
    assert.equal(made.commit, git(root, 'rev-parse', 'HEAD').trim());
    const committed = ['sessions/2026-11-22T0407Z-harbour/event-log.json', 'sessions/2026-11-22T0407Z-harbour/transcript.md', 'sessions/index.json'];
    assert.deepEqual(lines(git(root, 'show', '--name-only', '--format=', 'HEAD')), committed);
    assert.deepEqual([...made.files].sort(), committed);
    assert.deepEqual(lines(git(root, 'diff', '--cached', '--name-only')), ['notes.txt'], 'the unrelated file is still staged');
    assert.match(git(root, 'status', '--porcelain'), /^\?\? sessions\/stray\.txt$/m, 'files beside the paths are left alone');
    assert.equal(git(root, 'log', '-1', '--format=%s'), 'Publish session x\n');
  });

  it('commits a later change and a deletion in the folder; nothing to commit resolves null', async () => {
    const root = await repoWithStagedNote('git-again');
    const session = path.join(root, 's', 'one');
    await fs.mkdir(session, { recursive: true });
    await fs.writeFile(path.join(session, 'a'), '1');
    await fs.writeFile(path.join(session, 'b'), '2');
    assert.ok(await commitPaths('git', root, [session], 'first'));
    assert.equal(await commitPaths('git', root, [session], 'again'), null, 'unchanged: no empty commit');
    await fs.rm(path.join(session, 'b'));
    await fs.writeFile(path.join(session, 'a'), '3');
    const made = await commitPaths('git', root, [session], 'second');
    assert.deepEqual(lines(git(root, 'show', '--name-status', '--format=', 'HEAD')), ['D\ts/one/b', 'M\ts/one/a']);
    assert.deepEqual(made!.files.sort(), ['s/one/a', 's/one/b']);
    assert.deepEqual(lines(git(root, 'diff', '--cached', '--name-only')), ['notes.txt']);
  });

  it('works in a repository with no commit yet, and takes folder names literally', async () => {
    const root = await fs.realpath(await tempDir('git-unborn'));
    git(root, 'init', '--quiet');
    git(root, 'config', 'user.name', 'T');
    git(root, 'config', 'user.email', 't@example.invalid');
    await fs.writeFile(path.join(root, 'other.txt'), 'x');
    git(root, 'add', 'other.txt');
    const odd = path.join(root, 'run [1]*');
    const twin = path.join(root, 'run 1x');
    await fs.mkdir(odd);
    await fs.mkdir(twin);
    await fs.writeFile(path.join(odd, 'event-log.json'), '{}');
    await fs.writeFile(path.join(twin, 'event-log.json'), '{}');
    const made = await commitPaths('git', root, [odd], 'first');
    assert.deepEqual(made!.files, ['run [1]*/event-log.json'], 'a glob-looking name matched only itself');
    assert.deepEqual(lines(git(root, 'diff', '--cached', '--name-only')), ['other.txt']);
  });

  it('finds the work tree from a folder inside it (through a symlink too), and null outside any repository', async () => {
    const root = await repoWithStagedNote('git-root');
    await fs.mkdir(path.join(root, 'deep', 'sessions'), { recursive: true });
    assert.equal(await repositoryRoot('git', path.join(root, 'deep', 'sessions')), root);
    const link = path.join(await tempDir('git-link'), 'viewer');
    await fs.symlink(root, link);
    assert.deepEqual(await relativeToRoot(root, [path.join(link, 'deep', 'sessions')]), ['deep/sessions']);
    const outside = await tempDir('git-none');
    assert.equal(await repositoryRoot('git', outside), null);
    await assert.rejects(relativeToRoot(root, [outside]), /not inside the repository/);
  });

  it('tells which pages are already tracked', async () => {
    const root = await repoWithStagedNote('git-tracked');
    await fs.writeFile(path.join(root, 'old.html'), 'x');
    await fs.writeFile(path.join(root, 'new.html'), 'y');
    git(root, 'add', 'old.html');
    git(root, 'commit', '--quiet', '-m', 'old', '--', 'old.html');
    const tracked = await trackedAmong('git', root, [path.join(root, 'old.html'), path.join(root, 'new.html')]);
    assert.deepEqual([...tracked], [path.join(root, 'old.html')]);
  });

  it("reports git's own complaint in one line (an ignored folder)", async () => {
    const root = await repoWithStagedNote('git-ignored');
    await fs.writeFile(path.join(root, '.gitignore'), 'sessions/\n');
    await fs.mkdir(path.join(root, 'sessions', 'x'), { recursive: true });
    await fs.writeFile(path.join(root, 'sessions', 'x', 'event-log.json'), '{}');
    const err = await commitPaths('git', root, [path.join(root, 'sessions', 'x')], 'm').then(() => null, (e: unknown) => e);
    assert.ok(err instanceof GitCommandError);
    assert.match(err.message, /ignored/);
    assert.doesNotMatch(err.message, /\n/);
    assert.deepEqual(lines(git(root, 'diff', '--cached', '--name-only')), ['notes.txt']);
  });
});
