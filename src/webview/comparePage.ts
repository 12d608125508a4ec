import type { CompareView, MemberView } from '../protocol';
import { el } from './elements';
import { storedTheme } from './embeddedSource';
import { glyphAvatar } from './members';

type Row = CompareView['rows'][number];
type Response = Row['cells'][number]['responses'][number];

/** A marked line or response: highlighted, flagged with ≠ for the eye and "differs" for a screen reader. */
function differsMark(...content: Array<Node | string>): HTMLElement {
  return el('mark', { class: 'compare-differs' }, el('span', { class: 'sr-only' }, 'differs: '), el('span', { class: 'compare-sign', 'aria-hidden': 'true' }, '≠ '), ...content);
}

function response(r: Response, cast: ReadonlyMap<string, MemberView>): HTMLElement {
  const who = cast.get(r.speaker) ?? { id: r.speaker, name: r.speaker, glyph: '?', color: '#777' };
  const head = el('div', { class: 'compare-speaker' }, glyphAvatar(who, 'small'), el('span', { class: 'compare-name' }, who.name));
  const box = el('div', { class: `compare-response${r.differs ? ' differs' : ''}`, 'data-speaker': r.speaker }, head);
  if (r.kind === 'pass') {
    box.append(el('p', { class: 'compare-line compare-pass' }, r.differs ? differsMark('passed') : 'passed'));
    return box;
  }
  if (r.differs) head.append(el('span', { class: 'compare-note' }, differsMark('spoke here only in some replicates')));
  for (const line of r.lines) {
    box.append(el('p', { class: `compare-line${line.differs ? ' differs' : ''}` }, line.differs ? differsMark(line.text) : line.text || '\u00a0'));
  }
  return box;
}

function rowOf(row: Row, cast: ReadonlyMap<string, MemberView>): HTMLTableRowElement {
  const differs = row.floorDiffers || row.cells.some((c) => c.responses.some((r) => r.differs || r.lines.some((l) => l.differs)));
  const head = el('th', { scope: 'row', class: 'compare-turn' }, el('div', { class: 'compare-position' }, `Turn ${row.position}`));
  if (row.floor !== null) head.append(el('p', { class: 'compare-floor' }, row.floorDiffers ? differsMark(row.floor) : row.floor));
  const cells = row.cells.map((c) => {
    if (c.turn === null) return el('td', { class: 'compare-cell compare-missing' }, differsMark('no such turn in this replicate'));
    const note = c.turn !== row.position ? el('div', { class: 'compare-own-turn' }, `(its turn ${c.turn})`) : '';
    return el('td', { class: 'compare-cell' }, note, ...(c.responses.length > 0 ? c.responses.map((r) => response(r, cast)) : [el('p', { class: 'compare-line' }, 'no response')]));
  });
  return el('tr', { 'data-position': String(row.position), 'data-differs': differs ? 'true' : 'false' }, head, ...cells);
}

/**
 * The compare page: one experiment condition, its replicates as columns and their turns as rows (row k = each
 * replicate's k-th live turn), every line that some other replicate lacks marked. All text goes in as text.
 */
export function renderComparePage(root: HTMLElement, view: CompareView): void {
  document.body.classList.add(`theme-${storedTheme()}`, 'site-index', 'compare', 'no-host');
  document.title = view.title;
  const cast = new Map(view.cast.map((m) => [m.id, m]));
  const rows = view.rows.map((r) => rowOf(r, cast));
  const differing = rows.filter((r) => r.dataset.differs === 'true').length;
  const marked = view.rows.reduce((n, r) => n + r.cells.reduce((m, c) => m + c.responses.reduce((k, x) => k + x.lines.filter((l) => l.differs).length, 0), 0), 0);
  const onlyDiffering = el('input', { type: 'checkbox', class: 'compare-only-differing' });
  onlyDiffering.addEventListener('change', () => {
    for (const r of rows) r.hidden = onlyDiffering.checked && r.dataset.differs !== 'true';
  });
  const condition = el('dl', { class: 'compare-condition' }, ...view.condition.flatMap((c) => [el('dt', {}, c.key), el('dd', {}, c.value)]));
  const headCells = view.replicates.map((r) => el('th', { scope: 'col' }, el('a', { href: r.href }, `Replicate ${r.replicate}`), el('div', { class: 'compare-session' }, r.sessionId)));
  root.replaceChildren(el('main', { class: 'index-page compare-page' },
    el('p', { class: 'compare-back' }, el('a', { href: 'index.html' }, 'All sessions')),
    el('h1', {}, view.title),
    condition,
    el('p', { class: 'compare-summary' },
      `${view.replicates.length} replicate${view.replicates.length === 1 ? '' : 's'}, ${view.rows.length} turn${view.rows.length === 1 ? '' : 's'}; ${differing} turn${differing === 1 ? '' : 's'} differ, ${marked} line${marked === 1 ? '' : 's'} marked `,
      differsMark('like this'), ' (absent from at least one other replicate).'),
    el('label', { class: 'compare-filter' }, onlyDiffering, ' Only turns that differ'),
    el('div', { class: 'compare-scroll', tabindex: '0', role: 'region', 'aria-label': 'Replicates side by side' },
      el('table', { class: 'index-table compare-table' },
        el('caption', { class: 'sr-only' }, `Turns by replicate for ${view.title}`),
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Turn'), ...headCells)),
        el('tbody', {}, ...rows)))));
}
