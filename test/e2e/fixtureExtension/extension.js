// Throwaway extension that exists only to prove the e2e harness (test/e2e/): one command that opens
// one webview, a host<->webview round trip, and a serializer so a window reload restores the panel.
// Plain JavaScript so it needs no build step.
'use strict';
const vscode = require('vscode');
const crypto = require('node:crypto');

const VIEW_TYPE = 'fixture.hello';

/** @type {vscode.WebviewPanel | undefined} */
let currentPanel;
let helloCount = 0;

function html(webview, restoredCount) {
  const nonce = crypto.randomBytes(16).toString('base64');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<style nonce="${nonce}">body { font-family: sans-serif; padding: 1em; } button { font-size: 1.1em; }</style>
</head>
<body>
<h1>Hello from the fixture</h1>
<button id="hello">Say hello</button>
<p role="status" id="reply">${restoredCount === undefined ? 'Waiting' : `Restored after ${restoredCount} hello(s)`}</p>
<script nonce="${nonce}">
  const vscode = acquireVsCodeApi();
  const state = vscode.getState() || { count: 0 };
  document.getElementById('hello').addEventListener('click', () => {
    state.count += 1;
    vscode.setState(state);
    vscode.postMessage({ type: 'hello', count: state.count });
  });
  window.addEventListener('message', (event) => {
    if (event.data && event.data.type === 'reply') document.getElementById('reply').textContent = event.data.text;
  });
</script>
</body>
</html>`;
}

function wire(panel, restoredCount) {
  currentPanel = panel;
  panel.webview.options = { enableScripts: true };
  panel.webview.html = html(panel.webview, restoredCount);
  panel.webview.onDidReceiveMessage((message) => {
    if (message && message.type === 'hello') {
      helloCount += 1;
      panel.webview.postMessage({ type: 'reply', text: `Host replied: hello ${message.count}` });
    }
  });
  panel.onDidDispose(() => {
    if (currentPanel === panel) currentPanel = undefined;
  });
}

function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('fixture.openHello', () => {
      if (currentPanel) {
        currentPanel.reveal();
      } else {
        wire(vscode.window.createWebviewPanel(VIEW_TYPE, 'Fixture Hello', vscode.ViewColumn.One, { enableScripts: true }));
      }
      return { viewType: VIEW_TYPE, title: currentPanel.title };
    }),
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      async deserializeWebviewPanel(panel, state) {
        wire(panel, state && typeof state.count === 'number' ? state.count : 0);
      },
    }),
  );
  // Read by the in-host suite through `extension.exports`.
  return {
    helloCount: () => helloCount,
    hasPanel: () => currentPanel !== undefined,
    greetingFromEnv: () => process.env.FIXTURE_GREETING,
  };
}

function deactivate() {}

module.exports = { activate, deactivate };
