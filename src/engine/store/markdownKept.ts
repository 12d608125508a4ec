/**
 * The model's own markdown in `transcript.md`: emphasis, strikethrough, code spans, fenced code and lists are
 * kept, because researchers read the transcript rendered; everything that could become HTML, fetch something
 * or restructure the transcript is neutralised:
 *
 * - `<`, `>` and `&` outside code become entities: no tag, comment, autolink (`<https://…>`) or entity survives.
 *   Inside code spans and fences they are left alone (code is never HTML, and entities would show literally).
 * - Link and image brackets, table pipes and math dollars are backslash-escaped: no `[text](url)`, `![img](…)`.
 *   A bare `https://…` stays plain text in CommonMark; renderers with GFM's autolink extension (GitHub) may
 *   link it, to exactly the address shown.
 * - Headings and setext underlines are escaped so the model's text never adds a section to the transcript.
 * - A fence the model left open is closed at the end of its text, so it cannot swallow what follows; a fence's
 *   info string is kept only when it is a plain language word.
 * - Consecutive prose lines keep their line breaks (hard breaks), as the plain-text escaper does.
 */

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const LIST_ITEM = /^([ \t]*)([-+*]|\d{1,9}[.)])[ \t]+(.*)$/;
const HTML_ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const PROSE_SPECIAL = /[&<>[\]|$]/g;

/** Prose outside code: HTML characters as entities, link/table/math punctuation escaped; emphasis kept. */
function escapeProse(s: string): string {
  return s.replace(PROSE_SPECIAL, (c) => HTML_ENTITY[c] ?? `\\${c}`);
}

/** One line's inline content: code spans (matched backtick runs) verbatim, the rest escaped as prose. */
function inlineKept(line: string): string {
  let out = '';
  let i = 0;
  while (i < line.length) {
    const tick = line.indexOf('`', i);
    if (tick < 0) {
      out += escapeProse(line.slice(i));
      break;
    }
    out += escapeProse(line.slice(i, tick));
    let run = tick;
    while (line[run] === '`') run++;
    const ticks = line.slice(tick, run);
    const close = findRun(line, run, ticks.length);
    if (close < 0) {
      out += ticks.replace(/`/g, '\\`'); // an unmatched run is literal backticks, not the start of code
      i = run;
    } else {
      out += line.slice(tick, close + ticks.length);
      i = close + ticks.length;
    }
  }
  return out;
}

function findRun(line: string, from: number, length: number): number {
  for (let i = line.indexOf('`', from); i >= 0; i = line.indexOf('`', i)) {
    let j = i;
    while (line[j] === '`') j++;
    if (j - i === length) return i;
    i = j;
  }
  return -1;
}

/** Model or human text as transcript markdown (see the file comment for what is kept and what neutralised). */
export function keepModelMarkdown(text: string): string {
  const out: string[] = [];
  let fence: string | null = null;
  let prev: 'blank' | 'prose' | 'list' | 'fence' = 'blank';
  const endProse = (): void => {
    if (prev === 'prose') out[out.length - 1] = out[out.length - 1]!.replace(/\\$/, '');
  };
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (fence !== null) {
      const closing = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`);
      out.push(raw);
      if (closing.test(raw)) {
        fence = null;
        prev = 'fence';
      }
      continue;
    }
    const opened = FENCE_OPEN.exec(raw);
    if (opened && !(opened[1]![0] === '`' && opened[2]!.includes('`'))) {
      endProse();
      const info = opened[2]!.trim();
      fence = opened[1]!;
      out.push(`${fence}${/^[A-Za-z0-9_+.-]{1,30}$/.test(info) ? info : ''}`);
      prev = 'fence';
      continue;
    }
    if (raw.trim() === '') {
      endProse();
      if (out.length > 0 && out[out.length - 1] !== '') out.push('');
      prev = 'blank';
      continue;
    }
    const item = LIST_ITEM.exec(raw);
    if (item && item[3]!.trim() !== '') {
      endProse();
      const depth = Math.min(Math.floor(item[1]!.replace(/\t/g, '  ').length / 2), 4);
      out.push(`${'  '.repeat(depth)}${item[2]} ${inlineKept(item[3]!.trim())}`);
      prev = 'list';
      continue;
    }
    // Prose: never a heading, setext underline, thematic break, quote or indented code block.
    let line = inlineKept(raw.trim()).replace(/^([#=+-])/, '\\$1').replace(/^(\d{1,9})([.)])/, '$1\\$2');
    if (prev === 'list') line = `  ${line}`;
    if (prev === 'prose') out[out.length - 1] += '\\';
    out.push(line);
    prev = prev === 'list' ? 'list' : 'prose';
  }
  if (fence !== null) out.push(fence);
  endProse();
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.join('\n');
}

/** True when the text starts with a block (list or fence), which must begin on its own line. */
export function startsWithBlock(markdown: string): boolean {
  return /^([-+*]|\d{1,9}[.)]) |^(`{3,}|~{3,})/.test(markdown);
}
