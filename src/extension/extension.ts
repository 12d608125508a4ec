import * as vscode from 'vscode';
import { ApiKeys } from './access/accessFlow';
import { AuditCommand } from './sessions/auditCommand';
import { CharacterLibrary } from './characters/characterWatcher';
import { registerCommands } from './commands';
import { trackExperimentEditor } from './experiments/experimentContext';
import { CostStatusBar } from './panel/costStatusBar';
import { isDemoDir, openDemoOnStartup } from './demo/demoCommand';
import { redactingLog } from './logSink';
import { OpenPanelRegistry } from './panel/openPanels';
import { registerPanelSerializer } from './panel/panelSerializer';
import { PanelManager } from './panel/panels';
import { offerRecovery } from './sessions/recoveryPrompt';
import type { DialogueServices } from './services';
import { SessionLauncher } from './sessions/sessionLauncher';
import { changedSettings, readSettings, resolveChosenFolder, type DialogueSettings } from './settings';

let panels: PanelManager | undefined;

function workspaceRoot(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

export function activate(context: vscode.ExtensionContext): void {
  const channel = vscode.window.createOutputChannel('Dialogue Panel', { log: true });
  const log = redactingLog(channel);
  let shownProblems = '';
  const read = (): DialogueSettings => {
    const { settings, problems } = readSettings(vscode.workspace.getConfiguration('dialogue'));
    for (const p of problems) log.warn(`settings: ${p}`);
    // Shown once per distinct set of problems, not again on every unrelated settings edit.
    const key = problems.join('\n');
    if (problems.length > 0 && key !== shownProblems) {
      void vscode.window.showWarningMessage(`Dialogue: ${problems[0]}${problems.length > 1 ? ` (+${problems.length - 1} more in the log)` : ''}`, 'Open Settings').then((c) => {
        if (c) void vscode.commands.executeCommand('workbench.action.openSettings', 'dialogue');
      });
    }
    shownProblems = key;
    return settings;
  };
  let settings = read();

  const warnedFolders = new Set<string>();
  const chosen = (setting: 'charactersFolder' | 'sessionsFolder'): string | undefined => {
    const { dir, problem } = resolveChosenFolder(workspaceRoot(), settings[setting]);
    if (problem && !warnedFolders.has(problem)) {
      warnedFolders.add(problem);
      log.warn(`dialogue.${setting}: ${problem}`);
      void vscode.window.showWarningMessage(`Dialogue: dialogue.${setting} ${problem}`);
    }
    return dir;
  };
  const library = new CharacterLibrary(log);
  const apiKeys = new ApiKeys(context.secrets, log, (key) => panels?.forEachLive((session) => session.setApiKey(key)));
  const services: DialogueServices = {
    context,
    log,
    settings: () => settings,
    charactersDir: () => chosen('charactersFolder'),
    sessionsDir: () => chosen('sessionsFolder'),
    apiKeys,
    library,
    registry: new OpenPanelRegistry(context.workspaceState),
  };
  const launcher = new SessionLauncher(services);
  const manager = new PanelManager(services, launcher);
  panels = manager;
  const audit = new AuditCommand(services);

  context.subscriptions.push(
    channel,
    library,
    apiKeys,
    manager,
    audit,
    new CostStatusBar(manager),
    registerPanelSerializer(manager),
    trackExperimentEditor(),
    ...registerCommands({ services, panels: manager, launcher, apiKeys, audit }),
    library.onDidChange(() => manager.libraryChanged()),
    // Hides the commands that need a running panel from the palette when there is none.
    manager.onDidChange(() => void vscode.commands.executeCommand('setContext', 'dialogue.hasLivePanel', manager.liveDirs().size > 0)),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void library.setFolder(services.charactersDir())),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('dialogue')) return;
      const before = settings;
      settings = read();
      const changed = new Set(changedSettings(before, settings));
      if (changed.has('theme')) manager.broadcastTheme(settings.theme);
      if (changed.has('charactersFolder')) void library.setFolder(services.charactersDir());
      manager.forEachLive((session, controller) => {
        // A demo session runs on the demo model and its own options: the researcher's settings are for real sessions.
        if (isDemoDir(services, session.dir)) return;
        if (changed.has('model')) session.setModel(settings.model);
        if (changed.has('cacheTtl')) session.setCacheTtl(settings.cacheTtl);
        if (changed.has('budgetUsd')) session.setBudget(settings.budgetUsd);
        if (changed.has('cacheWarmth') || changed.has('keepWarmMinutes')) session.setWarmth(settings.cacheWarmth, settings.keepWarmMinutes);
        if (changed.has('model') || changed.has('cacheTtl') || changed.has('budgetUsd') || changed.has('cacheWarmth')) controller.refreshMeter();
      });
    }),
  );

  log.info(`Dialogue Panel ${String(context.extension.packageJSON.version)} active; workspace ${workspaceRoot() ?? '(none)'}`);
  void library.setFolder(services.charactersDir());
  void offerRecovery(services, manager);
  void openDemoOnStartup(services, manager);
  context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => void offerRecovery(services, manager)));
}

export function deactivate(): void {
  panels?.shutdown();
  panels = undefined;
}
