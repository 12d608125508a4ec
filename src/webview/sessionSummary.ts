import type { HostMessage } from '../protocol';
import { costChart, shareChart } from './charts';
import { el } from './elements';
import { MemberDirectory } from './members';
import type { SessionEvent } from './sessionEvent';
import { SessionStats } from './sessionStats';
import type { SessionTarget } from './sessionSource';

/**
 * The session in pictures (cost by turn, who spoke and led, passes). It watches the same validated messages
 * the panel gets, so it needs nothing from the panel's internals, and renders on demand: the live panel
 * opens it as a dialog, the export shows it in the page.
 */
export class SessionSummary {
  private readonly stats = new SessionStats();
  private readonly members = new MemberDirectory();

  observe(msg: HostMessage): void {
    if (msg.type === 'init') {
      this.stats.reset();
      this.members.remember(msg.library);
      this.members.remember(msg.cast);
      for (const ev of msg.events) this.stats.add(ev);
    } else if (msg.type === 'event') {
      this.stats.add(msg.event);
    } else if (msg.type === 'cast') {
      this.members.remember(msg.library);
      this.members.remember(msg.cast);
    }
  }

  /** The rest of a history delivered after `init`. */
  observeHistory(events: readonly SessionEvent[]): void {
    for (const ev of events) this.stats.add(ev);
  }

  /** Fresh charts of everything observed so far. */
  render(): HTMLElement {
    return el('div', { class: 'summary-charts' },
      costChart(this.stats.turnCosts()),
      shareChart(this.stats.characters(), this.members));
  }

  /** The live panel's "Summary" button and the dialog it opens (charts rebuilt each time it opens). */
  dialogButton(): { button: HTMLButtonElement; dialog: HTMLDialogElement } {
    const body = el('div', { class: 'summary-body' });
    const close = el('button', { type: 'button', class: 'summary-close', 'aria-label': 'Close summary' }, '✕');
    const dialog = el('dialog', { class: 'summary-dialog', 'aria-labelledby': 'summary-title' },
      el('div', { class: 'summary-head' }, el('h2', { id: 'summary-title' }, 'Session summary'), close), body);
    const button = el('button', { type: 'button', class: 'summary-toggle', title: 'Cost by turn, speaking share, passes' }, 'Summary');
    button.addEventListener('click', () => {
      body.replaceChildren(this.render());
      dialog.showModal();
    });
    close.addEventListener('click', () => dialog.close());
    return { button, dialog };
  }
}

/** What a session source feeds: the panel renderer, with the summary seeing every message and history slice first. */
export function summarisedTarget(app: SessionTarget, summary: SessionSummary): SessionTarget {
  return {
    handle: (msg) => {
      summary.observe(msg);
      app.handle(msg);
    },
    appendHistory: (events) => {
      summary.observeHistory(events);
      app.appendHistory(events);
    },
  };
}
