import { hostSource } from './hostSource';
import { PanelApp } from './panelApp';
import { SessionSummary, summarisedTarget } from './sessionSummary';

// The panel's entry (dist/webview.js): the live or replayed session comes from the VS Code host. Standalone
// pages (export, site) use viewerMain.ts, the same renderer fed from data embedded in the page.
const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
const source = hostSource();
const app = new PanelApp(root, source.bridge, document.body.dataset.title ?? 'Dialogue Panel');
const summary = new SessionSummary();
const { button, dialog } = summary.dialogButton();
root.querySelector('.panel-header')?.append(button);
root.append(dialog);
source.connect(summarisedTarget(app, summary));
