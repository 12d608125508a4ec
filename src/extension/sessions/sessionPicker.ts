import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatUsd } from '../../engine/cost/costMeter';
import { SESSION_FILES, pathExists } from '../../engine/store/sessionFiles';
import { writeIndex } from '../../engine/store/sessionIndex';
import { recoverSession } from '../../engine/store/sessionRecovery';
import { UserFacingError } from '../panel/panelCommands';
import type { PanelManager } from '../panel/panels';
import type { DialogueServices } from '../services';
import { NO_FOLDER_MESSAGE } from '../services';
import { listSessions, loadReplay, type SessionSummary } from './sessionListing';

/** A session's quick-pick detail line: cast, turns, cost, and whether it is closed. */
export function describeSession(s: SessionSummary): string {
  const parts = [s.cast.join(', ') || 'no cast recorded'];
  if (s.turns !== null) parts.push(`${s.turns} turn${s.turns === 1 ? '' : 's'}`);
  if (s.closed) parts.push(formatUsd(s.usd));
  if (!s.closed) parts.unshift('$(warning) not closed');
  if (s.mode === 'batch') parts.unshift('batch log (viewer only)');
  return parts.join(' · ');
}

function dirArgument(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (typeof arg === 'object' && arg !== null) {
    const o = arg as { sessionDir?: unknown; dir?: unknown };
    if (typeof o.sessionDir === 'string') return o.sessionDir;
    if (typeof o.dir === 'string') return o.dir;
  }
  return undefined;
}

/**
 * `dialogue.openSession`: a past session, read-only, with "Continue this session". The argument may be a
 * folder path or a session id (resolved in the sessions folder). Returns the session folder.
 */
export async function openSession(s: DialogueServices, panels: PanelManager, arg?: unknown): Promise<string | undefined> {
  const sessionsDir = s.sessionsDir();
  if (!sessionsDir) throw new UserFacingError(NO_FOLDER_MESSAGE);
  let dir = dirArgument(arg);
  if (dir !== undefined) {
    dir = path.resolve(sessionsDir, dir);
  } else {
    const sessions = await listSessions(sessionsDir);
    if (sessions.length === 0) {
      void vscode.window.showInformationMessage(`Dialogue: no sessions in ${vscode.workspace.asRelativePath(sessionsDir)} yet.`);
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      sessions.map((x) => ({ label: x.title, description: x.id, detail: describeSession(x), session: x })),
      { title: 'Open a session', placeHolder: 'Replay a session (read-only); continue it from the panel', matchOnDescription: true, matchOnDetail: true },
    );
    if (!picked) return undefined;
    if (picked.session.mode === 'batch') throw new UserFacingError('Dialogue: batch logs are read by the viewer; the panel replays interactive sessions.');
    dir = picked.session.dir;
  }

  const open = panels.findByDir(dir);
  if (open) {
    open.panel.reveal();
    return open.controller.sessionDir;
  }
  if (!(await hasLog(dir)) && (await hasJournal(dir))) {
    const choice = await vscode.window.showWarningMessage(
      `Dialogue: ${path.basename(dir)} was not closed (the window closed mid-session?). Recover it from its journal to open it?`,
      { modal: true },
      'Recover',
    );
    if (choice !== 'Recover') return undefined;
    await recoverSession(dir);
    s.log.info(`recovered ${dir}`);
    await writeIndex(sessionsDir).catch((err: unknown) => s.log.warn(`updating the session index: ${String(err)}`));
  }
  try {
    panels.openReplay(await loadReplay(dir));
  } catch (err) {
    throw new UserFacingError(`Dialogue: ${err instanceof Error ? err.message : String(err)}`);
  }
  return dir;
}

const hasLog = (dir: string): Promise<boolean> => pathExists(path.join(dir, SESSION_FILES.log));
const hasJournal = (dir: string): Promise<boolean> => pathExists(path.join(dir, SESSION_FILES.journal));
