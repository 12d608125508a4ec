import * as path from 'node:path';
import * as vscode from 'vscode';
import { readSessionLog } from '../../engine/export/exportSession';
import { buildSite } from '../../engine/export/sessionSite';
import { sessionView } from '../../engine/export/sessionView';
import { writeIndex } from '../../engine/store/sessionIndex';
import { describeError } from '../logSink';
import { UserFacingError } from '../panel/panelCommands';
import type { DialogueServices } from '../services';
import { extensionViewerAssets } from './exportCommand';
import { gitApi, openedRepository, type GitRepository } from './gitApi';
import { commitPaths, GitCommandError, repositoryRoot, trackedAmong } from './gitCommit';
import { publishMessage, publishPaths } from './publishPlan';
import { parseSessionArgs, resolveClosedSession } from './sessionTarget';

/** What a publish did, for scripts: the commit (null when there was nothing new to commit) and its files. */
export interface PublishResult {
  commit: string | null;
  files: string[];
  repository: string;
}

/**
 * `dialogue.publishSession` (`{ session? }`): refreshes the sessions folder's `index.json` and static site, then
 * commits the session folder, the index and the site pages into the Git repository holding them, through the
 * built-in Git extension. Only those paths are committed; anything else the researcher had staged stays staged.
 * Pushing is offered, never done unasked.
 */
export async function publishSessionCommand(s: DialogueServices, arg?: unknown): Promise<PublishResult | undefined> {
  const args = parseSessionArgs('dialogue.publishSession', arg);
  const dir = await resolveClosedSession(s, args.session, 'Publish a session to its Git repository');
  if (!dir) return undefined;
  // The session's own parent: sessions kept elsewhere (an experiment's sessions/) publish with their own index.
  const sessionsDir = path.dirname(dir);

  // Everything that can refuse is asked before anything is written.
  const api = await gitApi();
  const root = await repositoryRoot(api.git.path, sessionsDir).catch((err: unknown) => {
    throw new UserFacingError(`Dialogue: cannot ask Git about ${sessionsDir}: ${describeError(err)}`);
  });
  if (root === null) {
    throw new UserFacingError(
      `Dialogue: cannot publish: ${vscode.workspace.asRelativePath(sessionsDir)} is not in a Git repository. Point "dialogue.sessionsFolder" into your viewer's repository, or run "git init" there.`,
    );
  }
  const repository = await openedRepository(api, root);
  const { log } = await readSessionLog(dir).catch((err: unknown) => {
    throw new UserFacingError(`Dialogue: ${describeError(err)}`);
  });
  const view = sessionView(log);

  await writeIndex(sessionsDir);
  const site = await buildSite(sessionsDir, await extensionViewerAssets(s));
  const skipped = site.skipped.find((x) => path.resolve(x.folder) === path.resolve(dir));
  if (skipped) throw new UserFacingError(`Dialogue: cannot publish ${path.basename(dir)}: ${skipped.reason}.`);
  for (const x of site.skipped) s.log.warn(`publish: site left out ${x.folder}: ${x.reason}`);

  const tracked = await trackedAmong(api.git.path, root, site.written);
  const { paths, refreshed } = publishPaths({ sessionDir: dir, sessionsDir, written: site.written, tracked });
  let committed;
  try {
    committed = await commitPaths(api.git.path, root, paths, publishMessage(view, refreshed.length));
  } catch (err) {
    if (err instanceof GitCommandError) throw new UserFacingError(`Dialogue: Git could not commit ${view.sessionId}: ${err.message}`);
    throw err;
  }
  await repository?.status().catch((err: unknown) => s.log.warn(`refreshing the Source Control view: ${describeError(err)}`));
  if (!committed) {
    void vscode.window.showInformationMessage(`Dialogue: "${view.title}" is already published as it is: nothing new to commit.`);
    return { commit: null, files: [], repository: root };
  }
  s.log.info(`published ${dir} in ${root} as ${committed.commit} (${committed.files.length} files)`);
  offerPush(s, repository, view.title, committed.commit, committed.files.length);
  return { commit: committed.commit, files: committed.files, repository: root };
}

/** The after-commit note; "Push" only when there is a remote, and pushing only when it is clicked. */
function offerPush(s: DialogueServices, repository: GitRepository | null, title: string, commit: string, files: number): void {
  const head = repository?.state.HEAD;
  const remotes = repository?.state.remotes ?? [];
  const where = head?.name ? ` on ${head.name}` : '';
  const text = `Dialogue: committed "${title}" (${commit.slice(0, 7)}, ${files} file${files === 1 ? '' : 's'})${where}.`;
  if (!repository || remotes.length === 0) {
    void vscode.window.showInformationMessage(`${text} The repository has no remote to push to.`);
    return;
  }
  void vscode.window.showInformationMessage(text, 'Push').then(async (choice) => {
    if (choice !== 'Push') return;
    try {
      // A branch with no upstream yet is pushed to the first remote and tracks it from then on.
      if (head?.upstream || !head?.name) await repository.push();
      else await repository.push(remotes[0]!.name, head.name, true);
      void vscode.window.showInformationMessage(`Dialogue: pushed "${title}".`);
    } catch (err) {
      s.log.warn(`push after publishing: ${describeError(err)}`);
      void vscode.window.showErrorMessage(`Dialogue: the push failed: ${describeError(err)}`);
    }
  });
}
