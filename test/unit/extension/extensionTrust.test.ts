import { strict as assert } from 'node:assert';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveChosenFolder } from '../../../src/extension/settings';
import { createFakeVscode, fakeContext, freshExtension, installFakeVscode } from './extensionFakeVscode';
import { removeTempDirs, tempDir, writeSession } from './extensionSessions';
import { MemoryMemento, MemorySecrets, until } from './extensionFakes';

const REPO = path.join(__dirname, '..', '..', '..');

after(removeTempDirs);

describe('extension: workspace trust', () => {
  it('an untrusted workspace cannot set the models, output limit, prices, spending cap or keep-warm pings (restricted configurations)', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } } };
    const restricted = pkg.capabilities.untrustedWorkspaces.restrictedConfigurations;
    for (const key of ['dialogue.baseUrl', 'dialogue.charactersFolder', 'dialogue.sessionsFolder', 'dialogue.model', 'dialogue.maxTokens', 'dialogue.prices', 'dialogue.budgetUsd',
      // Each of these spends the user's money: another model on refusal, pings while the panel is idle.
      'dialogue.fallbackModel', 'dialogue.cacheWarmth', 'dialogue.keepWarmMinutes']) {
      assert.ok(restricted.includes(key), `${key} is not restricted`);
    }
  });

  it('refuses a relative folder that leads outside the workspace through a symbolic link; keeps absolute choices', async () => {
    const ws = await fs.mkdtemp(path.join(os.tmpdir(), 'dp-ws-'));
    const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'dp-outside-'));
    await fs.symlink(outside, path.join(ws, 'sessions'), 'dir');
    await fs.mkdir(path.join(ws, 'characters'));
    const escaped = resolveChosenFolder(ws, 'sessions');
    assert.equal(escaped.dir, undefined);
    assert.match(escaped.problem!, /leads outside the workspace through a symbolic link/);
    assert.match(escaped.problem!, new RegExp(path.basename(outside)));
    assert.deepEqual(resolveChosenFolder(ws, 'characters'), { dir: path.join(ws, 'characters') });
    assert.deepEqual(resolveChosenFolder(ws, 'not/yet/made'), { dir: path.join(ws, 'not', 'yet', 'made') }, 'a folder that does not exist yet is fine');
    assert.equal(resolveChosenFolder(ws, 'sessions/deeper').dir, undefined, 'below a link that escapes is outside too');
    assert.deepEqual(resolveChosenFolder(ws, outside), { dir: outside }, 'an absolute path is the user\'s own choice');
    // A link that stays inside the workspace is fine.
    await fs.mkdir(path.join(ws, 'real-sessions'));
    await fs.symlink(path.join(ws, 'real-sessions'), path.join(ws, 'alias'), 'dir');
    assert.deepEqual(resolveChosenFolder(ws, 'alias'), { dir: path.join(ws, 'alias') });
  });

  it('offers recovery only once the workspace is trusted', async function () {
    this.timeout(20_000);
    const fake = createFakeVscode();
    const uninstall = installFakeVscode(fake.api);
    try {
      const extension = freshExtension();
      const workspace = await tempDir('ws');
      fake.state.workspaceFolder = workspace;
      fake.state.trusted = false;
      const orphan = await writeSession(path.join(workspace, 'sessions'), { title: 'Crashed night', started: '2026-11-21T23:00:00Z', open: true });
      fake.state.answer = (text, buttons) => (/not closed/.test(text) && buttons.includes('Recover') ? 'Recover' : undefined);
      const ctx = fakeContext(REPO, new MemoryMemento(), new MemorySecrets());
      extension.activate(ctx.context);
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(!fake.state.messages.some((m) => /not closed/.test(m.text)), 'no recovery offer while untrusted');
      assert.ok(!existsSync(path.join(orphan, 'event-log.json')));
      fake.grantTrust();
      await until('the orphan recovered after trust', () => existsSync(path.join(orphan, 'event-log.json')), 15_000);
      extension.deactivate();
      ctx.dispose();
    } finally {
      uninstall();
    }
  });
});
