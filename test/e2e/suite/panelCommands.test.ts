// In the real extension host: the panel commands with script arguments, as a keybinding or another tool
// would call them, and what each leaves on disk.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { interactiveLogSchema } from '../../../src/engine/store/sessionSchema';
import { readJournal } from '../../../src/engine/store/journalLines';
import { SESSION_FILES } from '../../../src/engine/store/sessionFiles';
import { activeExtension, closeAllEditors, dialogueTabs, TEST_BRIEF, TEST_CAST, waitFor, workspaceRoot } from './extensionUnderTest';

async function startPanel(args: unknown = { cast: [...TEST_CAST], brief: TEST_BRIEF }): Promise<string> {
  const dir = await vscode.commands.executeCommand<string | undefined>('dialogue.startPanel', args);
  assert.ok(typeof dir === 'string' && dir.length > 0, `dialogue.startPanel returned ${String(dir)}`);
  return dir;
}

function sessionFolders(sessionsDir: string): string[] {
  return fs.existsSync(sessionsDir) ? fs.readdirSync(sessionsDir).filter((n) => fs.statSync(path.join(sessionsDir, n)).isDirectory()) : [];
}

describe('Dialogue panel commands (with arguments)', () => {
  before(() => activeExtension());
  afterEach(() => closeAllEditors());

  it('startPanel with { cast, brief } opens a webview panel and a journaled session folder without asking', async () => {
    const dir = await startPanel();
    assert.equal(path.dirname(dir), path.join(workspaceRoot(), 'sessions'));
    const tab = await waitFor(() => dialogueTabs()[0], 'the Dialogue webview tab');
    assert.match(tab.label, /^Dialogue: /);
    assert.equal(tab.isActive, true);

    const { state } = await readJournal(path.join(dir, SESSION_FILES.journal));
    assert.equal(state.header.brief?.id, TEST_BRIEF);
    const intro = state.events.find((e) => e.type === 'intro');
    assert.ok(intro && intro.type === 'intro', 'the journal should open with an intro event');
    assert.deepEqual([...intro.cast], [...TEST_CAST]);
  });

  it('queues a join and a retirement, returning the ids', async () => {
    await startPanel();
    assert.equal(await vscode.commands.executeCommand('dialogue.addCharacter', 'tomas'), 'tomas');
    assert.equal(await vscode.commands.executeCommand('dialogue.retireCharacter', { id: 'ilse' }), 'ilse');
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('dialogue.addCharacter', 'nobody')), /not in the character library/);
  });

  it('rejects unknown cast ids and writes no session folder', async () => {
    const sessionsDir = path.join(workspaceRoot(), 'sessions');
    const before = sessionFolders(sessionsDir);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('dialogue.startPanel', { cast: ['mara', 'nobody'] })), /unknown character "nobody"/);
    assert.deepEqual(sessionFolders(sessionsDir), before);
    assert.equal(dialogueTabs().length, 0);
  });

  it('closeSession writes a valid event-log.json and transcript.md; the audit is clean; openSession replays it', async () => {
    const dir = await startPanel();
    assert.equal(await vscode.commands.executeCommand('dialogue.closeSession'), dir);

    const log = interactiveLogSchema.parse(JSON.parse(fs.readFileSync(path.join(dir, SESSION_FILES.log), 'utf8')));
    assert.equal(log.mode, 'interactive');
    assert.equal(log.session_id, path.basename(dir));
    assert.deepEqual(log.participants.map((p) => p.id).filter((id) => id !== 'human'), [...TEST_CAST]);
    assert.ok(fs.readFileSync(path.join(dir, SESSION_FILES.transcript), 'utf8').length > 0, 'transcript.md is empty');

    const audit = await vscode.commands.executeCommand<{ folders: number; problems: number }>('dialogue.auditSessions');
    assert.ok(audit && audit.folders >= 1, `audit saw ${audit?.folders} folders`);
    assert.equal(audit.problems, 0);

    await closeAllEditors();
    assert.equal(await vscode.commands.executeCommand('dialogue.openSession', dir), dir);
    await waitFor(() => dialogueTabs().length === 1, 'the replay tab');
  });

  it('reads dialogue.sessionsFolder: a changed setting moves where the next session goes', async () => {
    const config = vscode.workspace.getConfiguration('dialogue');
    await config.update('sessionsFolder', 'elsewhere/sessions', vscode.ConfigurationTarget.Workspace);
    try {
      await waitFor(() => vscode.workspace.getConfiguration('dialogue').get('sessionsFolder') === 'elsewhere/sessions', 'the setting to apply');
      const dir = await startPanel({ cast: ['oskar'] });
      assert.equal(path.dirname(dir), path.join(workspaceRoot(), 'elsewhere', 'sessions'));
    } finally {
      await config.update('sessionsFolder', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
