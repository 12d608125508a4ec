/**
 * Model and human text placed in markdown must come out as the same text in any renderer (GitHub, markdown-it,
 * a static-site viewer) and can never become HTML, a link, an image, a heading or a code block.
 *
 * HTML: `<`, `>` and `&` become entities, so no tag, comment, autolink or entity survives; that alone makes
 * the text inert. The rest keeps the text looking like itself: CommonMark lets any ASCII punctuation be
 * backslash-escaped, so inline markup characters are escaped everywhere and block markers (`#`, `-`, `+`,
 * `=`, `1.`) only where they start a line. Leading indentation is dropped so four spaces never make a code
 * block.
 */

// Inline markup: emphasis, code spans, links/images, tables, strikethrough, math, and the escape itself.
const INLINE_SPECIAL = /[\\`*_[\]|~$]/g;
const HTML_SPECIAL = /[&<>]/g;
const HTML_ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

function escapeLine(line: string): string {
  let s = line.replace(HTML_SPECIAL, (c) => HTML_ENTITY[c]).replace(INLINE_SPECIAL, (c) => `\\${c}`);
  s = s.replace(/^[ \t]+/, '').replace(/[ \t]+$/, '');
  // Block markers: headings, list items, setext underlines, ordered list items.
  s = s.replace(/^([#+=-])/, '\\$1').replace(/^(\d{1,9})([.)])/, '$1\\$2');
  return s;
}

/**
 * Text that may span lines: blank lines stay paragraph breaks, other line breaks stay line breaks (a trailing
 * backslash, CommonMark's hard break, which needs no trailing spaces that editors strip).
 */
export function escapeMarkdownBlock(text: string): string {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n+/)
    .map((p) => p.split('\n').map(escapeLine).filter((l) => l !== ''))
    .filter((lines) => lines.length > 0);
  return paragraphs.map((lines) => lines.join('\\\n')).join('\n\n');
}

/** One-line text (names, titles, kinds): line breaks become spaces. */
export function escapeMarkdownInline(text: string): string {
  return escapeLine(text.replace(/\s+/g, ' '));
}
