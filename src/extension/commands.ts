import * as vscode from 'vscode';
import type { ApiKeys } from './access/accessFlow';
import type { AuditCommand } from './sessions/auditCommand';
import { exportCharacterCard, importCharacterCard } from './characters/cardCommands';
import { createSampleCharacters, newCharacter } from './characters/characterCommands';
import { SHOW_PANEL_COMMAND } from './panel/costStatusBar';
import { TRY_DEMO_COMMAND, tryDemo } from './demo/demoCommand';
import { describeError } from './logSink';
import { errorCode } from './panel/panelBanners';
import { addCharacter, carryOverSession, closeSession, retireCharacter, startPanel, sayToPanel, stopPanel, UserFacingError } from './panel/panelCommands';
import type { PanelManager } from './panel/panels';
import type { DialogueServices } from './services';
import type { SessionLauncher } from './sessions/sessionLauncher';
import { exportSessionCommand } from './sessions/exportCommand';
import { publishSessionCommand } from './sessions/publishCommand';
import { openSession } from './sessions/sessionPicker';
import { START_WITH_GREETING_COMMAND, startWithGreeting } from './sessions/greetingStart';
import { runExperiment } from './experiments/runExperimentCommand';
import { editLastLine, regenerateLastTurn, rewindPanel } from './panel/turnCommands';

/** Every command id the extension registers (the contributed ones are a public contract, see SPEC 8). */
export const COMMAND_IDS = [
  'dialogue.startPanel',
  'dialogue.addCharacter',
  'dialogue.retireCharacter',
  'dialogue.newCharacter',
  'dialogue.openSession',
  'dialogue.closeSession',
  'dialogue.auditSessions',
  'dialogue.setApiKey',
  'dialogue.clearApiKey',
  'dialogue.stop',
  'dialogue.createSampleCharacters',
  'dialogue.regenerate',
  'dialogue.editLastLine',
  'dialogue.rewind',
  'dialogue.carryOver',
  'dialogue.say',
  'dialogue.runExperiment',
  'dialogue.importCharacterCard',
  'dialogue.exportCharacterCard',
  TRY_DEMO_COMMAND,
  START_WITH_GREETING_COMMAND,
  'dialogue.exportSession',
  'dialogue.publishSession',
  SHOW_PANEL_COMMAND,
] as const;
type CommandId = (typeof COMMAND_IDS)[number];

export interface CommandDeps {
  services: DialogueServices;
  panels: PanelManager;
  launcher: SessionLauncher;
  apiKeys: ApiKeys;
  audit: AuditCommand;
}

/**
 * Registers the commands. A failure is logged and shown once; when a script passed arguments it also
 * rejects, so `executeCommand` callers see it (from the palette VS Code would show it a second time).
 */
export function registerCommands(d: CommandDeps): vscode.Disposable[] {
  const s = d.services;
  const handlers: Record<CommandId, (...args: unknown[]) => unknown> = {
    'dialogue.startPanel': (args) => startPanel(s, d.panels, d.launcher, args),
    'dialogue.addCharacter': (arg) => addCharacter(s, d.panels, arg),
    'dialogue.retireCharacter': (arg) => retireCharacter(d.panels, arg),
    'dialogue.newCharacter': (name) => newCharacter(s, name),
    'dialogue.openSession': (arg) => openSession(s, d.panels, arg),
    'dialogue.closeSession': (arg) => closeSession(d.panels, arg),
    'dialogue.auditSessions': () => d.audit.run(),
    'dialogue.setApiKey': (key) => d.apiKeys.set(key),
    'dialogue.clearApiKey': () => d.apiKeys.clear(),
    'dialogue.stop': () => stopPanel(d.panels),
    'dialogue.createSampleCharacters': () => createSampleCharacters(s),
    'dialogue.regenerate': () => regenerateLastTurn(d.panels),
    'dialogue.editLastLine': (arg) => editLastLine(d.panels, arg),
    'dialogue.rewind': (arg) => rewindPanel(d.panels, s.library.current, arg),
    'dialogue.carryOver': (arg) => carryOverSession(d.panels, arg),
    'dialogue.say': (arg) => sayToPanel(d.panels, arg),
    'dialogue.runExperiment': (arg) => runExperiment(s, arg),
    'dialogue.importCharacterCard': (arg) => importCharacterCard(s, arg),
    'dialogue.exportCharacterCard': (arg) => exportCharacterCard(s, arg),
    [TRY_DEMO_COMMAND]: () => tryDemo(s, d.panels),
    [START_WITH_GREETING_COMMAND]: (arg) => startWithGreeting(s, d.launcher, (session) => d.panels.openLive(session), arg),
    'dialogue.exportSession': (arg) => exportSessionCommand(s, arg),
    'dialogue.publishSession': (arg) => publishSessionCommand(s, arg),
    [SHOW_PANEL_COMMAND]: async () => {
      const entry = d.panels.active();
      if (entry) entry.panel.reveal();
      else await vscode.commands.executeCommand('dialogue.startPanel');
    },
  };
  return COMMAND_IDS.map((id) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handlers[id](...args);
      } catch (err) {
        const message = describeError(err);
        if (err instanceof UserFacingError || errorCode(err)) s.log.warn(`${id}: ${message}`);
        else s.log.error(err instanceof Error ? err : `${id}: ${message}`);
        void vscode.window.showErrorMessage(message.startsWith('Dialogue') ? message : `Dialogue: ${message}`);
        if (args.some((a) => a !== undefined)) throw err;
        return undefined;
      }
    }),
  );
}
