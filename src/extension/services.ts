import type * as vscode from 'vscode';
import type { ApiKeys } from './access/accessFlow';
import type { CharacterLibrary } from './characters/characterWatcher';
import type { RedactingLog } from './logSink';
import type { OpenPanelRegistry } from './panel/openPanels';
import type { DialogueSettings } from './settings';

/**
 * What the command handlers share, built once in `activate`. Folder accessors return absolute paths, or
 * undefined when a relative setting has no workspace folder to hang off.
 */
export interface DialogueServices {
  context: vscode.ExtensionContext;
  log: RedactingLog;
  settings(): DialogueSettings;
  charactersDir(): string | undefined;
  sessionsDir(): string | undefined;
  apiKeys: ApiKeys;
  library: CharacterLibrary;
  registry: OpenPanelRegistry;
}

/** The message shown when a command needs a folder and there is none. */
export const NO_FOLDER_MESSAGE =
  'Dialogue: open a folder first — characters and sessions live in the workspace (or set absolute paths in dialogue.charactersFolder / dialogue.sessionsFolder).';
