import Module from 'node:module';
import * as path from 'node:path';
import * as os from 'node:os';
import { MemoryMemento, MemorySecrets } from './extensionFakes';

/**
 * Just enough of the `vscode` API for the extension to activate in plain Node: commands run, panels and
 * status bar items are recorded objects, dialogs answer from a script. The real window is the e2e suite's
 * job; this catches wiring mistakes in seconds.
 */

type Listener<T> = (e: T) => unknown;

export class EventEmitter<T> {
  private listeners = new Set<Listener<T>>();
  readonly event = (l: Listener<T>): { dispose(): void } => {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export class Uri {
  private constructor(readonly fsPath: string) {}
  get path(): string {
    return this.fsPath;
  }
  static file(p: string): Uri {
    return new Uri(path.resolve(p));
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(path.join(base.fsPath, ...parts));
  }
  toString(): string {
    return `file://${this.fsPath}`;
  }
}

export class Range {
  constructor(readonly startLine: number, readonly startCharacter: number, readonly endLine: number, readonly endCharacter: number) {}
}
export class Diagnostic {
  source?: string;
  constructor(readonly range: Range, readonly message: string, readonly severity: number) {}
}
export class RelativePattern {
  constructor(readonly base: Uri, readonly pattern: string) {}
}

export class FakeWebviewPanel {
  readonly posted: unknown[] = [];
  readonly received = new EventEmitter<unknown>();
  readonly disposed = new EventEmitter<void>();
  readonly viewState = new EventEmitter<{ webviewPanel: FakeWebviewPanel }>();
  active = true;
  revealed = 0;
  readonly webview = {
    options: {} as unknown,
    html: '',
    cspSource: "'self' https://*.vscode-cdn.net",
    asWebviewUri: (u: Uri) => u,
    postMessage: (m: unknown) => {
      this.posted.push(JSON.parse(JSON.stringify(m)));
      return Promise.resolve(true);
    },
    onDidReceiveMessage: this.received.event,
  };
  readonly onDidDispose = this.disposed.event;
  readonly onDidChangeViewState = this.viewState.event;
  constructor(readonly viewType: string, public title: string, readonly options: unknown) {}
  reveal(): void {
    this.revealed++;
  }
  dispose(): void {
    this.disposed.fire();
  }
  /** As the webview would: a message to the host. */
  send(msg: unknown): void {
    this.received.fire(msg);
  }
}

/**
 * A quick pick made with createQuickPick, as the researcher meets it: the test ticks items (`selectedItems`) and
 * presses Enter (`accept`) or Esc (`hide`); `shown` says whether it is still open.
 */
export class FakeQuickPick<T = { label: string }> {
  title: string | undefined;
  placeholder: string | undefined;
  value = '';
  items: readonly T[] = [];
  selectedItems: readonly T[] = [];
  canSelectMany = false;
  matchOnDescription = false;
  matchOnDetail = false;
  ignoreFocusOut = false;
  shown = false;
  disposed = false;
  private readonly accepted = new EventEmitter<void>();
  private readonly hidden = new EventEmitter<void>();
  readonly onDidAccept = this.accepted.event;
  readonly onDidHide = this.hidden.event;
  constructor(private readonly onShow: (qp: FakeQuickPick<T>) => void) {}
  show(): void {
    this.shown = true;
    this.onShow(this);
  }
  /** Enter. */
  accept(): void {
    this.accepted.fire();
  }
  /** Esc, or the code hiding it. */
  hide(): void {
    if (!this.shown) return;
    this.shown = false;
    this.hidden.fire();
  }
  dispose(): void {
    this.hide();
    this.disposed = true;
  }
}

/** Scripted answers for dialogs, and a record of every message shown. */
export interface FakeVscodeState {
  config: Record<string, unknown>;
  workspaceFolder: string | undefined;
  /** `detail` and `modal` come from a message box's options object, when it had one. */
  messages: Array<{ level: string; text: string; detail?: string; modal?: boolean }>;
  panels: FakeWebviewPanel[];
  statusBar: { text: string; visible: boolean; tooltip?: string };
  commands: Map<string, (...args: unknown[]) => unknown>;
  contextKeys: Map<string, unknown>;
  diagnostics: Map<string, Map<string, Diagnostic[]>>;
  serializers: Map<string, { deserializeWebviewPanel(p: FakeWebviewPanel, state: unknown): Promise<void> }>;
  logLines: string[];
  watchers: Array<{ fire(kind: 'create' | 'change' | 'delete', uri: Uri): void }>;
  /** `workspace.isTrusted`; `grantTrust()` flips it and fires the event, as the trust dialog would. */
  trusted: boolean;
  /** Picks a button for a message box (undefined = dismissed). */
  answer: (text: string, buttons: string[]) => string | undefined;
  /** Answers showQuickPick with one of its items (undefined = dismissed). */
  pick: <T>(items: readonly T[], options: Record<string, unknown>) => T | undefined;
  /** Answers showInputBox (undefined = dismissed). */
  input: (options: { value?: string; title?: string; validateInput?: (v: string) => unknown }) => string | undefined;
  /** Every withProgress notification: its title, the reports, and a cancel() that fires its token. */
  progress: Array<{ title: string; reports: Array<{ message?: string; increment?: number }>; cancel(): void }>;
  /** Called when a createQuickPick pick is shown: drive it (tick, accept, hide), now or later. */
  quickPick: (qp: FakeQuickPick<{ label: string }>) => void;
  /** Every pick createQuickPick made, in order. */
  quickPicks: Array<FakeQuickPick<{ label: string }>>;
  /** Answers showOpenDialog with file paths (undefined = dismissed). */
  open: (options: Record<string, unknown>) => string[] | undefined;
  /** Answers showSaveDialog with a file path (undefined = dismissed). */
  save: (options: Record<string, unknown>) => string | undefined;
  /** Other extensions by id, as `extensions.getExtension` finds them (e.g. a stand-in for `vscode.git`). */
  extensions: Map<string, { isActive: boolean; exports: unknown; activate(): Promise<unknown> }>;
  /** Every URI passed to `env.openExternal`, as a string. */
  external: string[];
}

export function createFakeVscode() {
  const state: FakeVscodeState = {
    config: {}, workspaceFolder: undefined, messages: [], panels: [], statusBar: { text: '', visible: false },
    commands: new Map(), contextKeys: new Map(), diagnostics: new Map(), serializers: new Map(), logLines: [], watchers: [], trusted: true,
    answer: () => undefined,
    pick: () => undefined,
    input: () => undefined,
    progress: [],
    quickPick: (qp) => qp.hide(),
    quickPicks: [],
    open: () => undefined,
    save: () => undefined,
    extensions: new Map(),
    external: [],
  };
  const configChanged = new EventEmitter<{ affectsConfiguration(s: string): boolean }>();
  const trustGranted = new EventEmitter<void>();
  const show = (level: string) => (text: string, ...rest: unknown[]) => {
    const options = rest.find((r): r is { detail?: string; modal?: boolean } => typeof r === 'object' && r !== null);
    state.messages.push({ level, text, ...(options?.detail !== undefined ? { detail: options.detail } : {}), ...(options?.modal ? { modal: true } : {}) });
    const buttons = rest.filter((r): r is string => typeof r === 'string');
    return Promise.resolve(state.answer(text, buttons));
  };
  const logAt = (level: string) => (m: unknown) => state.logLines.push(`${level}: ${String(m)}`);
  const api = {
    EventEmitter, Uri, Range, Diagnostic, RelativePattern,
    DiagnosticSeverity: { Error: 0, Warning: 1 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ViewColumn: { Active: -1 },
    ProgressLocation: { Notification: 15 },
    Disposable: { from: (...ds: Array<{ dispose(): unknown }>) => ({ dispose: () => ds.forEach((d) => d.dispose()) }) },
    window: {
      activeTextEditor: undefined,
      onDidChangeActiveTextEditor: new EventEmitter<unknown>().event,
      withProgress: <T>(options: { title?: string }, task: (p: { report(v: { message?: string; increment?: number }): void }, token: { onCancellationRequested(l: () => void): { dispose(): void } }) => Promise<T>) => {
        const cancelled = new EventEmitter<void>();
        const entry = { title: options.title ?? '', reports: [] as Array<{ message?: string; increment?: number }>, cancel: () => cancelled.fire() };
        state.progress.push(entry);
        return task({ report: (v) => void entry.reports.push(v) }, { onCancellationRequested: (l) => cancelled.event(l) });
      },
      createOutputChannel: () => ({
        trace: logAt('trace'), debug: logAt('debug'), info: logAt('info'), warn: logAt('warn'), error: logAt('error'), dispose: () => undefined,
      }),
      createStatusBarItem: () => {
        const item = { text: '', tooltip: '', name: '', command: '', accessibilityInformation: {}, show: () => undefined, hide: () => undefined, dispose: () => undefined };
        item.show = () => {
          state.statusBar = { text: item.text, visible: true, tooltip: item.tooltip };
        };
        item.hide = () => {
          state.statusBar = { text: item.text, visible: false, tooltip: item.tooltip };
        };
        return item;
      },
      createWebviewPanel: (viewType: string, title: string, _column: unknown, options: unknown) => {
        const panel = new FakeWebviewPanel(viewType, title, options);
        state.panels.push(panel);
        return panel;
      },
      registerWebviewPanelSerializer: (viewType: string, s: { deserializeWebviewPanel(p: FakeWebviewPanel, state: unknown): Promise<void> }) => {
        state.serializers.set(viewType, s);
        return { dispose: () => state.serializers.delete(viewType) };
      },
      showInformationMessage: show('info'),
      showWarningMessage: show('warning'),
      showErrorMessage: show('error'),
      showInputBox: (options: Parameters<FakeVscodeState['input']>[0]) => Promise.resolve(state.input(options ?? {})),
      showOpenDialog: (options?: Record<string, unknown>) => Promise.resolve(state.open(options ?? {})?.map((f) => Uri.file(f))),
      showSaveDialog: (options?: Record<string, unknown>) => Promise.resolve(((f) => (f === undefined ? undefined : Uri.file(f)))(state.save(options ?? {}))),
      showQuickPick: <T>(items: readonly T[] | Promise<readonly T[]>, options?: Record<string, unknown>) =>
        Promise.resolve(items).then((list) => state.pick(list, options ?? {})),
      createQuickPick: () => {
        const qp = new FakeQuickPick<{ label: string }>((shown) => state.quickPick(shown));
        state.quickPicks.push(qp);
        return qp;
      },
      showTextDocument: (uri: Uri) => {
        state.messages.push({ level: 'opened', text: uri.fsPath });
        return Promise.resolve(undefined);
      },
    },
    workspace: {
      get workspaceFolders() {
        return state.workspaceFolder ? [{ uri: Uri.file(state.workspaceFolder), name: 'ws', index: 0 }] : undefined;
      },
      getConfiguration: () => ({ get: <T>(key: string) => state.config[key] as T | undefined }),
      onDidChangeConfiguration: configChanged.event,
      get isTrusted() {
        return state.trusted;
      },
      onDidGrantWorkspaceTrust: trustGranted.event,
      onDidChangeWorkspaceFolders: new EventEmitter<void>().event,
      onDidSaveTextDocument: new EventEmitter<unknown>().event,
      textDocuments: [],
      asRelativePath: (p: string) => (state.workspaceFolder ? path.relative(state.workspaceFolder, p) : p),
      createFileSystemWatcher: () => {
        const create = new EventEmitter<Uri>();
        const change = new EventEmitter<Uri>();
        const del = new EventEmitter<Uri>();
        state.watchers.push({ fire: (kind, uri) => (kind === 'create' ? create : kind === 'change' ? change : del).fire(uri) });
        return { onDidCreate: create.event, onDidChange: change.event, onDidDelete: del.event, dispose: () => undefined };
      },
    },
    extensions: {
      getExtension: (id: string) => state.extensions.get(id),
    },
    env: {
      openExternal: (uri: Uri) => {
        state.external.push(uri.toString());
        return Promise.resolve(true);
      },
    },
    languages: {
      createDiagnosticCollection: (name: string) => {
        const files = new Map<string, Diagnostic[]>();
        state.diagnostics.set(name, files);
        return { set: (uri: Uri, d: Diagnostic[]) => files.set(uri.fsPath, d), clear: () => files.clear(), dispose: () => files.clear() };
      },
    },
    commands: {
      registerCommand: (id: string, run: (...args: unknown[]) => unknown) => {
        if (state.commands.has(id)) throw new Error(`command ${id} registered twice`);
        state.commands.set(id, run);
        return { dispose: () => state.commands.delete(id) };
      },
      executeCommand: async (id: string, ...args: unknown[]) => {
        if (id === 'setContext') {
          state.contextKeys.set(String(args[0]), args[1]);
          return undefined;
        }
        const run = state.commands.get(id);
        if (!run) return undefined; // a built-in command: nothing to do here
        return run(...args);
      },
    },
  };
  /** Changes settings as the user would and fires the configuration event. */
  const setConfig = (values: Record<string, unknown>): void => {
    Object.assign(state.config, values);
    configChanged.fire({ affectsConfiguration: (s: string) => s === 'dialogue' || Object.keys(values).some((k) => `dialogue.${k}`.startsWith(s)) });
  };
  const grantTrust = (): void => {
    state.trusted = true;
    trustGranted.fire();
  };
  /** Runs a command the extension registered, as the palette would; fails when it is not registered. */
  const run = <T>(id: string, ...args: unknown[]): Promise<T> => {
    const command = state.commands.get(id);
    if (!command) throw new Error(`${id} is not registered`);
    return Promise.resolve(command(...args) as T);
  };
  return { api, state, setConfig, grantTrust, run };
}

export type FakeVscode = ReturnType<typeof createFakeVscode>;

/**
 * An ExtensionContext with in-memory storage; pass the same memento to simulate a window reload. Its global
 * storage is a folder under the system's temp folder (created on first write, as VS Code's is).
 */
export function fakeContext(extensionPath: string, workspaceState = new MemoryMemento(), secrets = new MemorySecrets(), globalStorage = path.join(os.tmpdir(), `dp-global-storage-${process.pid}-${++contexts}`)) {
  const changed = new EventEmitter<{ key: string }>();
  const secretStorage = {
    get: (k: string) => secrets.get(k),
    store: async (k: string, v: string) => {
      await secrets.store(k, v);
      changed.fire({ key: k });
    },
    delete: async (k: string) => {
      await secrets.delete(k);
      changed.fire({ key: k });
    },
    onDidChange: changed.event,
  };
  const subscriptions: Array<{ dispose(): unknown }> = [];
  return {
    context: {
      subscriptions,
      secrets: secretStorage,
      workspaceState,
      extensionUri: Uri.file(extensionPath),
      globalStorageUri: Uri.file(globalStorage),
      extension: { packageJSON: { version: '0.0.0-test' } },
    },
    dispose: () => {
      for (const d of subscriptions.splice(0)) d.dispose();
    },
  };
}

let contexts = 0;
const FAKE_ID = path.join(__dirname, '__fake_vscode__.js');
type Resolver = (request: string, ...rest: unknown[]) => string;
const moduleInternals = Module as unknown as { _resolveFilename: Resolver; _cache: Record<string, unknown> };

/** Makes `require('vscode')` return `api` until the returned function is called. */
export function installFakeVscode(api: object): () => void {
  const original = moduleInternals._resolveFilename;
  moduleInternals._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    return request === 'vscode' ? FAKE_ID : original.call(this, request, ...rest);
  };
  moduleInternals._cache[FAKE_ID] = { id: FAKE_ID, filename: FAKE_ID, loaded: true, exports: api, children: [], paths: [] };
  return () => {
    moduleInternals._resolveFilename = original;
    delete moduleInternals._cache[FAKE_ID];
  };
}

/**
 * The extension's modules, evaluated afresh against the fake now installed: a copy cached by an earlier
 * suite would still hold that suite's `vscode`.
 */
export function freshExtension(): { activate(ctx: unknown): void; deactivate(): void } {
  forgetExtension();
  return require('../../../src/extension/extension') as { activate(ctx: unknown): void; deactivate(): void };
}

/** Drops the extension's cached modules, so a later suite loads them against its own fake `vscode`. */
export function forgetExtension(): void {
  const glue = path.join(__dirname, '..', '..', '..', 'src', 'extension') + path.sep;
  for (const id of Object.keys(require.cache)) if (id.startsWith(glue)) delete require.cache[id];
}
