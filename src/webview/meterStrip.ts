import type { Meter } from '../protocol';
import type { SessionEvent } from './sessionEvent';
import { el, formatTokens, formatUsd, setShown } from './elements';

type Ttl = Meter['ttl'];

/** Share of the context window from which carrying over is urged. */
export const CONTEXT_WARN_SHARE = 0.8;

/** Percent of the window used, or null when the window is unknown. */
export function contextPercent(meter: Meter | null): number | null {
  if (!meter?.contextWindow) return null;
  return Math.round((meter.contextTokens / meter.contextWindow) * 100);
}

/**
 * The figures at the end of the roster strip: the session's running cost (and budget), the context meter
 * with its Carry over button (small until the context passes 80%), and the cache's warmth, whose countdown
 * ticks locally between the host's `meter` messages.
 */
export class MeterStrip {
  readonly element = el('div', { class: 'meters' });
  // Each figure is drawn for the eye (aria-hidden) with a sentence beside it for screen readers: "$0.047 / $2.00"
  // and "cache warm 3:12" say little when read out.
  private readonly total = el('span', { class: 'total', title: 'What this session has cost so far', 'aria-hidden': 'true' }, '—');
  private readonly totalText = el('span', { class: 'sr-only total-text' });
  private readonly ctxBar = el('div', {
    class: 'ctx-bar', role: 'meter', 'aria-label': 'Context used', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': 0,
  }, el('div', { class: 'ctx-fill' }));
  private readonly ctxText = el('span', { class: 'ctx-text', 'aria-hidden': 'true' });
  private readonly ctx = el('span', { class: 'ctx', title: 'Context used of the model’s window' }, this.ctxBar, this.ctxText);
  private readonly carry = el('button', {
    type: 'button', class: 'carry-over', title: 'Summarise this session into a fresh one with the same cast',
  }, 'Carry over');
  private readonly cache = el('span', { class: 'cache', 'aria-hidden': 'true' });
  private readonly cacheText = el('span', { class: 'sr-only cache-text' });
  private readonly kept = el('span', { class: 'kept-warm', title: 'Refreshes of the cached context while you were thinking (in the total)' });
  private readonly ttlButtons: Record<Ttl, HTMLButtonElement> = {
    '5m': el('button', { type: 'button', class: 'ttl', 'aria-pressed': 'true', title: 'Cache stays warm 5 minutes' }, '5m'),
    '1h': el('button', { type: 'button', class: 'ttl', 'aria-pressed': 'false', title: 'Cache stays warm 1 hour (dearer writes)' }, '1h'),
  };
  private readonly ttlGroup = el('span', { class: 'ttl-group', role: 'group', 'aria-label': 'Cache lifetime' },
    this.ttlButtons['5m'], this.ttlButtons['1h']);
  // Under auto the TTL setting is not used: the chip shows what auto chose for this gap instead of the toggle.
  private readonly ttlAuto = el('span', { class: 'ttl-auto', 'aria-hidden': 'true' });
  private readonly ttlAutoText = el('span', { class: 'sr-only ttl-auto-text' });
  private knownUsd = 0;
  private unknownCalls = 0;
  private calls = 0;
  private meter: Meter | null = null;
  private ticker: ReturnType<typeof setInterval> | null = null;

  constructor(onTtl: (ttl: Ttl) => void, onCarryOver: () => void) {
    this.carry.addEventListener('click', () => onCarryOver());
    for (const ttl of ['5m', '1h'] as const) {
      this.ttlButtons[ttl].addEventListener('click', () => {
        if (this.meter?.ttl !== ttl) onTtl(ttl);
      });
    }
    this.element.append(this.total, this.totalText, this.ctx, this.carry, this.cache, this.cacheText, this.kept, this.ttlGroup, this.ttlAuto, this.ttlAutoText);
    this.setMeter(null);
  }

  reset(): void {
    this.knownUsd = 0;
    this.unknownCalls = 0;
    this.calls = 0;
    this.renderTotal();
  }

  addCost(ev: Extract<SessionEvent, { type: 'cost' }>): void {
    this.calls++;
    if (ev.usd === null) this.unknownCalls++;
    else this.knownUsd += ev.usd;
    this.renderTotal();
  }

  setMeter(meter: Meter | null): void {
    this.meter = meter;
    setShown(this.ctx, meter !== null);
    this.showTtl();
    if (meter) {
      const used = contextPercent(meter);
      const pct = used === null ? null : Math.min(100, used);
      setShown(this.ctxBar, pct !== null);
      if (pct !== null) {
        this.ctxBar.setAttribute('aria-valuenow', String(pct));
        this.ctxBar.style.setProperty('--fill', `${pct}%`);
        this.ctxBar.classList.toggle('high', pct >= CONTEXT_WARN_SHARE * 100);
      }
      this.carry.classList.toggle('prominent', pct !== null && pct >= CONTEXT_WARN_SHARE * 100);
      this.ctxText.textContent = meter.contextWindow
        ? `${formatTokens(meter.contextTokens)} / ${formatTokens(meter.contextWindow)} · ${pct}%`
        : `${formatTokens(meter.contextTokens)} tokens`;
      if (pct !== null) {
        this.ctxBar.setAttribute('aria-valuetext',
          `${pct}% of the context window: ${formatTokens(meter.contextTokens)} of ${formatTokens(meter.contextWindow!)} tokens`);
      }
      for (const ttl of ['5m', '1h'] as const) this.ttlButtons[ttl].setAttribute('aria-pressed', String(meter.ttl === ttl));
      // The price of switching is shown before the switch: a 1-hour write of the whole context.
      this.ttlButtons['1h'].title = meter.write1hUsd != null
        ? `Cache stays warm 1 hour; writing this context at the 1-hour rate ≈ ${formatUsd(meter.write1hUsd)}`
        : 'Cache stays warm 1 hour (dearer writes)';
    }
    const kept = meter?.keptWarm;
    setShown(this.kept, kept !== undefined);
    this.kept.textContent = kept ? `kept warm ${kept.count}× · ${formatUsd(kept.usd)}` : '';
    this.renderTotal();
    this.tick();
    const warm = meter?.cacheWarmUntil != null && meter.cacheWarmUntil > Date.now();
    if (warm && !this.ticker) this.ticker = setInterval(() => this.tick(), 1000);
  }

  setReadOnly(readOnly: boolean): void {
    this.element.classList.toggle('read-only', readOnly);
    this.showTtl();
    setShown(this.carry, !readOnly);
  }

  /** The TTL toggle (the setting), or under auto the TTL auto chose for this gap; neither on a closed session. */
  private showTtl(): void {
    const m = this.meter;
    const live = m !== null && !this.element.classList.contains('read-only');
    const auto = live ? m.autoTtl : undefined;
    setShown(this.ttlGroup, live && auto === undefined);
    setShown(this.ttlAuto, auto !== undefined);
    this.ttlAuto.textContent = auto ? `${auto} — auto` : '';
    const warm = m?.cacheWarmUntil != null && m.cacheWarmUntil > Date.now();
    const span = auto === '1h' ? '1 hour' : '5 minutes';
    this.ttlAuto.title = !auto ? '' : warm
      ? `auto cached this gap for ${span}, from your think times, the context size and the prices`
      : `auto would cache the next turn for ${span}, from your think times, the context size and the prices`;
    this.ttlAutoText.textContent = auto ? `Cache lifetime chosen by auto: ${span}${warm ? ' for this gap' : ' for the next turn'}.` : '';
  }

  setAnswering(answering: boolean): void {
    this.carry.disabled = answering;
  }

  private tick(): void {
    const m = this.meter;
    const until = m?.cacheWarmUntil ?? null;
    if (!m || until === null) {
      setShown(this.cache, false);
      this.cacheText.textContent = '';
      this.stopTicker();
      return;
    }
    setShown(this.cache, true);
    const left = until - Date.now();
    if (left > 0) {
      const keeping = m.keepingWarm;
      this.cache.className = `cache warm${keeping ? ` ${keeping}` : ''}`;
      this.cache.textContent = `cache warm ${clock(left)}${keeping === 'pinging' ? ' · pinging' : keeping === 'expiring' ? ' · will expire' : ''}`;
      this.cache.title = 'Until then the cached context is read at a tenth of the price'
        + (keeping === 'pinging' ? '; a ping shortly before it expires keeps it warm while you think' : keeping === 'expiring' ? '; it will not be kept warm past then' : '');
      this.cacheText.textContent = `Cache warm for ${spokenDuration(left)} more: until then the context is read at a tenth of the price.`
        + (keeping === 'pinging' ? ' It is being kept warm while you think.' : keeping === 'expiring' ? ' It will not be kept warm past then.' : '');
    } else {
      this.stopTicker();
      if (m.autoTtl !== undefined) this.showTtl(); // "for this gap" becomes "for the next turn"
      this.cache.className = 'cache cold';
      this.cache.textContent = m.coldWriteUsd === null ? 'cache cold' : `cold: next write ≈ ${formatUsd(m.coldWriteUsd)}`;
      this.cache.title = 'The next turn writes the whole context to the cache again';
      this.cacheText.textContent = m.coldWriteUsd === null
        ? 'Cache cold: the next turn writes the whole context again.'
        : `Cache cold: the next turn writes the whole context again, about ${formatUsd(m.coldWriteUsd)}.`;
    }
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  private renderTotal(): void {
    const budget = this.meter?.budgetUsd ?? null;
    const known = this.calls > this.unknownCalls;
    let text = known ? `${formatUsd(this.knownUsd)}${this.unknownCalls ? '+' : ''}` : '—';
    if (budget !== null) text += ` / ${formatUsd(budget)}`;
    this.total.textContent = text;
    this.total.title = budget === null ? 'What this session has cost so far' : 'Session cost so far / budget';
    this.total.classList.toggle('near-budget', budget !== null && this.knownUsd >= budget * 0.8 && this.knownUsd < budget);
    this.total.classList.toggle('over-budget', budget !== null && this.knownUsd >= budget);
    const spent = known ? `${this.unknownCalls ? 'at least ' : ''}${formatUsd(this.knownUsd)}` : 'an unknown amount';
    const left = budget === null ? '' : this.knownUsd >= budget ? `, over its ${formatUsd(budget)} budget` : ` of a ${formatUsd(budget)} budget`;
    this.totalText.textContent = `Session cost so far: ${spent}${left}.`;
  }
}

/** 192000 -> "3 minutes 12 seconds": what a screen reader should say for the clock's "3:12". */
function spokenDuration(ms: number): string {
  const s = Math.ceil(ms / 1000);
  const parts: Array<[number, string]> = [[Math.floor(s / 3600), 'hour'], [Math.floor((s % 3600) / 60), 'minute'], [s % 60, 'second']];
  return parts.filter(([n]) => n > 0).map(([n, unit]) => `${n} ${unit}${n === 1 ? '' : 's'}`).join(' ') || '0 seconds';
}

function clock(ms: number): string {
  const s = Math.ceil(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}
