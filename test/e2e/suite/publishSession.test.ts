// In the real extension host: a closed session exported as one HTML file, and published into the workspace's
// Git repository through VS Code's built-in Git extension — with an unrelated change staged beforehand, which
// must stay staged and out of the commit.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SESSION_FILES } from '../../../src/engine/store/sessionFiles';
import { activeExtension, closeAllEditors, TEST_BRIEF, TEST_CAST, waitFor, workspaceRoot } from './extensionUnderTest';

const git = (...args: string[]): string => execFileSync('git', args, { cwd: workspaceRoot(), encoding: 'utf8' });
const names = (text: string): string[] => text.split('\n').filter(Boolean).sort();

/** Every file under `dir`, relative to the workspace with `/` separators. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(workspaceRoot(), path.join(e.parentPath, e.name)).split(path.sep).join('/'));
}

interface GitExtensionExports {
  readonly enabled: boolean;
}

/** The built-in Git extension, activated (code-server ships it; the harness's settings turn Git off). */
async function gitExtension(): Promise<GitExtensionExports> {
  const extension = vscode.extensions.getExtension<GitExtensionExports>('vscode.git');
  assert.ok(extension, 'code-server ships the built-in Git extension');
  return extension.activate();
}

/**
 * Turns Git on for this workspace and waits for the extension to follow. (It turns itself on at once when the
 * setting changes, but off only after a reload: the `after` hook just puts the setting back.)
 */
async function enableGit(): Promise<void> {
  const exports = await gitExtension();
  await vscode.workspace.getConfiguration('git').update('enabled', true, vscode.ConfigurationTarget.Workspace);
  await waitFor(() => exports.enabled, 'the Git extension to turn on');
}

describe('Export and publish a closed session', () => {
  let session: string;
  let title: string;

  before(async () => {
    await activeExtension();
    session = (await vscode.commands.executeCommand<string>('dialogue.startPanel', { cast: [...TEST_CAST], brief: TEST_BRIEF }))!;
    await vscode.commands.executeCommand('dialogue.say', 'Who speaks for the harbour?');
    assert.equal(await vscode.commands.executeCommand('dialogue.closeSession'), session);
    await closeAllEditors();
    title = (JSON.parse(fs.readFileSync(path.join(session, SESSION_FILES.log), 'utf8')) as { title: string }).title;
    assert.ok(title.length > 0);
  });
  after(() => vscode.workspace.getConfiguration('git').update('enabled', undefined, vscode.ConfigurationTarget.Workspace));

  it('exports one self-contained HTML file holding the session', async () => {
    const out = path.join(os.tmpdir(), `dialogue-e2e-export-${process.pid}.html`);
    try {
      assert.equal(await vscode.commands.executeCommand('dialogue.exportSession', { session, out }), out);
      const html = fs.readFileSync(out, 'utf8');
      assert.ok(html.includes(`<title>${title}</title>`), `the page is titled "${title}"`);
      assert.match(html, /Who speaks for the harbour\?/);
      assert.match(html, /default-src &#39;none&#39;/);
    } finally {
      fs.rmSync(out, { force: true });
    }
  });

  it('says clearly that Git is off, then that a folder outside any repository cannot be published', async () => {
    assert.equal((await gitExtension()).enabled, false, 'the harness starts with git.enabled: false');
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('dialogue.publishSession', { session })), /cannot publish while Git is turned off/);
    await enableGit();
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'dialogue-e2e-no-repo-'));
    try {
      const copy = path.join(elsewhere, path.basename(session));
      fs.cpSync(session, copy, { recursive: true });
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand('dialogue.publishSession', { session: copy })), /is not in a Git repository/);
      assert.ok(!fs.existsSync(path.join(elsewhere, 'index.html')), 'nothing written for a refused publish');
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('commits exactly the session folder, index.json and the site pages; the staged unrelated file stays staged', async () => {
    await enableGit();
    fs.writeFileSync(path.join(workspaceRoot(), 'notes.txt'), 'unrelated work in progress\n');
    git('add', 'notes.txt');
    const before = git('rev-parse', 'HEAD').trim();

    const result = await vscode.commands.executeCommand<{ commit: string; files: string[] }>('dialogue.publishSession', { session });
    assert.ok(result?.commit, 'a commit was made');
    assert.equal(git('rev-list', '--count', `${before}..HEAD`).trim(), '1', 'exactly one new commit');
    assert.equal(git('rev-parse', 'HEAD').trim(), result.commit);

    const sessions = path.dirname(session);
    assert.ok(fs.existsSync(path.join(session, 'view.html')), 'the session has its site page');
    const expected = [...filesUnder(session), 'sessions/index.json', 'sessions/index.html'].sort();
    assert.deepEqual(names(git('show', '--name-only', '--format=', 'HEAD')), expected);
    assert.deepEqual(names(git('diff', '--cached', '--name-only')), ['notes.txt'], 'the unrelated file is still staged');
    assert.match(git('log', '-1', '--format=%s'), new RegExp(`^Publish session "${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" \\(${path.basename(session)}\\)`));
    // Other sessions of this run got site pages too, but were never published: they stay out of the commit.
    const others = fs.readdirSync(sessions).filter((n) => n !== path.basename(session) && fs.existsSync(path.join(sessions, n, 'view.html')));
    for (const other of others) assert.ok(!expected.some((f) => f.startsWith(`sessions/${other}/`)));
  });
});
