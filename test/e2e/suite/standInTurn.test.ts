// In the real extension host: one full turn against the Messages API stand-in (started by
// test/e2e/standInSetup.ts and reached through ANTHROPIC_BASE_URL / ANTHROPIC_API_KEY on the server's
// environment): once through the extension's own commands (startPanel, say, closeSession), and once with the
// engine driven directly, with options built from the workspace's settings exactly as the extension builds them.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { loadLibrary } from '../../../src/engine/cast/characters';
import { PanelSession } from '../../../src/engine/session/panelSession';
import type { SessionEventType } from '../../../src/engine/store/sessionSchema';
import { readJournal } from '../../../src/engine/store/journalLines';
import { SESSION_FILES } from '../../../src/engine/store/sessionFiles';
import { engineOptions, readSettings, resolveWorkspacePath } from '../../../src/extension/settings';
import { activeExtension, charactersDir, TEST_BRIEF, TEST_CAST, workspaceRoot } from './extensionUnderTest';

describe('a full turn against the stand-in, from the extension host', () => {
  before(() => activeExtension());

  it('dialogue.say speaks through the panel\'s own session: the turn lands in its journal', async () => {
    const dir = await vscode.commands.executeCommand<string>('dialogue.startPanel', { cast: [...TEST_CAST], brief: TEST_BRIEF });
    assert.ok(dir && fs.existsSync(path.join(dir, SESSION_FILES.journal)));
    const turn = await vscode.commands.executeCommand<number>('dialogue.say', { text: 'What would make the marina acceptable?' });
    assert.equal(turn, 1);
    await checkJournal(dir);
    const closedDir = await vscode.commands.executeCommand<string>('dialogue.closeSession');
    assert.equal(closedDir, dir);
    assert.ok(fs.existsSync(path.join(dir, SESSION_FILES.log)));
  });

  it('lands intro, human-speak, confer, responses, cost and floor in the journal, then closes cleanly', async () => {
    const { settings, problems } = readSettings(vscode.workspace.getConfiguration('dialogue'));
    assert.deepEqual(problems, []);
    assert.equal(settings.baseUrl, process.env.ANTHROPIC_BASE_URL, 'the stand-in URL should come from the environment');
    assert.match(settings.baseUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+/);
    const sessionsDir = resolveWorkspacePath(workspaceRoot(), settings.sessionsFolder);
    assert.ok(sessionsDir);
    const library = await loadLibrary(charactersDir());
    const apiKey = process.env.ANTHROPIC_API_KEY ?? '';
    const session = await PanelSession.start({
      ...engineOptions(settings, { library, sessionsDir, apiKey }),
      cast: [...TEST_CAST],
      brief: library.briefs.get(TEST_BRIEF) ?? null,
    });

    let closed = false;
    try {
      await session.say('Should the marina go ahead this year?', null);
      await checkJournal(session.dir);
      const { dir } = await session.close();
      closed = true;
      assert.ok(fs.existsSync(path.join(dir, SESSION_FILES.log)));
      assert.equal(fs.existsSync(path.join(dir, SESSION_FILES.journal)), false, 'the journal should be gone once closed');
      const audit = await vscode.commands.executeCommand<{ folders: number; problems: number }>('dialogue.auditSessions');
      assert.equal(audit?.problems, 0);
    } finally {
      // An unclosed folder would make later audits (here or in other files) report it.
      if (!closed) await session.close().catch(() => undefined);
    }
  });
});

/** One full turn of the three-member cast, journaled in order, with nothing off-format. */
async function checkJournal(dir: string): Promise<void> {
  const { state } = await readJournal(path.join(dir, SESSION_FILES.journal));
  const types = state.events.map((e) => e.type);
  const count = (type: SessionEventType): number => types.filter((t) => t === type).length;
  assert.equal(types.includes('error'), false, `the turn failed: ${JSON.stringify(state.events.find((e) => e.type === 'error'))}`);
  assert.equal(types[0], 'intro');
  assert.equal(count('human-speak'), 1);
  assert.ok(count('deliberation') >= 2, `expected a confer, got ${types.join(' ')}`);
  assert.equal(count('speak') + count('pass'), TEST_CAST.length);
  assert.equal(count('cost'), 1);
  assert.equal(types.at(-1), 'floor');
  const speakers = state.events.flatMap((e) => (e.type === 'speak' ? [e.speaker] : []));
  assert.deepEqual([...speakers].sort(), [...TEST_CAST].sort());
  const cost = state.events.find((e) => e.type === 'cost');
  // Input counts whether it was written to the cache or read from it: the stand-in outlives one window, so the
  // installed copy's run (after the development copy's) may find the same prompt already cached.
  assert.ok(cost?.type === 'cost' && cost.output_tokens > 0, `no output counted: ${JSON.stringify(cost)}`);
  assert.ok(cost.input_tokens + cost.cache_creation_input_tokens + cost.cache_read_input_tokens > 0, `no input counted: ${JSON.stringify(cost)}`);
  // The stand-in answers in the wire format (SPEC 3): anything the parser flags is a real mismatch.
  const anomalies = state.events.flatMap((e) => (e.type === 'anomaly' ? [`${e.kind}: ${e.detail}`] : []));
  assert.deepEqual(anomalies, [], 'the well-formed reply should parse without anomalies');
}
