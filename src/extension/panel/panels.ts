// Room `extension/panel`: the webview panel — its controller (live and replay), the message channel, banners,
// meter, serializer, HTML and the commands that act on an open panel. May import: the engine, the protocol,
// and the extension's top-level services and settings.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { recoverSession } from '../../engine/store/sessionRecovery';
import { SESSION_FILES, pathExists } from '../../engine/store/sessionFiles';
import type { Theme } from '../../protocol';
import { describeError } from '../logSink';
import { PanelController, type LiveSession, type ReplaySource } from './panelController';
import type { DialogueServices } from '../services';
import type { SessionLauncher } from '../sessions/sessionLauncher';
import { loadReplay } from '../sessions/sessionListing';
import { isDemoDir, TRY_DEMO_COMMAND } from '../demo/demoCommand';
import { makeNonce, renderWebviewHtml } from './webviewHtml';

/** The webview panel type: the serializer and `onWebviewPanel:` activation are keyed on it. */
export const PANEL_VIEW_TYPE = 'dialogue.panel';

/** One open panel and the controller that owns its session. */
export interface PanelEntry {
  readonly panel: vscode.WebviewPanel;
  readonly controller: PanelController;
}

/**
 * Every open Dialogue panel: creates them, restores them after a reload, knows which one is active, and
 * passes setting and key changes on to their sessions.
 */
export class PanelManager implements vscode.Disposable {
  private readonly entries = new Set<PanelEntry>();
  private lastActive: PanelEntry | undefined;
  private shuttingDown = false;
  private readonly changed = new vscode.EventEmitter<void>();
  /** A panel opened, closed, became active, or its cost/mode changed. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly s: DialogueServices, private readonly launcher: SessionLauncher) {}

  all(): PanelEntry[] {
    return [...this.entries];
  }

  /** The panel the researcher used last (commands without a target act on it). */
  active(): PanelEntry | undefined {
    return this.lastActive && this.entries.has(this.lastActive) ? this.lastActive : this.all().at(-1);
  }

  findByDir(dir: string): PanelEntry | undefined {
    const wanted = path.resolve(dir);
    return this.all().find((e) => path.resolve(e.controller.sessionDir) === wanted);
  }

  /** Session folders with a live session in some panel. */
  liveDirs(): Set<string> {
    return new Set(this.all().filter((e) => e.controller.live).map((e) => path.resolve(e.controller.sessionDir)));
  }

  openLive(session: LiveSession): PanelEntry {
    return this.attach(this.createPanel(session.title), { live: session });
  }

  openReplay(replay: ReplaySource): PanelEntry {
    return this.attach(this.createPanel(replay.title), { replay });
  }

  /** WebviewPanelSerializer: a panel from before the reload, with the session it showed. */
  async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const hint = typeof state === 'object' && state !== null ? (state as { sessionDir?: unknown }).sessionDir : undefined;
    const record = this.s.registry.claim({ sessionDir: hint, panelTitle: panel.title });
    if (!record) {
      this.s.log.warn(`a restored panel "${panel.title}" has no session on record; closing it`);
      panel.dispose();
      return;
    }
    const dir = record.sessionDir;
    try {
      if (record.mode === 'live') {
        // The window went away mid-session: finalise from the journal, then carry on in the same folder.
        if (await pathExists(path.join(dir, SESSION_FILES.journal))) await recoverSession(dir);
        if (isDemoDir(this.s, dir) || (await this.s.apiKeys.resolve())) {
          const session = await this.launcher.resume(dir, false);
          if (session) {
            this.attach(panel, { live: session });
            return;
          }
        }
      }
      this.attach(panel, { replay: await loadReplay(dir) });
    } catch (err) {
      this.s.log.warn(`restoring the panel for ${dir}: ${describeError(err)}`);
      try {
        this.attach(panel, { replay: await loadReplay(dir) });
      } catch (again) {
        void vscode.window.showWarningMessage(`Dialogue: could not restore the panel for ${path.basename(dir)}: ${describeError(again)}`);
        void this.s.registry.remove(dir);
        panel.dispose();
      }
    }
  }

  /** Closes the session of `entry` (default: the active panel); the panel stays open as a replay. */
  async close(entry = this.active()): Promise<string | undefined> {
    if (!entry?.controller.live) return undefined;
    const dir = await entry.controller.close();
    this.s.log.info(`session closed: ${dir}`);
    return dir;
  }

  broadcastTheme(theme: Theme): void {
    for (const e of this.entries) e.controller.setTheme(theme);
  }

  libraryChanged(): void {
    for (const e of this.entries) e.controller.libraryChanged();
  }

  /** Applies a setting that changes running sessions; `apply` runs for each live one. */
  forEachLive(apply: (session: LiveSession, controller: PanelController) => void): void {
    for (const e of this.entries) {
      const live = e.controller.live;
      if (live) apply(live, e.controller);
    }
  }

  /** The extension host is going down: keep sessions and records for the serializer to pick up. */
  shutdown(): void {
    this.shuttingDown = true;
    // stop() also ends keep-warm pinging: nothing may call the API after VS Code closes.
    this.forEachLive((session) => session.stop());
  }

  private createPanel(title: string): vscode.WebviewPanel {
    return vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, this.uniqueTitle(title), vscode.ViewColumn.Active, {
      ...this.webviewOptions(),
      // The stream and drawer are costly to rebuild and the state lives in the host anyway; keeping the
      // page alive also keeps a half-typed message.
      retainContextWhenHidden: true,
    });
  }

  private uniqueTitle(title: string): string {
    const base = `Dialogue: ${title}`;
    const taken = new Set(this.all().map((e) => e.panel.title));
    if (!taken.has(base)) return base;
    for (let n = 2; ; n++) if (!taken.has(`${base} (${n})`)) return `${base} (${n})`;
  }

  /** Imported characters' avatars live here; the webview may load images from this folder and no other of the workspace. */
  private avatarsDir(): string | undefined {
    const dir = this.s.charactersDir();
    return dir ? path.join(dir, 'avatars') : undefined;
  }

  private webviewOptions(): vscode.WebviewOptions {
    const root = this.s.context.extensionUri;
    const avatars = this.avatarsDir();
    return {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(root, 'dist'), vscode.Uri.joinPath(root, 'media'), ...(avatars ? [vscode.Uri.file(avatars)] : [])],
    };
  }

  private html(webview: vscode.Webview, title: string): string {
    const root = this.s.context.extensionUri;
    return renderWebviewHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'media', 'panel.css')).toString(),
      viewerStyleUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'media', 'viewer.css')).toString(),
      theme: this.s.settings().theme,
      title,
    });
  }

  private attach(panel: vscode.WebviewPanel, source: { live: LiveSession } | { replay: ReplaySource }): PanelEntry {
    const log = this.s.log;
    const controller = new PanelController(
      {
        post: (msg) => void panel.webview.postMessage(msg),
        log,
        library: () => this.s.library.current,
        theme: () => this.s.settings().theme,
        setApiKey: async () => {
          await this.s.apiKeys.set();
        },
        openSettings: (query) => void vscode.commands.executeCommand('workbench.action.openSettings', query),
        fallbackModel: () => this.s.settings().fallbackModel,
        continueSession: (dir) => this.launcher.resumeOrExplain(dir),
        isDemo: (dir) => isDemoDir(this.s, dir),
        tryDemo: () => void vscode.commands.executeCommand(TRY_DEMO_COMMAND),
        avatarUri: (file) => {
          const dir = this.avatarsDir();
          const rel = dir ? path.relative(dir, file) : '..';
          return rel.startsWith('..') || path.isAbsolute(rel) ? undefined : panel.webview.asWebviewUri(vscode.Uri.file(file)).toString();
        },
      },
      source,
    );
    const entry: PanelEntry = { panel, controller };
    this.entries.add(entry);
    this.lastActive = entry;

    let recordedDir = controller.sessionDir;
    const remember = (): void => {
      const record = { sessionDir: controller.sessionDir, panelTitle: panel.title, mode: controller.readOnly ? 'replay' : 'live' } as const;
      // After a carry-over the panel shows another folder: the old record must go, or a reload would reopen it too.
      const moved = recordedDir !== record.sessionDir;
      const from = recordedDir;
      recordedDir = record.sessionDir;
      void (moved ? this.s.registry.move(from, record) : this.s.registry.put(record));
    };
    const subscriptions: vscode.Disposable[] = [
      panel.webview.onDidReceiveMessage((msg: unknown) => void controller.receive(msg)),
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.active) this.lastActive = entry;
        this.changed.fire();
      }),
    ];
    const stopWatching = controller.onDidChange(() => {
      remember();
      this.changed.fire();
    });
    panel.onDidDispose(() => {
      stopWatching();
      for (const d of subscriptions) d.dispose();
      this.entries.delete(entry);
      const live = controller.live;
      controller.dispose();
      if (!this.shuttingDown) {
        void this.s.registry.remove(controller.sessionDir);
        if (live && !live.closed) void this.closeAfterDispose(live);
      }
      this.changed.fire();
    });

    panel.webview.options = this.webviewOptions();
    panel.webview.html = this.html(panel.webview, controller.title);
    remember();
    this.changed.fire();
    return entry;
  }

  // Closing the tab ends the session: its folder is written now rather than left for recovery.
  private async closeAfterDispose(session: LiveSession): Promise<void> {
    try {
      const { dir } = await session.close();
      this.s.log.info(`panel closed; session saved to ${dir}`);
    } catch (err) {
      this.s.log.error(`closing the session in ${session.dir} failed: ${describeError(err)}`);
      void vscode.window.showErrorMessage(`Dialogue: the session in ${session.dir} could not be closed (${describeError(err)}). Run "Dialogue: Audit Sessions" or recover it later.`);
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
