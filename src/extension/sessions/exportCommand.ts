import * as path from 'node:path';
import * as vscode from 'vscode';
import { ExportError, exportSession } from '../../engine/export/exportSession';
import { sessionView } from '../../engine/export/sessionView';
import { loadViewerAssets } from '../../engine/export/viewerAssets';
import type { ViewerAssets } from '../../engine/export/viewerPage';
import { UserFacingError } from '../panel/panelCommands';
import type { DialogueServices } from '../services';
import { defaultExportFile } from './publishPlan';
import { parseSessionArgs, resolveClosedSession } from './sessionTarget';

/** The renderer shipped in the extension (dist/viewer.js and media/*.css); a missing bundle is one clear line. */
export async function extensionViewerAssets(s: DialogueServices): Promise<ViewerAssets> {
  try {
    return await loadViewerAssets(s.context.extensionUri.fsPath);
  } catch (err) {
    throw new UserFacingError(`Dialogue: cannot export: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * `dialogue.exportSession` (`{ session?, out? }`): the session as one self-contained HTML file. Without `out`
 * a save dialog asks where, offering `<session-id>.html` beside the session folder. Returns the file written.
 */
export async function exportSessionCommand(s: DialogueServices, arg?: unknown): Promise<string | undefined> {
  const args = parseSessionArgs('dialogue.exportSession', arg);
  const dir = await resolveClosedSession(s, args.session, 'Export a session as one HTML file');
  if (!dir) return undefined;
  // A relative `out` is from the workspace folder, as a keybinding's author reads it (else beside the session).
  const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? path.dirname(dir);
  let out = args.out === undefined ? undefined : path.resolve(base, args.out);
  if (out === undefined) {
    const chosen = await vscode.window.showSaveDialog({
      title: `Export ${path.basename(dir)} as one HTML file`,
      defaultUri: vscode.Uri.file(defaultExportFile(dir)),
      filters: { 'HTML page': ['html', 'htm'] },
      saveLabel: 'Export',
    });
    if (!chosen) return undefined;
    out = chosen.fsPath;
  }
  const assets = await extensionViewerAssets(s);
  let result;
  try {
    result = await exportSession(dir, assets, { out });
  } catch (err) {
    if (err instanceof ExportError) throw new UserFacingError(`Dialogue: ${err.message}`);
    throw err;
  }
  const { file } = result;
  s.log.info(`exported ${dir} to ${file}`);
  const title = sessionView(result.log).title;
  void vscode.window.showInformationMessage(`Dialogue: exported "${title}" to ${vscode.workspace.asRelativePath(file)}.`, 'Open', 'Reveal').then((choice) => {
    // The page is made for a browser (its own CSP, themes, print): VS Code would show its source.
    if (choice === 'Open') void vscode.env.openExternal(vscode.Uri.file(file));
    if (choice === 'Reveal') void revealFile(file);
  });
  return file;
}

/** Shows a file in the Explorer when it lies in the workspace, else in the system's file manager. */
export function revealFile(file: string): Thenable<unknown> {
  const inWorkspace = vscode.workspace.asRelativePath(file, false) !== file;
  return vscode.commands.executeCommand(inWorkspace ? 'revealInExplorer' : 'revealFileInOS', vscode.Uri.file(file));
}
