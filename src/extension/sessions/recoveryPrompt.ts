import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeIndex } from '../../engine/store/sessionIndex';
import { findUnclosed, recoverSession } from '../../engine/store/sessionRecovery';
import { describeError } from '../logSink';
import { orphanedSessions } from '../panel/openPanels';
import type { PanelManager } from '../panel/panels';
import type { DialogueServices } from '../services';

/**
 * On activation: sessions left unclosed (the window or VS Code went away mid-session) are offered for
 * recovery. This is `recoverAll` restricted to orphans, one folder at a time: a session that a panel is
 * running, or will resume after a reload, has a journal too and must not be finalised under it.
 */
export async function offerRecovery(s: DialogueServices, panels: PanelManager): Promise<string[]> {
  // Recovery writes into folders a workspace hands us; in a workspace the user has not trusted it waits until
  // trust is granted (activate offers it again then).
  if (!vscode.workspace.isTrusted) return [];
  const sessionsDir = s.sessionsDir();
  if (!sessionsDir) return [];
  let orphans: string[];
  try {
    const owned = new Set([...s.registry.ownedDirs(), ...panels.liveDirs()]);
    orphans = orphanedSessions(await findUnclosed(sessionsDir), owned);
  } catch (err) {
    s.log.warn(`looking for unclosed sessions in ${sessionsDir}: ${describeError(err)}`);
    return [];
  }
  if (orphans.length === 0) return [];
  s.log.info(`unclosed sessions: ${orphans.join(', ')}`);
  const n = orphans.length;
  const choice = await vscode.window.showWarningMessage(
    `Dialogue: ${n} session${n === 1 ? ' was' : 's were'} not closed (${orphans.map((d) => path.basename(d)).slice(0, 3).join(', ')}${n > 3 ? ', ...' : ''}). Recover ${n === 1 ? 'it' : 'them'} from the journal?`,
    'Recover',
    'Later',
  );
  if (choice !== 'Recover') return [];
  const recovered: string[] = [];
  const failed: string[] = [];
  // Re-checked at click time: a panel may have claimed one of them meanwhile.
  const stillOrphaned = orphanedSessions(orphans, new Set([...s.registry.ownedDirs(), ...panels.liveDirs()]));
  for (const dir of stillOrphaned) {
    try {
      await recoverSession(dir);
      recovered.push(dir);
      s.log.info(`recovered ${dir}`);
    } catch (err) {
      failed.push(dir);
      s.log.error(`recovering ${dir} failed: ${describeError(err)}`);
    }
  }
  if (recovered.length > 0) {
    // The index is written at close; recovered sessions are closed now and belong in it.
    await writeIndex(sessionsDir).catch((err: unknown) => s.log.warn(`updating the session index: ${describeError(err)}`));
  }
  if (failed.length > 0) {
    void vscode.window.showErrorMessage(`Dialogue: ${failed.length} session${failed.length === 1 ? '' : 's'} could not be recovered (see the "Dialogue Panel" log).`);
  } else {
    void vscode.window.showInformationMessage(`Dialogue: recovered ${recovered.length} session${recovered.length === 1 ? '' : 's'}.`);
  }
  return recovered;
}
