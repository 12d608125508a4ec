import * as vscode from 'vscode';
import { formatUsd } from '../../engine/cost/costMeter';
import { describeMeter } from './panelMeter';
import type { PanelManager } from './panels';

/** The command the status bar item runs: reveals the active panel (internal, not in the palette). */
export const SHOW_PANEL_COMMAND = 'dialogue.showPanel';

/**
 * The running cost of the active panel's session, with its context and cache warmth in the tooltip; hidden
 * while no panel is open. Updates whenever a panel reports a change (each call, and the cache going cold).
 */
export class CostStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('dialogue.cost', vscode.StatusBarAlignment.Right, 100);
  private readonly subscription: vscode.Disposable;

  constructor(private readonly panels: PanelManager) {
    this.item.name = 'Dialogue session cost';
    this.item.command = SHOW_PANEL_COMMAND;
    this.subscription = panels.onDidChange(() => this.update());
    this.update();
  }

  update(): void {
    const entry = this.panels.active();
    if (!entry) {
      this.item.hide();
      return;
    }
    const c = entry.controller;
    const cost = formatUsd(c.totalUsd());
    this.item.text = `$(comment-discussion) ${cost}`;
    const meter = c.currentMeter();
    const budget = meter?.budgetUsd != null ? ` of a ${formatUsd(meter.budgetUsd)} budget` : '';
    const figures = meter ? `\n${describeMeter(meter, Date.now(), formatUsd)}` : '';
    this.item.tooltip = `${c.title}: ${cost} so far${budget}${c.readOnly ? ' (closed)' : ''}.${figures}\nClick to show the panel.`;
    this.item.accessibilityInformation = { label: `Dialogue session cost ${cost}` };
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
