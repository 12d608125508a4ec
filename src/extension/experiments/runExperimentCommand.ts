import * as path from 'node:path';
import * as vscode from 'vscode';
import { readExperimentFile } from '../../engine/experiments/experimentFile';
import { planExperiment } from '../../engine/experiments/experimentPlan';
import { ExperimentRunner, type RunnerUpdate } from '../../engine/experiments/experimentRunner';
import { EXPERIMENT_FILES } from '../../engine/experiments/experimentStore';
import { UserFacingError } from '../panel/panelCommands';
import type { DialogueServices } from '../services';

/** The experiment file a command invocation means: a Uri (explorer, editor title), `{ file }`, or the active editor. */
function experimentFileOf(arg: unknown): string | null {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  if (arg && typeof arg === 'object' && typeof (arg as { file?: unknown }).file === 'string') return path.resolve((arg as { file: string }).file);
  const doc = vscode.window.activeTextEditor?.document;
  return doc && doc.uri.scheme === 'file' ? doc.uri.fsPath : null;
}

/**
 * `dialogue.runExperiment`: plans the file (every error shown as the CLI words it), runs it with the settings'
 * key, endpoint and prices through the same runner as `run`, with progress in a cancellable notification (Cancel
 * stops it as Ctrl+C does; running the command again resumes), then opens summary.csv. Resolves to the folder.
 */
export async function runExperiment(s: DialogueServices, arg: unknown): Promise<string | undefined> {
  // An experiment file names folders to read and write and spends money: never from a workspace not trusted.
  if (vscode.workspace.isTrusted === false) throw new UserFacingError('Experiments run only in a trusted workspace: trust this folder first (Manage Workspace Trust).');
  const file = experimentFileOf(arg);
  if (!file) throw new UserFacingError('Open an experiment file (*.yaml) first, or pass { "file": "..." }.');
  const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file);
  if (open?.isDirty) await open.save();
  let plan;
  try {
    plan = await planExperiment(await readExperimentFile(file));
  } catch (err) {
    throw new UserFacingError(err instanceof Error ? err.message : String(err));
  }
  const apiKey = await s.apiKeys.require(true);
  if (!apiKey) return undefined;
  const settings = s.settings();
  const outDir = path.join(plan.spec.workspace, 'experiments', plan.spec.name);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Dialogue: experiment ${plan.spec.name}`, cancellable: true },
    async (progress, token) => {
      let done = 0;
      const step = 100 / Math.max(1, plan.runs.length);
      const runner = new ExperimentRunner(plan, {
        outDir,
        concurrency: 4,
        budgetUsd: null,
        apiKey,
        ...(settings.baseUrl ? { baseURL: settings.baseUrl } : {}),
        prices: settings.prices,
        onUpdate: (u: RunnerUpdate) => {
          if (u.kind === 'start') {
            done = u.done;
            progress.report({ increment: done * step, message: `${u.done}/${u.total} runs done` });
          } else if (u.kind === 'run') {
            progress.report({ increment: (u.done - done) * step, message: `${u.done}/${u.total} runs · $${u.spendUsd.toFixed(4)}` });
            done = u.done;
            if (u.run.status === 'failed') s.log.warn(`experiment ${plan.spec.name}: ${u.run.id} failed: ${u.run.reason ?? ''}`);
          }
        },
      });
      token.onCancellationRequested(() => runner.stop('interrupted'));
      return runner.run();
    },
  );
  const summary = vscode.Uri.file(path.join(result.dir, EXPERIMENT_FILES.csv));
  await vscode.window.showTextDocument(summary, { preview: false });
  const spent = `$${result.spendUsd.toFixed(4)}`;
  if (result.status === 'done') void vscode.window.showInformationMessage(`Dialogue: experiment ${plan.spec.name} done (${plan.runs.length} runs, ${spent}).`);
  else void vscode.window.showWarningMessage(`Dialogue: experiment ${plan.spec.name} ${result.status}${result.reason ? `: ${result.reason}` : ''} (${spent}). Run it again to resume.`);
  return result.dir;
}
