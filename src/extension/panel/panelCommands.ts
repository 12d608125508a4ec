import * as vscode from 'vscode';
import type { Library } from '../../engine/cast/characters';
import { rosterView } from './memberViews';
import type { PanelEntry, PanelManager } from './panels';
import type { DialogueServices } from '../services';
import { NO_FOLDER_MESSAGE } from '../services';
import type { SessionLauncher } from '../sessions/sessionLauncher';
import { characterItem, pickStartRequest } from '../sessions/startPicker';
import { resolveStartRequest, type StartRequest } from '../sessions/startRequest';

/**
 * Commands that act on panels: start one, change its cast, stop it, close it. Each returns something a
 * script can check (the session folder, the id queued, ...) and undefined when the researcher cancelled.
 */

/** Thrown for a mistake the researcher can fix; the command wrapper shows the message as is. */
export class UserFacingError extends Error {}

/** The id from a command argument: `"mara"` or `{ id: "mara" }`. */
function idArgument(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (typeof arg === 'object' && arg !== null && typeof (arg as { id?: unknown }).id === 'string') return (arg as { id: string }).id;
  return undefined;
}

async function pickRequest(library: Library, charactersDir: string): Promise<StartRequest | undefined> {
  if (library.characters.size === 0) {
    const choice = await vscode.window.showWarningMessage(
      `Dialogue: no valid characters in ${charactersDir}.`,
      'Create sample characters',
      'New character',
    );
    if (choice === 'Create sample characters') await vscode.commands.executeCommand('dialogue.createSampleCharacters');
    if (choice === 'New character') await vscode.commands.executeCommand('dialogue.newCharacter');
    return undefined;
  }
  return pickStartRequest(library);
}

/** `dialogue.startPanel`: returns the new session's folder. */
export async function startPanel(s: DialogueServices, panels: PanelManager, launcher: SessionLauncher, args?: unknown): Promise<string | undefined> {
  const charactersDir = s.charactersDir();
  if (!charactersDir) throw new UserFacingError(NO_FOLDER_MESSAGE);
  const library = await s.library.ensureLoaded();
  let request: StartRequest | undefined;
  const scripted = args !== undefined && args !== null;
  if (scripted) {
    const resolved = resolveStartRequest(args, library);
    if (!resolved.ok) throw new UserFacingError(`Dialogue: ${resolved.message}`);
    request = resolved.request;
  } else {
    request = await pickRequest(library, charactersDir);
  }
  if (!request) return undefined;
  const session = await launcher.start(request, !scripted);
  if (!session) return undefined;
  panels.openLive(session);
  return session.dir;
}

/** The active panel and its live session; throws the researcher-facing error when there is none. */
export function livePanel(panels: PanelManager): PanelEntry & { session: NonNullable<PanelEntry['controller']['live']> } {
  const entry = panels.active();
  const session = entry?.controller.live;
  if (!entry || !session) throw new UserFacingError('Dialogue: no running panel (start one with "Dialogue: Start Panel").');
  return { ...entry, session };
}

/** `dialogue.addCharacter`: queues a join for the next turn boundary; returns the id. */
export async function addCharacter(s: DialogueServices, panels: PanelManager, arg?: unknown): Promise<string | undefined> {
  const { session } = livePanel(panels);
  const library = await s.library.ensureLoaded();
  let id = idArgument(arg);
  if (id === undefined) {
    const candidates = rosterView(session.castView(), library).library;
    if (candidates.length === 0) throw new UserFacingError('Dialogue: everyone in the character library is already on the panel.');
    const picked = await vscode.window.showQuickPick(candidates.map(characterItem), { title: 'Add to the panel (joins at the next turn)' });
    if (!picked) return undefined;
    id = picked.id;
  }
  const character = library.characters.get(id);
  if (!character) throw new UserFacingError(`Dialogue: "${id}" is not in the character library (is its file valid?).`);
  session.queueJoin(character);
  return id;
}

/** `dialogue.retireCharacter`: queues a retirement for the next turn boundary; returns the id. */
export async function retireCharacter(panels: PanelManager, arg?: unknown): Promise<string | undefined> {
  const { session } = livePanel(panels);
  let id = idArgument(arg);
  if (id === undefined) {
    const view = session.castView();
    const leaving = new Set(view.pending.filter((p) => p.change === 'retire').map((p) => p.id));
    const picked = await vscode.window.showQuickPick(view.present.filter((c) => !leaving.has(c.id)).map(characterItem), {
      title: 'Retire from the panel (leaves at the next turn)',
    });
    if (!picked) return undefined;
    id = picked.id;
  }
  session.queueRetire(id);
  return id;
}

/**
 * `dialogue.say`: says a line to the active panel, as if typed (for keybindings and scripts). `arg` is the
 * text or `{ text, target? }`; with none, an input box asks. Resolves when the floor returns, with the turn.
 */
export async function sayToPanel(panels: PanelManager, arg?: unknown): Promise<number | undefined> {
  const { session } = livePanel(panels);
  let text: string | undefined;
  let target: string | null = null;
  if (typeof arg === 'string') text = arg;
  else if (typeof arg === 'object' && arg !== null) {
    const a = arg as { text?: unknown; target?: unknown };
    if (typeof a.text === 'string') text = a.text;
    if (typeof a.target === 'string') target = a.target;
    else if (a.target !== undefined && a.target !== null) throw new UserFacingError('Dialogue: "target" must be a character id.');
  }
  text ??= await vscode.window.showInputBox({ title: 'Say to the panel', prompt: 'Start with @id to address one member' });
  if (text === undefined || text.trim() === '') return undefined;
  const addressed = target === null ? /^@([a-z0-9][a-z0-9-]*)\s+([\s\S]+)$/.exec(text.trim()) : null;
  if (addressed) [target, text] = [addressed[1]!, addressed[2]!];
  await session.say(text, target);
  return session.events.reduce((turn, e) => Math.max(turn, e.turn), 0);
}

/** `dialogue.stop`: jumps in on the active panel; true when it was answering. */
export function stopPanel(panels: PanelManager): boolean {
  const session = panels.active()?.controller.live;
  if (!session?.answering) return false;
  session.stop();
  return true;
}

/** `dialogue.closeSession`: writes the session folder; returns its path. `arg` may name the folder. */
export async function closeSession(panels: PanelManager, arg?: unknown): Promise<string | undefined> {
  const dir = typeof arg === 'string' ? arg : typeof arg === 'object' && arg !== null ? (arg as { sessionDir?: unknown }).sessionDir : undefined;
  const entry = typeof dir === 'string' ? panels.findByDir(dir) : panels.active();
  if (!entry?.controller.live) throw new UserFacingError('Dialogue: no running session to close.');
  const closed = await panels.close(entry);
  if (closed) {
    // The next steps a researcher takes with a closed session, offered once and gone when dismissed.
    void vscode.window.showInformationMessage(`Dialogue: session saved to ${vscode.workspace.asRelativePath(closed)}.`, 'Export', 'Publish', 'Reveal').then((c) => {
      if (c === 'Export') void vscode.commands.executeCommand('dialogue.exportSession', { session: closed }).then(undefined, () => undefined);
      if (c === 'Publish') void vscode.commands.executeCommand('dialogue.publishSession', { session: closed }).then(undefined, () => undefined);
      if (c === 'Reveal') void vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(closed));
    });
  }
  return closed;
}

/**
 * `dialogue.carryOver`: summarises the session into a fresh one that the same panel continues; returns the
 * new session's folder. `arg` may name the folder of the session to carry over.
 */
export async function carryOverSession(panels: PanelManager, arg?: unknown): Promise<string> {
  const dir = typeof arg === 'string' ? arg : typeof arg === 'object' && arg !== null ? (arg as { sessionDir?: unknown }).sessionDir : undefined;
  const entry = typeof dir === 'string' ? panels.findByDir(dir) : panels.active();
  if (!entry?.controller.live) throw new UserFacingError('Dialogue: no running session to carry over.');
  const { closedDir, nextDir } = await entry.controller.carryOver();
  void vscode.window.showInformationMessage(
    `Dialogue: carried over to ${vscode.workspace.asRelativePath(nextDir)}; ${vscode.workspace.asRelativePath(closedDir)} is closed and linked to it.`,
  );
  return nextDir;
}
