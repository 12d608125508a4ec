// Room `extension/access`: the API key in SecretStorage (with the environment fallback) and its redaction.
// May import: the extension's log sink, and the demo's command id (offered when there is no key).
import * as vscode from 'vscode';
import {
  API_KEY_ENV,
  API_KEY_SECRET,
  clearApiKey,
  describeKeySource,
  resolveApiKey,
  storeApiKey,
  validateApiKeyInput,
  type ResolvedApiKey,
} from './accessStore';
import type { RedactingLog } from '../logSink';
import { TRY_DEMO_COMMAND, TRY_DEMO_LABEL } from '../demo/demoIds';

/**
 * The key's life in VS Code: SecretStorage first, ANTHROPIC_API_KEY as the fallback, a password box to set
 * it. Every key that passes through here is registered with the log's redactor before anything could log it.
 */
export class ApiKeys implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: RedactingLog,
    /** Called with the key in force after it changed (here or in another window); '' when there is none. */
    private readonly onKeyChanged: (key: string) => void,
  ) {
    this.subscription = secrets.onDidChange(async (e) => {
      if (e.key !== API_KEY_SECRET) return;
      const resolved = await this.resolve();
      this.log.info(`API key changed: now using ${describeKeySource(resolved)}`);
      this.onKeyChanged(resolved?.key ?? '');
    });
  }

  async resolve(): Promise<ResolvedApiKey | null> {
    const resolved = await resolveApiKey(this.secrets, process.env);
    if (resolved) this.log.addSecret(resolved.key);
    return resolved;
  }

  /**
   * `dialogue.setApiKey`. With a string argument (scripts, tests) it stores that without asking.
   * Returns true when a key was stored.
   */
  async set(given?: unknown): Promise<boolean> {
    let value: string | undefined;
    if (typeof given === 'string') {
      value = given;
    } else {
      value = await vscode.window.showInputBox({
        title: 'Dialogue: Anthropic API key',
        prompt: `Stored in VS Code's secret storage; it takes precedence over ${API_KEY_ENV}.`,
        placeHolder: 'sk-ant-...',
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => validateApiKeyInput(v),
      });
      if (value === undefined) return false;
    }
    const problem = validateApiKeyInput(value);
    if (problem) {
      // Never echo the value: it may be a real key pasted in the wrong place.
      void vscode.window.showErrorMessage(`Dialogue: the API key was not stored. ${problem}`);
      return false;
    }
    this.log.addSecret(value.trim());
    const key = await storeApiKey(this.secrets, value);
    this.log.info('API key stored in VS Code secret storage');
    this.onKeyChanged(key);
    void vscode.window.showInformationMessage('Dialogue: API key stored.');
    return true;
  }

  /** `dialogue.clearApiKey`: removes the stored key (the environment variable, if set, applies again). */
  async clear(): Promise<boolean> {
    await clearApiKey(this.secrets);
    const resolved = await this.resolve();
    this.log.info(`API key cleared; now using ${describeKeySource(resolved)}`);
    this.onKeyChanged(resolved?.key ?? '');
    void vscode.window.showInformationMessage(`Dialogue: stored API key removed; now using ${describeKeySource(resolved)}.`);
    return true;
  }

  /** The key in force, asking for one when `interactive` and there is none. */
  async require(interactive: boolean): Promise<string | undefined> {
    const resolved = await this.resolve();
    if (resolved) return resolved.key;
    if (!interactive) return undefined;
    const choice = await vscode.window.showWarningMessage(
      `Dialogue needs an Anthropic API key (none stored, and ${API_KEY_ENV} is not set). Or try the demo first: a scripted panel, no key needed.`,
      'Set API key',
      TRY_DEMO_LABEL,
    );
    if (choice === TRY_DEMO_LABEL) {
      void vscode.commands.executeCommand(TRY_DEMO_COMMAND);
      return undefined;
    }
    if (choice !== 'Set API key' || !(await this.set())) return undefined;
    return (await this.resolve())?.key;
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
