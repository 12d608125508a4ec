// Room `extension/demo`: "Try the demo" — a panel on the built-in demo (engine/demo) with the sample cast that
// ships with the extension, no key needed, its sessions kept in the extension's own storage. May import: the
// engine, extension/panel, the top-level services.
import * as vscode from 'vscode';
import { loadLibrary, type Library } from '../../engine/cast/characters';
import { demoOptions, demoSessionsDir, isDemoSessionDir, startDemoSession } from '../../engine/demo/demoSession';
import type { ResumeOptions } from '../../engine/session/sessionOptions';
import type { DialogueServices } from '../services';

export { TRY_DEMO_COMMAND, TRY_DEMO_LABEL } from './demoIds';

/** The environment variable `npm start -- --demo` sets: the extension opens the demo as it activates. */
export const DEMO_ENV = 'DIALOGUE_DEMO';
const OPENED_ON_STARTUP = 'dialogue.demoOpenedOnStartup';

/** Where demo sessions go: the extension's global storage, never a workspace (so they never mix with real ones). */
export function demoDir(s: DialogueServices): string {
  return demoSessionsDir(s.context.globalStorageUri.fsPath);
}

/** Whether a session folder is a demo session's (continued or restored as a demo, with no key). */
export function isDemoDir(s: DialogueServices, dir: string): boolean {
  return isDemoSessionDir(dir, s.context.globalStorageUri.fsPath);
}

/** The demo's cast: the sample characters inside the extension, whatever the workspace holds. */
function demoLibrary(s: DialogueServices): Promise<Library> {
  return loadLibrary(vscode.Uri.joinPath(s.context.extensionUri, 'characters').fsPath);
}

/** The options a demo session is continued with (the panel's Continue, a window reload). */
export async function demoResumeOptions(s: DialogueServices): Promise<ResumeOptions> {
  return demoOptions({ library: await demoLibrary(s), sessionsDir: demoDir(s) });
}

/** The panel manager's one operation the demo needs. */
export interface DemoPanels {
  openLive(session: Awaited<ReturnType<typeof startDemoSession>>): unknown;
}

/** `dialogue.tryDemo`: opens a panel on a fresh demo session; returns its folder. */
export async function tryDemo(s: DialogueServices, panels: DemoPanels): Promise<string> {
  const session = await startDemoSession({ library: await demoLibrary(s), sessionsDir: demoDir(s) });
  panels.openLive(session);
  s.log.info(`demo session started: ${session.dir} (scripted replies, no model called)`);
  return session.dir;
}

/**
 * `npm start -- --demo`: opens the demo once as the window first activates (not again on a reload, where the
 * serializer restores the panel that is already there).
 */
export async function openDemoOnStartup(s: DialogueServices, panels: DemoPanels, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (env[DEMO_ENV] !== '1' || s.context.workspaceState.get<boolean>(OPENED_ON_STARTUP)) return;
  await s.context.workspaceState.update(OPENED_ON_STARTUP, true);
  try {
    await tryDemo(s, panels);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    s.log.error(`the demo could not start: ${message}`);
    void vscode.window.showErrorMessage(`Dialogue: the demo could not start (${message}).`);
  }
}
