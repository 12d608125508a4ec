// What the in-host tests share: the Dialogue extension as VS Code sees it, the workspace the harness opened
// (a fresh copy holding the sample characters), and polling for things that happen a beat later.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SESSION_FILES } from '../../../src/engine/store/sessionFiles';
import type { ExtensionCopy } from '../e2eConfig';

/** `<publisher>.<name>` from the repository's package.json. */
export const EXTENSION_ID = 'dialogue-research.dialogue-panel';

/** The commands SPEC 8 names: a contract for keybindings and scripts, so each id is spelled out here. */
export const SPEC_COMMANDS = [
  'dialogue.startPanel',
  'dialogue.addCharacter',
  'dialogue.retireCharacter',
  'dialogue.newCharacter',
  'dialogue.openSession',
  'dialogue.closeSession',
  'dialogue.auditSessions',
  'dialogue.setApiKey',
  'dialogue.clearApiKey',
  'dialogue.stop',
] as const;

/** The opening cast most tests use: three of the four sample characters, so one is left to add. */
export const TEST_CAST = ['mara', 'oskar', 'ilse'] as const;
export const TEST_BRIEF = 'harbour-deal';

/** The extension, activated; fails the test when VS Code did not load it from the development path. */
export async function activeExtension(): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not among the ${vscode.extensions.all.length} loaded extensions`);
  await extension.activate();
  return extension;
}

/**
 * Where the in-host suite leaves its activation figure for bench/footprintBench.ts: out/e2e/figures/ (the
 * suite runs from out/e2e/<target>/, on the same machine as the server).
 */
export const ACTIVATION_FIGURES_DIR = path.join(__dirname, '..', 'figures');

/**
 * Records how long `activate()` took for the copy this window loaded, as
 * `activation-<copy>.json` ({ copy, activation_ms, extension_path, vscode_version, measured_at }).
 */
export function writeActivationFigure(extension: vscode.Extension<unknown>, activationMs: number): { copy: ExtensionCopy; file: string } {
  // The suite is built into <repo>/out/e2e/<target>/, so the repository is three folders up.
  const repository = path.resolve(__dirname, '..', '..', '..');
  const copy: ExtensionCopy = path.resolve(extension.extensionPath) === repository ? 'development' : 'installed';
  fs.mkdirSync(ACTIVATION_FIGURES_DIR, { recursive: true });
  const file = path.join(ACTIVATION_FIGURES_DIR, `activation-${copy}.json`);
  const figure = {
    copy,
    activation_ms: Math.round(activationMs * 10) / 10,
    extension_path: extension.extensionPath,
    vscode_version: vscode.version,
    measured_at: new Date().toISOString(),
  };
  fs.writeFileSync(file, `${JSON.stringify(figure, null, 2)}\n`);
  return { copy, file };
}

/** The workspace folder the harness opened (a plain path: the extension host runs on the server). */
export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the harness should open a workspace folder');
  return folder.uri.fsPath;
}

export function charactersDir(): string {
  return path.join(workspaceRoot(), 'characters');
}

/**
 * Polls `probe` until it returns something other than undefined/false, and returns that. Used instead of
 * sleeping for whatever VS Code does asynchronously (file watchers, diagnostics, tabs).
 */
export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The open Dialogue webview tabs (VS Code prefixes the view type it reports, so match the end). */
export function dialogueTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('dialogue.panel'));
}

/** Session folders under `dir` still holding a journal, i.e. not closed yet. */
export function unclosedSessions(dir: string): string[] {
  const found: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      if (entry.isFile() && entry.name === SESSION_FILES.journal) found.push(folder);
      else if (entry.isDirectory() && !entry.name.startsWith('.')) walk(path.join(folder, entry.name));
    }
  };
  walk(dir);
  return found;
}

/**
 * Closes every editor so one test's panels do not become the next test's "active panel". Closing a live
 * panel's tab closes its session in the background; wait for that too, so no test audits a half-closed folder.
 */
export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await waitFor(() => dialogueTabs().length === 0, 'every Dialogue tab to close');
  await waitFor(() => unclosedSessions(workspaceRoot()).length === 0, 'the closed tabs\' sessions to be written');
}
