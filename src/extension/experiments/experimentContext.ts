import * as vscode from 'vscode';
import { looksLikeExperiment } from '../../engine/experiments/experimentFile';

/** The context key the editor-title ▷ action waits for: the active editor holds an experiment file. */
export const EXPERIMENT_CONTEXT = 'dialogue.experimentFileOpen';

/** Keeps EXPERIMENT_CONTEXT in step with the active editor (checked on switch and on save, not per keystroke). */
export function trackExperimentEditor(): vscode.Disposable {
  const update = (): void => {
    const doc = vscode.window.activeTextEditor?.document;
    const is = doc !== undefined && /\.ya?ml$/i.test(doc.fileName) && looksLikeExperiment(doc.getText());
    void vscode.commands.executeCommand('setContext', EXPERIMENT_CONTEXT, is);
  };
  update();
  return vscode.Disposable.from(vscode.window.onDidChangeActiveTextEditor(update), vscode.workspace.onDidSaveTextDocument(update));
}
