// A stand-in for the `vscode` module, used ONLY to time loading and activating dist/extension.js outside
// VS Code (footprint.activation_ms). Every API is an inert proxy: calls return disposables, prompts resolve
// to "dismissed", settings return their defaults. It answers nothing the way VS Code would beyond that.
'use strict';
const path = require('node:path');

function inert(name) {
  const target = function () {};
  const assigned = new Map(); // `item.text = ...` must stick and must not hit the function's read-only props
  return new Proxy(target, {
    get(_t, prop) {
      if (assigned.has(prop)) return assigned.get(prop);
      if (prop === 'then') return undefined; // not a promise: `await x` must not hang
      if (prop === Symbol.toPrimitive) return () => `[vscode stub ${name}]`;
      if (prop === Symbol.iterator) return function* () {};
      if (prop === 'dispose') return () => undefined;
      return inert(`${name}.${String(prop)}`);
    },
    set(_t, prop, value) {
      assigned.set(prop, value);
      return true;
    },
    apply: () => inert(`${name}()`),
    construct: () => inert(`new ${name}`),
  });
}

const dismissed = () => Promise.resolve(undefined);
const uri = (fsPath) => ({ fsPath, path: fsPath, scheme: 'file', toString: () => `file://${fsPath}`, with: () => uri(fsPath) });
const workspaceRoot = process.env.DP_STUB_WORKSPACE;
const vscode = {
  Uri: { file: uri, joinPath: (base, ...parts) => uri(path.join(base.fsPath, ...parts)), parse: (s) => uri(s.replace(/^file:\/\//, '')) },
  workspace: {
    workspaceFolders: workspaceRoot ? [{ uri: uri(workspaceRoot), name: 'bench', index: 0 }] : undefined,
    getConfiguration: () => ({ get: (_key, fallback) => fallback, has: () => false, inspect: () => undefined, update: dismissed }),
    asRelativePath: (p) => (typeof p === 'string' ? p : p.fsPath),
  },
  window: {
    showInformationMessage: dismissed,
    showWarningMessage: dismissed,
    showErrorMessage: dismissed,
    showQuickPick: dismissed,
    showInputBox: dismissed,
  },
  commands: { executeCommand: dismissed },
};

// esbuild's CommonJS interop copies the module's own property names, so every namespace and class the
// extension might touch must exist as a real property; anything not modelled above is inert.
const NAMES = [
  'languages', 'env', 'extensions', 'tasks', 'debug', 'scm', 'authentication', 'l10n', 'chat', 'lm',
  'EventEmitter', 'Disposable', 'Diagnostic', 'DiagnosticSeverity', 'Range', 'Position', 'Selection', 'Location',
  'RelativePattern', 'ViewColumn', 'StatusBarAlignment', 'ThemeColor', 'ThemeIcon', 'ConfigurationTarget',
  'ProgressLocation', 'QuickPickItemKind', 'TreeItem', 'TreeItemCollapsibleState', 'MarkdownString',
  'CancellationTokenSource', 'FileType', 'WorkspaceEdit', 'TextEdit', 'CodeAction', 'CodeActionKind', 'ExtensionMode',
  'ColorThemeKind', 'UIKind', 'LogLevel',
];
const nested = (ns, name) => new Proxy(ns, { get: (o, p) => (p in o ? o[p] : inert(`vscode.${name}.${String(p)}`)) });
for (const name of Object.keys(vscode)) vscode[name] = nested(vscode[name], name);
for (const name of NAMES) if (!(name in vscode)) vscode[name] = inert(`vscode.${name}`);

module.exports = vscode;
