import type { BannerAction, Meter } from '../protocol';
import type { SessionEvent } from './sessionEvent';
import { el, formatTokens, setShown } from './elements';
import { contextPercent, CONTEXT_WARN_SHARE } from './meterStrip';

const ACTION_LABELS: Record<BannerAction, string> = {
  setApiKey: 'Set API key',
  tryDemo: 'Try the demo',
  retry: 'Retry',
  openSettings: 'Open settings',
  continueSession: 'Continue this session',
  raiseBudget: 'Raise budget',
  carryOver: 'Carry over to a fresh session',
  editRefused: 'Edit your line',
  retryRefused: 'Try again',
  fallbackModel: 'Try on another model',
};

const STATUS_NAMES: Record<number, string> = { 429: 'Rate limited', 529: 'Overloaded', 500: 'Server error', 503: 'Unavailable' };

type ContextLevel = 'warn' | 'full';

/**
 * Banners (errors and warnings with the action that fixes them; dismissible, cleared by the host), the
 * context banner raised from the meter (past 80% of the window, with Carry over), and the one transient
 * status line used for "retrying in 2 s" while the engine waits out a 429/529.
 *
 * The host sends its own context warning once, when the engine first notices; the meter keeps saying so
 * after a reload too. Only one of the two is ever shown: a host banner offering Carry over replaces the
 * meter's, and counts as that level's warning having been given.
 */
export class Notices {
  readonly banners = el('section', { class: 'banners', 'aria-label': 'Notices' });
  readonly status = el('div', { class: 'transient', role: 'status', hidden: true });
  private statusTimer: ReturnType<typeof setTimeout> | null = null;
  private contextBanner: HTMLElement | null = null;
  private contextLevel: ContextLevel | null = null;
  /** A dismissed context banner stays away until the context reaches the next level. */
  private dismissedLevel: ContextLevel | null = null;
  private answering = false;

  constructor(
    private readonly onAction: (action: BannerAction) => void,
    private readonly onCarryOver: () => void,
    /** Where focus goes when a banner it was in goes away (else it would fall to <body>). */
    private readonly focusHome: () => void,
  ) {}

  /** Removes a banner; if focus was in it, focus moves to the next banner's first button, or home. */
  private removeBanner(box: HTMLElement): void {
    const hadFocus = box.contains(document.activeElement);
    const next = box.nextElementSibling ?? box.previousElementSibling;
    box.remove();
    if (!hadFocus) return;
    const button = next?.querySelector<HTMLElement>('button:not(:disabled)');
    if (button) button.focus();
    else this.focusHome();
  }

  /** Raises, updates or removes the context banner for this meter (null: a new session, forget dismissals). */
  contextWarning(meter: Meter | null, readOnly: boolean): void {
    const pct = contextPercent(meter);
    const level: ContextLevel | null = pct === null || readOnly ? null : pct >= 100 ? 'full' : pct >= CONTEXT_WARN_SHARE * 100 ? 'warn' : null;
    if (meter === null) this.dismissedLevel = null;
    this.contextLevel = level;
    if (level === null || level === this.dismissedLevel || this.hostOffersCarryOver()) {
      this.removeContextBanner();
      return;
    }
    const window = formatTokens(meter!.contextWindow!);
    const text = level === 'full'
      ? `The context is full (${formatTokens(meter!.contextTokens)} of ${window} tokens): the next turn would be refused. Carry the session over to go on.`
      : `The context is ${pct}% full (${formatTokens(meter!.contextTokens)} of ${window} tokens). Carry the session over to a fresh one before it runs out.`;
    if (this.contextBanner?.dataset.level === level) {
      this.contextBanner.querySelector('.banner-text')!.textContent = text;
      return;
    }
    this.removeContextBanner();
    const carry = el('button', { type: 'button', class: 'banner-action', 'data-action': 'carryOver', disabled: this.answering }, ACTION_LABELS.carryOver);
    carry.addEventListener('click', () => this.onCarryOver());
    const dismiss = el('button', { type: 'button', class: 'banner-dismiss', 'aria-label': 'Dismiss', title: 'Dismiss' }, '✕');
    const box = el('div', { class: `banner ${level === 'full' ? 'error' : 'warning'} context-banner`, role: 'status', 'data-level': level },
      el('span', { class: 'banner-icon', 'aria-hidden': 'true' }, '⚠'), el('span', { class: 'banner-text' }, text), carry, dismiss);
    dismiss.addEventListener('click', () => {
      this.dismissedLevel = level;
      this.removeBanner(box);
      this.contextBanner = null;
    });
    this.contextBanner = box;
    this.banners.prepend(box);
  }

  private hostOffersCarryOver(): boolean {
    return this.banners.querySelector('.banner:not(.context-banner) [data-action="carryOver"]') !== null;
  }

  private removeContextBanner(): void {
    this.contextBanner?.remove();
    this.contextBanner = null;
  }

  /** Carry over cannot start while the panel answers. */
  setAnswering(answering: boolean): void {
    this.answering = answering;
    for (const carry of this.banners.querySelectorAll<HTMLButtonElement>('[data-action="carryOver"]')) carry.disabled = answering;
  }

  banner(level: 'error' | 'warning' | 'info', message: string, actions: readonly BannerAction[]): void {
    // The same message twice (e.g. a retried call failing again) stays one banner.
    for (const old of this.banners.querySelectorAll<HTMLElement>('.banner')) {
      if (old.dataset.message === message) old.remove();
    }
    const box = el('div', { class: `banner ${level}`, role: level === 'error' ? 'alert' : 'status', 'data-message': message },
      el('span', { class: 'banner-icon', 'aria-hidden': 'true' }, level === 'info' ? 'ℹ' : '⚠'),
      el('span', { class: 'banner-text' }, message));
    if (actions.includes('carryOver')) {
      this.removeContextBanner();
      this.dismissedLevel = this.contextLevel ?? 'warn';
    }
    for (const action of actions) {
      const button = el('button', {
        type: 'button', class: 'banner-action', 'data-action': action, disabled: action === 'carryOver' && this.answering,
      }, ACTION_LABELS[action]);
      button.addEventListener('click', () => this.onAction(action));
      box.append(button);
    }
    const dismiss = el('button', { type: 'button', class: 'banner-dismiss', 'aria-label': 'Dismiss', title: 'Dismiss' }, '✕');
    dismiss.addEventListener('click', () => this.removeBanner(box));
    box.append(dismiss);
    this.banners.append(box);
  }

  /** The host's banners; the context banner follows the meter, not the host. */
  clearBanners(): void {
    for (const b of this.banners.querySelectorAll('.banner:not(.context-banner)')) b.remove();
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
