// In-host tests for the harness's fixture extension: they run inside the real extension host.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

/** What the fixture's activate() returns (see ../extension.js). */
interface FixtureApi {
  helloCount(): number;
  hasPanel(): boolean;
  greetingFromEnv(): string | undefined;
}

const FIXTURE_ID = 'dialogue-e2e.e2e-fixture';

describe('fixture extension (in the extension host)', () => {
  it('is loaded from the development path', () => {
    const extension = vscode.extensions.getExtension<FixtureApi>(FIXTURE_ID);
    assert.ok(extension, `${FIXTURE_ID} is not among ${vscode.extensions.all.length} extensions`);
    assert.match(extension.extensionPath, /fixtureExtension$/);
  });

  it('registers its command with the id from package.json once activated', async () => {
    const extension = vscode.extensions.getExtension<FixtureApi>(FIXTURE_ID);
    await extension?.activate();
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('fixture.openHello'));
  });

  it('opens its webview panel through the command', async () => {
    const result = await vscode.commands.executeCommand<{ viewType: string; title: string }>('fixture.openHello');
    assert.deepEqual(result, { viewType: 'fixture.hello', title: 'Fixture Hello' });
    const api = vscode.extensions.getExtension<FixtureApi>(FIXTURE_ID)?.exports;
    assert.ok(api, 'the fixture should export its API');
    assert.ok(api.hasPanel(), 'the panel should be open after the command');
    assert.equal(api.helloCount(), 0);
  });

  it("sees the server's environment (how the stand-in's URL and key will reach the real extension)", () => {
    const api = vscode.extensions.getExtension<FixtureApi>(FIXTURE_ID)?.exports;
    assert.equal(api?.greetingFromEnv(), 'hello from the harness');
  });

  it("reaches the setup module's loopback server from the extension host", async () => {
    const url = process.env.FIXTURE_SERVER_URL;
    assert.ok(url, 'FIXTURE_SERVER_URL should come from test/e2e/fixtureExtension/setup.ts');
    const response = await fetch(url);
    assert.deepEqual(await response.json(), { greeting: 'hello over loopback' });
  });

  it('has the workspace folder it was opened on', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1);
    // The extension host runs on the server, where the remote folder is a plain local path.
    assert.equal(folders[0]?.uri.scheme, 'file');
    assert.match(folders[0]?.uri.fsPath ?? '', /dialogue-e2e-workspace-/);
  });
});
