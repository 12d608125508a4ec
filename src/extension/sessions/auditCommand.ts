import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import { auditSessions, formatProblem } from '../../engine/store/sessionAudit';
import { setDiagnostics } from '../characters/characterWatcher';
import { UserFacingError } from '../panel/panelCommands';
import { auditDiagnostics } from './problemRanges';
import type { DialogueServices } from '../services';
import { NO_FOLDER_MESSAGE } from '../services';

/** What `dialogue.auditSessions` returns: folders audited and problems found. */
export interface AuditSummary {
  folders: number;
  problems: number;
}

const readText = (file: string): Promise<string | undefined> => fs.readFile(file, 'utf8').then((t) => t, () => undefined);

/**
 * `dialogue.auditSessions`: the same audit as `dialogue audit DIR`, shown in the Problems panel (each problem
 * at its JSON path in the folder's event-log.json) with a one-line summary.
 */
export class AuditCommand implements vscode.Disposable {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('dialogue-audit');

  constructor(private readonly s: DialogueServices) {}

  async run(): Promise<AuditSummary> {
    const sessionsDir = this.s.sessionsDir();
    if (!sessionsDir) throw new UserFacingError(NO_FOLDER_MESSAGE);
    const result = await auditSessions(sessionsDir);
    for (const p of result.problems) this.s.log.warn(`audit: ${formatProblem(p)}`);
    setDiagnostics(this.diagnostics, await auditDiagnostics(result.problems, sessionsDir, readText));
    const where = vscode.workspace.asRelativePath(sessionsDir);
    if (result.problems.length === 0) {
      this.s.log.info(`audit: ${result.folders} session folders in ${sessionsDir}, all valid`);
      void vscode.window.showInformationMessage(`Dialogue: audited ${result.folders} session folder${result.folders === 1 ? '' : 's'} in ${where}: all valid.`);
    } else {
      const bad = new Set(result.problems.map((p) => p.folder)).size;
      void vscode.window
        .showWarningMessage(
          `Dialogue: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'} in ${bad} of ${result.folders} session folders in ${where}.`,
          'Show Problems',
        )
        .then((c) => {
          if (c === 'Show Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
        });
    }
    return { folders: result.folders, problems: result.problems.length };
  }

  dispose(): void {
    this.diagnostics.dispose();
  }
}
