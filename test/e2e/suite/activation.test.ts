// In the real extension host: the extension activates (lazily, timed; from the development path or the
// installed .vsix, whichever the harness loaded), registers every command
// of SPEC 8 under its contract id, and contributes the settings with their defaults.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activeExtension, EXTENSION_ID, SPEC_COMMANDS, workspaceRoot, writeActivationFigure } from './extensionUnderTest';

interface Manifest {
  main: string;
  contributes: {
    commands: Array<{ command: string; title: string; category?: string }>;
    configuration: { properties: Record<string, { default?: unknown }> };
  };
}

/** Commands the extension registers beyond its palette contributions (status bar target). */
const INTERNAL_COMMANDS = ['dialogue.showPanel'];

/** The settings SPEC 8 names, each of which must be contributed with a default. */
const SPEC_SETTINGS = [
  'model',
  'maxTokens',
  'cacheTtl',
  'baseUrl',
  'charactersFolder',
  'sessionsFolder',
  'deliberationDepth',
  'theme',
  'prices',
  'budgetUsd',
];

function manifest(extension: vscode.Extension<unknown>): Manifest {
  return extension.packageJSON as Manifest;
}

describe('Dialogue extension: activation, commands, settings', () => {
  it('stays inactive until needed, then activates with the bundled entry point (timed)', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not among the loaded extensions`);
    // No onStartupFinished: nothing in this workspace (no command, no panel, no unclosed journal) asks for it.
    assert.equal(extension.isActive, false, 'the extension activated before anything needed it');
    const started = performance.now();
    await extension.activate();
    const activationMs = performance.now() - started;
    assert.equal(extension.isActive, true);
    assert.equal(extension.id, EXTENSION_ID);
    assert.equal(manifest(extension).main, './dist/extension.js');
    assert.ok(path.isAbsolute(extension.extensionPath));
    assert.ok(workspaceRoot().includes('dialogue-e2e-workspace-'), `unexpected workspace ${workspaceRoot()}`);
    const figure = writeActivationFigure(extension, activationMs);
    console.log(`      activation in VS Code (${figure.copy} copy): ${activationMs.toFixed(1)} ms`);
  });

  it('registers every SPEC 8 command under its exact id', async () => {
    await activeExtension();
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = SPEC_COMMANDS.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `not registered: ${missing.join(', ')}`);
  });

  it('registers each contributed command, all in the Dialogue category, and no stray dialogue.* command', async () => {
    const extension = await activeExtension();
    const contributed = manifest(extension).contributes.commands;
    for (const spec of SPEC_COMMANDS) assert.ok(contributed.some((c) => c.command === spec), `${spec} is not contributed`);
    for (const c of contributed) assert.equal(c.category, 'Dialogue', `${c.command} is not in the Dialogue category`);

    const registered = (await vscode.commands.getCommands(true)).filter((id) => id.startsWith('dialogue.'));
    const expected = new Set([...contributed.map((c) => c.command), ...INTERNAL_COMMANDS]);
    assert.deepEqual(
      registered.filter((id) => !expected.has(id)).sort(),
      [],
      'a dialogue.* command is registered but neither contributed nor a known internal one',
    );
    assert.deepEqual(
      [...expected].filter((id) => !registered.includes(id)).sort(),
      [],
      'a contributed command has no handler',
    );
  });

  it('contributes every SPEC 8 setting with its default, readable through getConfiguration', async () => {
    const extension = await activeExtension();
    const properties = manifest(extension).contributes.configuration.properties;
    const config = vscode.workspace.getConfiguration('dialogue');
    for (const key of SPEC_SETTINGS) {
      const declared = properties[`dialogue.${key}`];
      assert.ok(declared && 'default' in declared, `dialogue.${key} is not contributed with a default`);
      assert.deepEqual(config.inspect(key)?.defaultValue, declared.default, `dialogue.${key} default as VS Code sees it`);
    }
    assert.equal(config.get('cacheTtl'), '5m');
    assert.equal(config.get('deliberationDepth'), 'full');
    assert.equal(config.get('charactersFolder'), 'characters');
    assert.equal(config.get('sessionsFolder'), 'sessions');
    assert.equal(config.get('budgetUsd'), null);
  });

  it('stores and clears an API key through its commands, refusing a malformed one', async () => {
    await activeExtension();
    const key = process.env.ANTHROPIC_API_KEY;
    assert.ok(key, 'ANTHROPIC_API_KEY should reach the extension host from the setup module');
    // The same key the stand-in accepts, so later tests are unaffected whichever source wins.
    assert.equal(await vscode.commands.executeCommand('dialogue.setApiKey', key), true);
    assert.equal(await vscode.commands.executeCommand('dialogue.setApiKey', 'not a key\nat all'), false);
    assert.equal(await vscode.commands.executeCommand('dialogue.clearApiKey'), true);
  });

  it('answers dialogue.stop with false when no panel is answering', async () => {
    await activeExtension();
    assert.equal(await vscode.commands.executeCommand('dialogue.stop'), false);
  });
});
