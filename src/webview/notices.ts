import type { BannerAction } from '../protocol';
import type { SessionEvent } from './sessionEvent';
import { el, setShown } from './elements';

const ACTION_LABELS: Record<BannerAction, string> = {
  setApiKey: 'Set API key',
  retry: 'Retry',
  openSettings: 'Open settings',
  continueSession: 'Continue this session',
  raiseBudget: 'Raise budget',
};

const STATUS_NAMES: Record<number, string> = { 429: 'Rate limited', 529: 'Overloaded', 500: 'Server error', 503: 'Unavailable' };

/**
 * Banners (errors and warnings with the action that fixes them; dismissible, cleared by the host) and the
 * one transient status line used for "retrying in 2 s" while the engine waits out a 429/529.
 */
export class Notices {
  readonly banners = el('div', { class: 'banners' });
  readonly status = el('div', { class: 'transient', role: 'status', hidden: true });
  private statusTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly onAction: (action: BannerAction) => void) {}

  banner(level: 'error' | 'warning' | 'info', message: string, actions: readonly BannerAction[]): void {
    // The same message twice (e.g. a retried call failing again) stays one banner.
    for (const old of this.banners.querySelectorAll<HTMLElement>('.banner')) {
      if (old.dataset.message === message) old.remove();
    }
    const box = el('div', { class: `banner ${level}`, role: level === 'error' ? 'alert' : 'status', 'data-message': message },
      el('span', { class: 'banner-icon', 'aria-hidden': 'true' }, level === 'info' ? 'ℹ' : '⚠'),
      el('span', { class: 'banner-text' }, message));
    for (const action of actions) {
      const button = el('button', { type: 'button', class: 'banner-action', 'data-action': action }, ACTION_LABELS[action]);
      button.addEventListener('click', () => this.onAction(action));
      box.append(button);
    }
    const dismiss = el('button', { type: 'button', class: 'banner-dismiss', 'aria-label': 'Dismiss', title: 'Dismiss' }, '✕');
    dismiss.addEventListener('click', () => box.remove());
    box.append(dismiss);
    this.banners.append(box);
  }

  clearBanners(): void {
    this.banners.replaceChildren();
  }

  /** "Overloaded (529) — retrying in 2 s, attempt 2"; it goes away when the wait is over or output arrives. */
  retry(ev: Extract<SessionEvent, { type: 'retry' }>): void {
    const what = STATUS_NAMES[ev.status] ?? (ev.status >= 500 ? 'Server error' : 'Request failed');
    const secs = Math.max(1, Math.round(ev.wait_ms / 1000));
    this.status.textContent = `${what} (${ev.status}) — retrying in ${secs} s, attempt ${ev.attempt}`;
    setShown(this.status, true);
    if (this.statusTimer) clearTimeout(this.statusTimer);
    this.statusTimer = setTimeout(() => this.clearStatus(), ev.wait_ms + 3000);
  }

  clearStatus(): void {
    if (this.status.hidden) return;
    if (this.statusTimer) clearTimeout(this.statusTimer);
    this.statusTimer = null;
    setShown(this.status, false);
    this.status.textContent = '';
  }
}
