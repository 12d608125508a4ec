import * as path from 'node:path';
import * as vscode from 'vscode';
import { z } from 'zod';
import { CardError, exportCard, importCards, type CardFormat } from '../../engine/cards/characterCards';
import { UserFacingError } from '../panel/panelCommands';
import type { DialogueServices } from '../services';
import { NO_FOLDER_MESSAGE } from '../services';

/** Script arguments (`executeCommand('dialogue.importCharacterCard', { files, replace })`): skips the pickers. */
const importArgs = z.object({ files: z.array(z.string().min(1)).min(1), replace: z.boolean().optional() }).strict();
const exportArgs = z.object({ id: z.string().min(1), format: z.enum(['png', 'json', 'charx']).optional(), out: z.string().min(1).optional() }).strict();

function parseArgs<T>(schema: z.ZodType<T>, arg: unknown, command: string): T | undefined {
  if (arg === undefined) return undefined;
  const r = schema.safeParse(arg);
  if (!r.success) throw new UserFacingError(`Dialogue: ${command}: ${r.error.issues[0]!.path.join('.') || 'arguments'}: ${r.error.issues[0]!.message}`);
  return r.data;
}

function oneLine(err: unknown): never {
  if (err instanceof CardError) throw new UserFacingError(`Dialogue: ${err.message}`);
  throw err;
}

/**
 * `dialogue.importCharacterCard`: community cards (PNG, JSON, CHARX; several at once) into the characters folder.
 * An id that exists is replaced only after the researcher says so. Returns the character files written.
 */
export async function importCharacterCard(s: DialogueServices, arg?: unknown): Promise<string[] | undefined> {
  const dir = s.charactersDir();
  if (!dir) throw new UserFacingError(NO_FOLDER_MESSAGE);
  const given = parseArgs(importArgs, arg, 'import character card');
  let files = given?.files.map((f) => path.resolve(f));
  if (!files) {
    const picked = await vscode.window.showOpenDialog({
      title: 'Dialogue: import character cards',
      canSelectMany: true,
      openLabel: 'Import',
      filters: { 'Character cards': ['png', 'json', 'charx'] },
    });
    if (!picked || picked.length === 0) return undefined;
    files = picked.map((u) => u.fsPath);
  }
  let replace = given?.replace === true;
  let results;
  try {
    results = await importCards(files, dir, { replace });
  } catch (err) {
    if (!(err instanceof CardError && err.code === 'exists' && !given)) oneLine(err);
    const choice = await vscode.window.showWarningMessage(err.message, { modal: true }, 'Replace');
    if (choice !== 'Replace') return undefined;
    replace = true;
    results = await importCards(files, dir, { replace }).catch(oneLine);
  }
  for (const r of results) {
    s.log.info(`imported card ${r.source} as ${r.file}`);
    for (const w of r.warnings) s.log.warn(`${path.basename(r.source)}: ${w}`);
  }
  await s.library.reload();
  const last = results.at(-1)!;
  // A card that brought a greeting can open a 1:1 session with it, as the community's tools open a chat.
  const greeted = results.find((r) => (s.library.current?.characters.get(r.id)?.greetings?.length ?? 0) > 0);
  const actions = greeted ? ['Open', GREET_LABEL] : ['Open'];
  void vscode.window.showInformationMessage(`Dialogue: imported ${results.map((r) => r.id).join(', ')}.`, ...actions).then((c) => {
    if (c === 'Open') void vscode.window.showTextDocument(vscode.Uri.file(last.file), { preview: false });
    if (c === GREET_LABEL && greeted) void vscode.commands.executeCommand('dialogue.startWithGreeting', { character: greeted.id });
  });
  return results.map((r) => r.file);
}

const GREET_LABEL = 'Start 1:1 with its greeting';

const FORMATS: Array<vscode.QuickPickItem & { format: CardFormat }> = [
  { label: 'PNG', description: 'V3 card in the avatar image (with a V2 backfill for older tools)', format: 'png' },
  { label: 'JSON', description: 'V3 card as JSON', format: 'json' },
  { label: 'CHARX', description: 'V3 archive with the avatar and assets', format: 'charx' },
];

/** `dialogue.exportCharacterCard`: a character as a V3 card file; returns the file written. */
export async function exportCharacterCard(s: DialogueServices, arg?: unknown): Promise<string | undefined> {
  const dir = s.charactersDir();
  if (!dir) throw new UserFacingError(NO_FOLDER_MESSAGE);
  const given = parseArgs(exportArgs, arg, 'export character card');
  let id = given?.id;
  if (!id) {
    const items = [...(s.library.current?.characters.values() ?? [])].map((c) => ({ label: `${c.glyph}  ${c.name}`, description: c.id, id: c.id }));
    if (items.length === 0) throw new UserFacingError('Dialogue: there are no characters to export.');
    id = (await vscode.window.showQuickPick(items, { title: 'Dialogue: export which character?' }))?.id;
    if (!id) return undefined;
  }
  const format = given?.format ?? (given ? 'png' : (await vscode.window.showQuickPick(FORMATS, { title: 'Dialogue: card format' }))?.format);
  if (!format) return undefined;
  let out = given?.out;
  if (!out) {
    const defaultUri = vscode.Uri.file(path.join(path.dirname(dir), 'exports', `${id}.${format}`));
    out = given ? defaultUri.fsPath : (await vscode.window.showSaveDialog({ title: 'Dialogue: save the card', defaultUri, filters: { [format.toUpperCase()]: [format] } }))?.fsPath;
    if (!out) return undefined;
  }
  const r = await exportCard(dir, id, format, path.resolve(out)).catch(oneLine);
  for (const w of r.warnings) s.log.warn(`export ${id}: ${w}`);
  s.log.info(`exported ${id} as ${r.file}`);
  void vscode.window.showInformationMessage(`Dialogue: exported ${id} to ${vscode.workspace.asRelativePath(r.file)}${r.warnings.length ? ` (${r.warnings.join('; ')})` : ''}.`);
  return r.file;
}
