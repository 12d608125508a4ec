import { strict as assert } from 'node:assert';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createFakeVscode, fakeContext, forgetExtension, freshExtension, installFakeVscode, Uri } from './extensionFakeVscode';
import { MemoryMemento, MemorySecrets, until, type ExtensionModule } from './extensionFakes';
import { git, removeTempDirs, repoWithStagedNote, tempDir, writeSession } from './extensionSessions';

const REPO = path.join(__dirname, '..', '..', '..');

/**
 * A stand-in for the built-in Git extension's API v1 (the fake `vscode` has no extensions of its own): it hands
 * over the real `git` and records what the command asks of the repository. The commits are real.
 */
function gitExtension(o: { enabled: boolean; remotes?: string[] }) {
  const calls = { status: 0, push: [] as unknown[][], opened: [] as string[] };
  const api = {
    state: 'initialized',
    onDidChangeState: () => ({ dispose: () => undefined }),
    git: { path: 'git' },
    getRepository: () => null,
    openRepository: (uri: Uri) => {
      calls.opened.push(uri.fsPath);
      return Promise.resolve({
        rootUri: uri,
        state: { HEAD: { name: 'main' }, remotes: (o.remotes ?? []).map((name) => ({ name })) },
        status: () => Promise.resolve(void calls.status++),
        push: (...args: unknown[]) => Promise.resolve(void calls.push.push(args)),
      });
    },
  };
  const exports = {
    enabled: o.enabled,
    getAPI: () => {
      if (!o.enabled) throw new Error('Git model not found');
      return api;
    },
  };
  return { extension: { isActive: false, exports, activate: () => Promise.resolve(exports) }, calls };
}

describe('extension: export and publish a session (fake vscode, real files and git)', function () {
  this.timeout(30_000);
  const fake = createFakeVscode();
  const ctx = fakeContext(REPO, new MemoryMemento(), new MemorySecrets());
  let uninstall: () => void;
  let extension: ExtensionModule;
  let workspace: string;
  let sessions: string;
  let session: string;

  const run = fake.run;
  const lastMessage = (level: string) => fake.state.messages.filter((m) => m.level === level).at(-1)?.text ?? '';
  const useGit = (o: { enabled: boolean; remotes?: string[] }) => {
    const g = gitExtension(o);
    fake.state.extensions.set('vscode.git', g.extension);
    return g.calls;
  };

  before(async () => {
    uninstall = installFakeVscode(fake.api);
    extension = freshExtension();
    workspace = await repoWithStagedNote('publish');
    sessions = path.join(workspace, 'sessions');
    await fs.mkdir(sessions);
    session = await writeSession(sessions, { title: 'Harbour <b>deal</b>', started: '2026-11-22T04:07:00Z' });
    fake.state.workspaceFolder = workspace;
    extension.activate(ctx.context);
  });
  after(async () => {
    extension.deactivate();
    ctx.dispose();
    uninstall();
    forgetExtension();
    await removeTempDirs();
  });

  it('exports to the file given, says where, and opens it in the browser when asked', async () => {
    const out = path.join(await tempDir('export-out'), 'harbour.html');
    fake.state.answer = (text, buttons) => (/exported/.test(text) ? (buttons.includes('Open') ? 'Open' : undefined) : undefined);
    assert.equal(await run('dialogue.exportSession', { session, out }), out);
    const html = await fs.readFile(out, 'utf8');
    assert.match(html, /Content-Security-Policy" content="default-src &#39;none&#39;/);
    assert.ok(html.includes('Harbour \\u003cb>deal\\u003c/b>'), 'the title is in the page data, escaped, never markup');
    assert.match(lastMessage('info'), /exported "Harbour <b>deal<\/b>"/);
    await until('the page opened externally', () => fake.state.external.includes(Uri.file(out).toString()));
    fake.state.answer = () => undefined;
  });

  it('without arguments asks which closed session and where to save, offering <id>.html beside it', async () => {
    await writeSession(sessions, { title: 'Still running', started: '2026-11-23T04:07:00Z', open: true });
    let offered: string[] = [];
    let saveOptions: Record<string, unknown> = {};
    fake.state.pick = <T>(items: readonly T[]) => ((offered = items.map((i) => (i as { label: string }).label)), items[0]);
    fake.state.save = (o) => ((saveOptions = o), undefined);
    assert.equal(await run('dialogue.exportSession'), undefined, 'dismissing the save dialog writes nothing');
    assert.deepEqual(offered, ['Harbour <b>deal</b>'], 'the running session is not offered');
    assert.equal((saveOptions.defaultUri as Uri).fsPath, path.join(sessions, `${path.basename(session)}.html`));
    assert.ok(!existsSync(path.join(sessions, `${path.basename(session)}.html`)));
    fake.state.save = (o) => (o.defaultUri as Uri).fsPath;
    const file = await run<string>('dialogue.exportSession');
    assert.equal(file, path.join(sessions, `${path.basename(session)}.html`));
    assert.ok(existsSync(file));
    await fs.rm(file);
  });

  it('refuses an unclosed session and a folder that is no session, in one line', async () => {
    const open = (await fs.readdir(sessions)).find((n) => n.includes('still-running'))!;
    await assert.rejects(run('dialogue.exportSession', { session: open, out: '/tmp/x.html' }), /is not closed yet/);
    await assert.rejects(run('dialogue.publishSession', { session: workspace }), /not a session folder/);
    await assert.rejects(run('dialogue.publishSession', { sesion: session }), /takes \{ "session"/);
    await fs.rm(path.join(sessions, open), { recursive: true });
  });

  it('says clearly when the Git extension is missing or turned off', async () => {
    fake.state.extensions.delete('vscode.git');
    await assert.rejects(run('dialogue.publishSession', { session }), /cannot publish without VS Code's built-in Git extension.*enable "Git"/);
    useGit({ enabled: false });
    await assert.rejects(run('dialogue.publishSession', { session }), /cannot publish while Git is turned off.*git\.enabled/);
    assert.match(lastMessage('error'), /^Dialogue: cannot publish while Git is turned off/);
  });

  it('says clearly when the sessions folder is in no repository, and writes nothing', async () => {
    useGit({ enabled: true });
    const elsewhere = await tempDir('no-repo');
    const loose = await writeSession(elsewhere, { title: 'Loose', started: '2026-11-20T04:07:00Z' });
    await assert.rejects(run('dialogue.publishSession', { session: loose }), /is not in a Git repository/);
    assert.ok(!existsSync(path.join(elsewhere, 'index.html')));
    assert.ok(!existsSync(path.join(loose, 'view.html')));
  });

  it('commits exactly the session, index.json and its site pages; the staged unrelated file stays staged', async () => {
    const calls = useGit({ enabled: true });
    const before = git(workspace, 'rev-parse', 'HEAD').trim();
    const result = await run<{ commit: string; files: string[] }>('dialogue.publishSession', { session });
    assert.equal(git(workspace, 'rev-list', '--count', `${before}..HEAD`).trim(), '1');
    const id = path.basename(session);
    const expected = ['context.jsonl', 'event-log.json', 'transcript.md', 'view.html']
      .filter((f) => existsSync(path.join(session, f)))
      .map((f) => `sessions/${id}/${f}`)
      .concat(['sessions/index.html', 'sessions/index.json'])
      .sort();
    assert.ok(expected.includes(`sessions/${id}/view.html`));
    assert.deepEqual(git(workspace, 'show', '--name-only', '--format=', 'HEAD').split('\n').filter(Boolean).sort(), expected);
    assert.deepEqual([...result.files].sort(), expected);
    assert.equal(git(workspace, 'diff', '--cached', '--name-only').trim(), 'notes.txt');
    assert.equal(git(workspace, 'log', '-1', '--format=%s').trim(), `Publish session "Harbour <b>deal</b>" (${id})`);
    assert.deepEqual(calls.opened, [workspace]);
    assert.equal(calls.status, 1, 'the Source Control view is refreshed');
    assert.match(lastMessage('info'), new RegExp(`committed "Harbour <b>deal</b>" \\([0-9a-f]{7}, ${expected.length} files\\) on main\\. The repository has no remote`));
  });

  it('publishing again with nothing changed makes no commit', async () => {
    useGit({ enabled: true });
    const head = git(workspace, 'rev-parse', 'HEAD').trim();
    const result = await run<{ commit: string | null }>('dialogue.publishSession', { session });
    assert.equal(result.commit, null);
    assert.equal(git(workspace, 'rev-parse', 'HEAD').trim(), head);
    assert.match(lastMessage('info'), /already published/);
  });

  it('offers Push when there is a remote, and pushes only when it is clicked', async () => {
    const second = await writeSession(sessions, { title: 'Second', started: '2026-11-24T04:07:00Z' });
    let calls = useGit({ enabled: true, remotes: ['origin'] });
    let buttons: string[] = [];
    fake.state.answer = (text, b) => (/committed/.test(text) ? ((buttons = b), undefined) : undefined);
    await run('dialogue.publishSession', { session: second });
    assert.deepEqual(buttons, ['Push']);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(calls.push, [], 'dismissed: nothing pushed');

    const third = await writeSession(sessions, { title: 'Third', started: '2026-11-25T04:07:00Z' });
    calls = useGit({ enabled: true, remotes: ['origin'] });
    fake.state.answer = (text) => (/committed/.test(text) ? 'Push' : undefined);
    await run('dialogue.publishSession', { session: third });
    // main has no upstream yet: pushed to the remote and set to track it.
    assert.deepEqual(await until('the push', () => calls.push[0]), ['origin', 'main', true]);
    fake.state.answer = () => undefined;
  });
});
