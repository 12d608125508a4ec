import * as vscode from 'vscode';
import { UserFacingError } from '../panel/panelCommands';

/**
 * The built-in Git extension (`vscode.git`) as publishing uses it: the slice of its API v1
 * (extensions/git/src/api/git.d.ts in VS Code) that is read here, and how to reach it with clear messages when
 * it is missing, turned off or still starting.
 */

/** The extension's exports; `getAPI` throws while `enabled` is false (`git.enabled: false`). */
export interface GitExtension {
  readonly enabled: boolean;
  getAPI(version: 1): GitApi;
}

/** API v1: the git executable it found and the repositories it knows (it opens one on request). */
export interface GitApi {
  readonly state: 'uninitialized' | 'initialized';
  readonly onDidChangeState: vscode.Event<'uninitialized' | 'initialized'>;
  readonly git: { readonly path: string };
  getRepository(uri: vscode.Uri): GitRepository | null;
  openRepository(root: vscode.Uri): Promise<GitRepository | null>;
}

/** The branch checked out (`name` absent when HEAD is detached) and its upstream, if it has one. */
export interface GitHead {
  readonly name?: string;
  readonly upstream?: { readonly remote: string; readonly name: string };
}

/** One repository as the Source Control view shows it. */
export interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly state: { readonly HEAD: GitHead | undefined; readonly remotes: ReadonlyArray<{ readonly name: string }> };
  /** refreshes the Source Control view after a commit made outside the extension. */
  status(): Promise<void>;
  push(remoteName?: string, branchName?: string, setUpstream?: boolean): Promise<void>;
}

export const GIT_EXTENSION_ID = 'vscode.git';
const INITIALIZE_TIMEOUT_MS = 15_000;

/** The Git extension's API, activated and initialised; a UserFacingError says why when it cannot be had. */
export async function gitApi(): Promise<GitApi> {
  const extension = vscode.extensions.getExtension<GitExtension>(GIT_EXTENSION_ID);
  if (!extension) {
    throw new UserFacingError('Dialogue: cannot publish without VS Code\'s built-in Git extension, which is disabled or missing: enable "Git" (vscode.git) in the Extensions view.');
  }
  const exports = extension.isActive ? extension.exports : await extension.activate();
  if (!exports?.enabled) {
    throw new UserFacingError('Dialogue: cannot publish while Git is turned off (setting "git.enabled"): turn it on, then publish again.');
  }
  const api = exports.getAPI(1);
  if (api.state !== 'initialized') {
    // The extension scans for repositories as it starts; until then it may not know the one that is there.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        sub.dispose();
        reject(new UserFacingError('Dialogue: cannot publish yet: the Git extension has not finished starting; try again in a moment.'));
      }, INITIALIZE_TIMEOUT_MS);
      const sub = api.onDidChangeState((state) => {
        if (state !== 'initialized') return;
        clearTimeout(timer);
        sub.dispose();
        resolve();
      });
      if (api.state === 'initialized') {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      }
    });
  }
  return api;
}

/** The repository at work tree `root` as the Git extension knows it, opening it there when it had not yet. */
export async function openedRepository(api: GitApi, root: string): Promise<GitRepository | null> {
  const uri = vscode.Uri.file(root);
  return api.getRepository(uri) ?? (await api.openRepository(uri));
}
