import * as vscode from 'vscode';
import type { PanelManager } from './panels';
import { PANEL_VIEW_TYPE } from './panels';

/**
 * Brings panels back after a window reload. VS Code keeps the tab and the webview's saved state; which
 * session the tab showed is in the workspace Memento (see openPanels.ts), so the manager can match them.
 */
export function registerPanelSerializer(panels: PanelManager): vscode.Disposable {
  const serializer: vscode.WebviewPanelSerializer = {
    deserializeWebviewPanel: (panel, state) => panels.restore(panel, state),
  };
  return vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, serializer);
}
