import * as path from 'node:path';
import * as vscode from 'vscode';
import { z } from 'zod';
import { SESSION_FILES, pathExists } from '../../engine/store/sessionFiles';
import { UserFacingError } from '../panel/panelCommands';
import type { DialogueServices } from '../services';
import { NO_FOLDER_MESSAGE } from '../services';
import { listSessions } from './sessionListing';
import { describeSession } from './sessionPicker';

/**
 * Which closed session an export or publish acts on: the `session` argument (a folder path, or a session id in
 * the sessions folder) or, without one, the researcher's pick.
 */

/** `{ session?, out? }` or a bare folder path; `out` (export only) writes there without asking. */
export const sessionCommandArgsSchema = z
  .union([
    z.string().min(1).transform((session) => ({ session, out: undefined })),
    z.strictObject({ session: z.string().min(1).optional(), out: z.string().min(1).optional() }),
  ])
  .optional();
export type SessionCommandArgs = { session?: string | undefined; out?: string | undefined };

/** Validates a command's arguments; a shape it does not know is one clear error, not a guess. */
export function parseSessionArgs(command: string, arg: unknown): SessionCommandArgs {
  const parsed = sessionCommandArgsSchema.safeParse(arg === null ? undefined : arg);
  if (!parsed.success) throw new UserFacingError(`Dialogue: ${command} takes { "session": "<session folder>" }${command.endsWith('exportSession') ? ' and optionally "out": "<file.html>"' : ''}.`);
  return parsed.data ?? {};
}

/** A closed session's folder (absolute), checked; undefined when the researcher dismissed the pick. */
export async function resolveClosedSession(s: DialogueServices, given: string | undefined, pickTitle: string): Promise<string | undefined> {
  const sessionsDir = s.sessionsDir();
  let dir: string;
  if (given !== undefined) {
    if (!sessionsDir && !path.isAbsolute(given)) throw new UserFacingError(NO_FOLDER_MESSAGE);
    dir = path.resolve(sessionsDir ?? '', given);
  } else {
    if (!sessionsDir) throw new UserFacingError(NO_FOLDER_MESSAGE);
    const closed = (await listSessions(sessionsDir)).filter((x) => x.closed);
    if (closed.length === 0) {
      void vscode.window.showInformationMessage(`Dialogue: no closed sessions in ${vscode.workspace.asRelativePath(sessionsDir)} yet.`);
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      closed.map((x) => ({ label: x.title, description: x.id, detail: describeSession(x), dir: x.dir })),
      { title: pickTitle, placeHolder: 'Pick a closed session', matchOnDescription: true, matchOnDetail: true },
    );
    if (!picked) return undefined;
    dir = picked.dir;
  }
  const name = path.basename(dir);
  if (await pathExists(path.join(dir, SESSION_FILES.journal))) {
    throw new UserFacingError(`Dialogue: ${name} is not closed yet (it is running, or was interrupted: close or recover it first).`);
  }
  if (!(await pathExists(path.join(dir, SESSION_FILES.log)))) {
    throw new UserFacingError(`Dialogue: ${dir} is not a session folder (it has no ${SESSION_FILES.log}).`);
  }
  return dir;
}
