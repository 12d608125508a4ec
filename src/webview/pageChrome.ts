import type { HostMessage, Theme } from '../protocol';
import { el, formatUsd } from './elements';
import { storeTheme, storedTheme } from './embeddedSource';
import { glyphAvatar } from './members';
import type { SessionSummary } from './sessionSummary';
import type { SessionFacts, SourceCapabilities } from './sessionSource';

const THEME_LABELS: ReadonlyArray<[Theme, string]> = [['cream', 'Cream'], ['light', 'Light'], ['dark', 'Dark'], ['eink', 'E-ink']];

/**
 * What the page adds around the panel, by capability: a summary button (always), and — when the page stands
 * alone — the session's facts, its cast with when each joined or left, links to the sessions it continues,
 * the pictures, a theme switch and a print button. Built once, after the panel's own layout.
 */
export function mountPageChrome(root: HTMLElement, caps: SourceCapabilities, summary: SessionSummary, deliver: (msg: HostMessage) => void): void {
  document.body.classList.toggle('no-host', !caps.requests);
  const header = root.querySelector('.panel-header');
  const { button, dialog } = summary.dialogButton();
  header?.append(button);
  root.append(dialog);
  if (caps.chooseTheme) header?.append(themeSwitch(deliver), printButton());
  if (caps.sessionFacts) header?.after(sessionFacts(caps.sessionFacts, summary));
}

function themeSwitch(deliver: (msg: HostMessage) => void): HTMLElement {
  const select = el('select', { class: 'theme-select', 'aria-label': 'Theme' },
    ...THEME_LABELS.map(([t, label]) => el('option', { value: t, selected: t === storedTheme() }, label)));
  select.addEventListener('change', () => {
    const theme = select.value as Theme;
    storeTheme(theme);
    deliver({ type: 'theme', theme });
  });
  return el('label', { class: 'theme-switch' }, el('span', { class: 'theme-switch-label' }, 'Theme'), select);
}

function printButton(): HTMLElement {
  const b = el('button', { type: 'button', class: 'print-button', title: 'Print or save as PDF' }, 'Print');
  b.addEventListener('click', () => window.print());
  return b;
}

function dateText(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function span(m: SessionFacts['cast'][number]): string {
  const from = m.joinedTurn === null || m.joinedTurn <= 1 ? 'from the start' : `joined at turn ${m.joinedTurn}`;
  return m.leftTurn === null ? from : `${from}, left at turn ${m.leftTurn}`;
}

function sessionFacts(view: SessionFacts, summary: SessionSummary): HTMLElement {
  // Each term with its value in one group, so a line that wraps never leaves a label behind its value.
  const fact = (term: string, value: string, cls?: string): HTMLElement => el('div', { class: 'fact' }, el('dt', {}, term), el('dd', cls ? { class: cls } : {}, value));
  const facts = el('dl', { class: 'facts' },
    fact('Brief', view.brief ? view.brief.title : 'none'),
    fact('Model', view.model),
    fact('Started', dateText(view.startedAt)),
    fact('Turns', String(view.turns)),
    fact('Cost', view.totalUsd === null ? 'unknown' : formatUsd(view.totalUsd), 'total-cost'));
  if (view.endedAt) facts.append(fact('Ended', dateText(view.endedAt)));
  if (view.form === 'batch') facts.append(fact('Form', 'two-actor batch log (no floor lines or costs recorded)'));
  const cast = el('ul', { class: 'cast-list', 'aria-label': 'Cast' }, ...view.cast.map((m) =>
    el('li', { class: 'cast-entry', 'data-speaker': m.id }, glyphAvatar(m, 'small'), el('span', { class: 'cast-name' }, m.name),
      el('span', { class: 'cast-span' }, span(m)))));
  const links = el('p', { class: 'session-links' });
  for (const l of view.links) {
    // The schema admits only `../<folder>/view.html`: never a scheme, never another origin.
    const a = el('a', { href: l.href, class: `session-link rel-${l.rel}` }, l.session);
    links.append(el('span', {}, l.rel === 'continues' ? 'Continues ' : 'Continued in ', a), ' ');
  }
  const head = el('summary', {}, 'Summary in pictures');
  const pictures = el('details', { class: 'summary-inline' }, head);
  // Drawn when opened (the history may still be arriving when the page is built); folded on screen to leave
  // room for the conversation, always on paper.
  const draw = (): void => pictures.replaceChildren(head, summary.render());
  pictures.addEventListener('toggle', () => { if (pictures.open) draw(); });
  window.addEventListener('beforeprint', () => {
    pictures.open = true;
    draw();
  });
  return el('section', { class: 'session-facts', 'aria-label': 'About this session' }, facts, cast,
    ...(view.links.length > 0 ? [links] : []), pictures);
}
