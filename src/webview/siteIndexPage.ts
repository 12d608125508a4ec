import type { SiteEntry, SiteIndex } from '../protocol';
import { el, formatUsd } from './elements';
import { storedTheme } from './embeddedSource';
import { glyphAvatar } from './members';

type SortKey = 'title' | 'startedAt' | 'turns' | 'model' | 'usd';

const COLUMNS: ReadonlyArray<[SortKey | null, string]> = [
  ['title', 'Session'], ['startedAt', 'Date'], [null, 'Cast'], ['turns', 'Turns'], ['model', 'Model'], ['usd', 'Cost'],
];

function compare(a: SiteEntry, b: SiteEntry, key: SortKey): number {
  switch (key) {
    case 'turns': return a.turns - b.turns;
    case 'usd': return (a.usd ?? -1) - (b.usd ?? -1);
    default: return a[key].localeCompare(b[key]);
  }
}

/**
 * The static site's index: every session as a row linking to its `view.html`, filterable by character and
 * brief, sortable by any column. Rows are built once; filtering only hides them, sorting only reorders them.
 */
export function renderSiteIndex(root: HTMLElement, index: SiteIndex): void {
  document.body.classList.add(`theme-${storedTheme()}`, 'site-index', 'no-host');
  document.title = index.title;
  const characters = new Map<string, string>();
  const briefs = new Set<string>();
  for (const s of index.sessions) {
    for (const m of s.cast) characters.set(m.id, m.name);
    if (s.brief) briefs.add(s.brief);
  }
  const byCharacter = el('select', { class: 'filter-character', 'aria-label': 'Character' },
    el('option', { value: '' }, 'Any character'),
    ...[...characters].sort((a, b) => a[1].localeCompare(b[1])).map(([id, name]) => el('option', { value: id }, name)));
  const byBrief = el('select', { class: 'filter-brief', 'aria-label': 'Brief' },
    el('option', { value: '' }, 'Any brief'), ...[...briefs].sort().map((b) => el('option', { value: b }, b)));
  const count = el('p', { class: 'index-count', 'aria-live': 'polite' });
  const body = el('tbody');
  const rows = index.sessions.map((s) => ({ entry: s, row: row(s) }));
  let sort: { key: SortKey; dir: 1 | -1 } = { key: 'startedAt', dir: -1 };
  const headCells = COLUMNS.map(([key, label]) => {
    if (!key) return el('th', { scope: 'col' }, label);
    const button = el('button', { type: 'button', class: 'sort', 'data-sort': key }, label);
    const th = el('th', { scope: 'col', 'aria-sort': 'none' }, button);
    button.addEventListener('click', () => {
      sort = { key, dir: sort.key === key ? (sort.dir === 1 ? -1 : 1) : 1 };
      apply();
    });
    return th;
  });
  const apply = (): void => {
    const who = byCharacter.value;
    const brief = byBrief.value;
    rows.sort((a, b) => compare(a.entry, b.entry, sort.key) * sort.dir);
    let shown = 0;
    for (const r of rows) {
      const visible = (!who || r.entry.cast.some((m) => m.id === who)) && (!brief || r.entry.brief === brief);
      r.row.hidden = !visible;
      if (visible) shown++;
    }
    body.replaceChildren(...rows.map((r) => r.row));
    headCells.forEach((th, i) => th.setAttribute('aria-sort', COLUMNS[i]![0] === sort.key ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'));
    count.textContent = `${shown} of ${rows.length} session${rows.length === 1 ? '' : 's'}`;
  };
  byCharacter.addEventListener('change', apply);
  byBrief.addEventListener('change', apply);
  apply();
  root.replaceChildren(el('main', { class: 'index-page' },
    el('h1', {}, index.title),
    comparisons(index),
    el('div', { class: 'index-filters' }, el('label', {}, 'Character ', byCharacter), el('label', {}, 'Brief ', byBrief), count),
    el('table', { class: 'index-table' }, el('thead', {}, el('tr', {}, ...headCells)), body)));
}

function row(s: SiteEntry): HTMLTableRowElement {
  const cast = el('span', { class: 'index-cast' }, ...s.cast.map((m) => {
    const chip = el('span', { class: 'index-member', title: m.name }, glyphAvatar(m, 'small'), el('span', { class: 'index-member-name' }, m.name));
    return chip;
  }));
  return el('tr', { 'data-session': s.sessionId },
    el('td', {}, el('a', { href: s.href }, s.title), s.brief ? el('div', { class: 'index-brief' }, s.brief) : ''),
    el('td', {}, s.startedAt.slice(0, 10)),
    el('td', {}, cast),
    el('td', { class: 'num' }, String(s.turns)),
    el('td', {}, s.model),
    el('td', { class: 'num' }, s.usd === null ? '—' : formatUsd(s.usd)));
}

/** The experiment's compare pages (one per condition), when the site was built from an experiment folder. */
function comparisons(index: SiteIndex): HTMLElement | string {
  if (!index.comparisons?.length) return '';
  return el('section', { class: 'index-comparisons', 'aria-labelledby': 'compare-heading' },
    el('h2', { id: 'compare-heading' }, 'Compare replicates'),
    el('ul', {}, ...index.comparisons.map((c) => el('li', {}, el('a', { href: c.href }, c.title), ` (${c.replicates} replicate${c.replicates === 1 ? '' : 's'})`))));
}
