import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { characterTemplate, writeSampleCharacters } from '../../engine/cast/characters';
import { characterIdFromName, uniqueCharacterId } from './characterIds';
import { UserFacingError } from '../panel/panelCommands';
import type { DialogueServices } from '../services';
import { NO_FOLDER_MESSAGE } from '../services';

async function existingIds(dir: string): Promise<Set<string>> {
  try {
    const names = await fs.readdir(dir);
    // Compared in lower case: on Windows and macOS `Mara.md` and `mara.md` are the same file.
    return new Set(names.filter((n) => /\.md$/i.test(n)).map((n) => n.slice(0, -3).toLowerCase()));
  } catch {
    return new Set();
  }
}

/** `dialogue.newCharacter`: writes `characters/<id>.md` from the template and opens it; returns the file. */
export async function newCharacter(s: DialogueServices, nameArg?: unknown): Promise<string | undefined> {
  const dir = s.charactersDir();
  if (!dir) throw new UserFacingError(NO_FOLDER_MESSAGE);
  let name = typeof nameArg === 'string' ? nameArg.trim() : undefined;
  if (name === undefined) {
    name = (
      await vscode.window.showInputBox({
        title: 'Dialogue: new character',
        prompt: 'The character\'s display name (the file name is derived from it)',
        placeHolder: 'Mara Voss',
        validateInput: (v) => (characterIdFromName(v) ? null : 'Use at least one letter or digit.'),
      })
    )?.trim();
    if (!name) return undefined;
  }
  const base = characterIdFromName(name);
  if (!base) throw new UserFacingError(`Dialogue: "${name}" has no letters or digits to make a file name from.`);
  const taken = await existingIds(dir);
  const id = uniqueCharacterId(base, (candidate) => taken.has(candidate));
  const file = path.join(dir, `${id}.md`);
  await fs.mkdir(dir, { recursive: true });
  // 'wx': never overwrite a researcher's file, even if it appeared since the folder was read.
  await fs.writeFile(file, characterTemplate(id, name), { encoding: 'utf8', flag: 'wx' });
  s.log.info(`new character file ${file}`);
  await s.library.reload();
  await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
  return file;
}

/** `dialogue.createSampleCharacters` (walkthrough): sample characters and a brief; returns the files written. */
export async function createSampleCharacters(s: DialogueServices): Promise<string[]> {
  const dir = s.charactersDir();
  if (!dir) throw new UserFacingError(NO_FOLDER_MESSAGE);
  // The samples ship inside the extension (its own characters/ folder), whatever the bundle layout.
  const samples = vscode.Uri.joinPath(s.context.extensionUri, 'characters').fsPath;
  const written = await writeSampleCharacters(dir, samples);
  await s.library.reload();
  s.log.info(`sample characters: ${written.length} files written to ${dir}`);
  if (written.length === 0) {
    void vscode.window.showInformationMessage('Dialogue: the sample characters are already there.');
  } else {
    void vscode.window
      .showInformationMessage(`Dialogue: ${written.length} sample files written to ${vscode.workspace.asRelativePath(dir)}.`, 'Start a panel')
      .then((c) => {
        if (c === 'Start a panel') void vscode.commands.executeCommand('dialogue.startPanel');
      });
  }
  return written;
}
