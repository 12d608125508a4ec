import type { MemberView } from '../protocol';
import { el, formatUsd } from './elements';
import { paintMember, type MemberDirectory } from './members';
import type { CharacterStats, TurnCostSplit } from './sessionStats';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element built like `el`: attributes by setAttribute, text as text nodes (no markup is ever parsed). */
function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, ...children: Array<Node | string>): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  for (const c of children) node.append(c);
  return node;
}

/** Bottom to top: what the stacked areas show, and the CSS class that colours each per theme. */
const SERIES = [
  { key: 'cacheRead', label: 'cache reads', cls: 'series-read' },
  { key: 'cacheWrite', label: 'cache writes', cls: 'series-write' },
  { key: 'input', label: 'uncached input', cls: 'series-input' },
  { key: 'output', label: 'output', cls: 'series-output' },
] as const;

const W = 600;
const H = 200;
const PAD = { left: 52, right: 12, top: 12, bottom: 26 };

/**
 * Cumulative cost by turn as stacked areas (cache reads, writes, uncached input, output), so where the money
 * went is visible at a glance; a sentence under it says the same for screen readers and print.
 */
export function costChart(turns: readonly TurnCostSplit[]): HTMLElement {
  const figure = el('figure', { class: 'chart cost-chart' });
  const caption = el('figcaption', {}, 'Cumulative cost by turn');
  if (turns.length === 0) {
    figure.append(caption, el('p', { class: 'chart-empty' }, 'No priced calls in this session.'));
    return figure;
  }
  // Running sums per series, one point per priced turn.
  const sums = SERIES.map(() => 0);
  const stacks: number[][] = [];
  for (const t of turns) {
    SERIES.forEach((s, i) => { sums[i] = (sums[i] ?? 0) + t[s.key]; });
    let acc = 0;
    stacks.push(sums.map((v) => (acc += v)));
  }
  const total = stacks[stacks.length - 1]![SERIES.length - 1]!;
  const maxY = total > 0 ? total : 1;
  const n = turns.length;
  const x = (i: number): number => PAD.left + (n === 1 ? (W - PAD.left - PAD.right) : (i / (n - 1)) * (W - PAD.left - PAD.right));
  const y = (v: number): number => H - PAD.bottom - (v / maxY) * (H - PAD.top - PAD.bottom);
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `Cumulative cost over ${n} priced turns, ${formatUsd(total)} in all`, class: 'chart-svg' });
  SERIES.forEach((s, si) => {
    const top = stacks.map((st, i) => `${x(i).toFixed(1)},${y(st[si]!).toFixed(1)}`);
    const bottom = stacks.map((st, i) => `${x(i).toFixed(1)},${y(si === 0 ? 0 : st[si - 1]!).toFixed(1)}`).reverse();
    if (n === 1) {
      // One turn: a bar rather than an area of zero width.
      const b = si === 0 ? 0 : stacks[0]![si - 1]!;
      chart.append(svg('rect', { class: s.cls, x: PAD.left, width: 40, y: y(stacks[0]![si]!), height: Math.max(0, y(b) - y(stacks[0]![si]!)) }, svg('title', {}, s.label)));
      return;
    }
    chart.append(svg('polygon', { class: s.cls, points: [...top, ...bottom].join(' ') }, svg('title', {}, s.label)));
  });
  chart.append(
    svg('line', { class: 'axis', x1: PAD.left, y1: H - PAD.bottom, x2: W - PAD.right, y2: H - PAD.bottom }),
    svg('line', { class: 'axis', x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: H - PAD.bottom }),
    svg('text', { class: 'tick', x: PAD.left - 6, y: PAD.top + 10, 'text-anchor': 'end' }, formatUsd(total)),
    svg('text', { class: 'tick', x: PAD.left - 6, y: H - PAD.bottom, 'text-anchor': 'end' }, '$0'),
    svg('text', { class: 'tick', x: PAD.left, y: H - 8, 'text-anchor': 'start' }, `turn ${turns[0]!.turn}`),
    svg('text', { class: 'tick', x: W - PAD.right, y: H - 8, 'text-anchor': 'end' }, `turn ${turns[n - 1]!.turn}`),
  );
  const legend = el('ul', { class: 'chart-legend' }, ...[...SERIES].reverse().map((s) => {
    const si = SERIES.indexOf(s);
    return el('li', {}, el('span', { class: `swatch ${s.cls}`, 'aria-hidden': 'true' }), `${s.label} ${formatUsd(sums[si]!)}`);
  }));
  const unknown = turns.filter((t) => t.unknown).length;
  figure.append(caption, chart, legend);
  if (unknown > 0) figure.append(el('p', { class: 'chart-note' }, `${unknown} turn${unknown === 1 ? '' : 's'} had a call with no known price (not counted).`));
  figure.append(el('p', { class: 'chart-note' }, 'Split by Anthropic\'s price ratios (cache write 1.25× or 2×, read 0.1×, output 5× of input).'));
  return figure;
}

/**
 * Per character: share of the speech (characters of text), turns led (spoke first) and passes, as bars with
 * the numbers written beside them.
 */
export function shareChart(stats: readonly CharacterStats[], members: MemberDirectory): HTMLElement {
  const figure = el('figure', { class: 'chart share-chart' }, el('figcaption', {}, 'Speaking share, turns led and passes'));
  const all = stats.reduce((s, c) => s + c.chars, 0);
  if (stats.length === 0) {
    figure.append(el('p', { class: 'chart-empty' }, 'Nobody has spoken yet.'));
    return figure;
  }
  const rows = [...stats].sort((a, b) => b.chars - a.chars || a.id.localeCompare(b.id));
  const maxLed = Math.max(1, ...rows.map((r) => r.led));
  const maxPass = Math.max(1, ...rows.map((r) => r.passes));
  const table = el('table', { class: 'share-table' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Character'), el('th', { scope: 'col' }, 'Speaking share'),
      el('th', { scope: 'col' }, 'Led the turn'), el('th', { scope: 'col' }, 'Passes'))));
  const body = el('tbody');
  for (const r of rows) {
    const m = members.get(r.id);
    const share = all > 0 ? r.chars / all : 0;
    const name = el('th', { scope: 'row', class: 'share-name' }, m.name);
    paintMember(name, m);
    const row = el('tr', { 'data-speaker': r.id }, name,
      el('td', {}, bar(share, `${Math.round(share * 100)}%`, 'bar-share', m)),
      el('td', {}, bar(r.led / maxLed, String(r.led), 'bar-led', m)),
      el('td', {}, bar(r.passes / maxPass, String(r.passes), 'bar-pass', m)));
    body.append(row);
  }
  table.append(body);
  figure.append(table);
  return figure;
}

function bar(fraction: number, label: string, cls: string, member: MemberView): HTMLElement {
  const width = Math.max(0, Math.min(1, fraction)) * 100;
  const chart = svg('svg', { viewBox: '0 0 100 10', preserveAspectRatio: 'none', class: `bar ${cls}`, 'aria-hidden': 'true' },
    svg('rect', { class: 'bar-bg', x: 0, y: 0, width: 100, height: 10 }),
    svg('rect', { class: 'bar-fill', x: 0, y: 0, width: width.toFixed(2), height: 10 }));
  const wrap = el('span', { class: 'bar-cell' }, chart, el('span', { class: 'bar-label' }, label));
  paintMember(wrap, member);
  return wrap;
}
