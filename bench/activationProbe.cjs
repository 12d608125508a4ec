// Child process for footprint.activation_ms: loads the production dist/extension.js (its `require('vscode')`
// resolves to bench/vscodeStub.cjs, installed as node_modules/vscode next to the bundle) and calls
// activate(). Prints one JSON line: {"requireMs": .., "activateMs": ..}.
'use strict';
const path = require('node:path');

const dist = process.argv[2];
const memento = { get: (_k, fallback) => fallback, update: () => Promise.resolve(), keys: () => [] };
const context = {
  subscriptions: [],
  secrets: { get: () => Promise.resolve(undefined), store: () => Promise.resolve(), delete: () => Promise.resolve(), onDidChange: () => ({ dispose() {} }) },
  workspaceState: memento,
  globalState: { ...memento, setKeysForSync() {} },
  extension: { packageJSON: { version: '0.0.0-bench' }, id: 'dialogue-research.dialogue-panel' },
  extensionUri: { fsPath: path.dirname(dist), path: path.dirname(dist), scheme: 'file', toString: () => `file://${path.dirname(dist)}` },
  extensionPath: path.dirname(dist),
  logUri: { fsPath: path.dirname(dist) },
};

const t0 = performance.now();
const extension = require(path.join(dist, 'extension.js'));
const t1 = performance.now();
extension.activate(context);
const t2 = performance.now();
process.stdout.write(`${JSON.stringify({ requireMs: t1 - t0, activateMs: t2 - t1 })}\n`);
// activate() starts background work (reading the characters folder); it is not part of activation time.
setTimeout(() => process.exit(0), 50);
