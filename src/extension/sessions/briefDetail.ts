// Room `extension/sessions`: a brief's text made fit for a quick pick's one plain line (no vscode here, so
// it is unit-tested directly).
import MarkdownIt from 'markdown-it';
import type { Brief } from '../../engine/cast/characters';

const DETAIL_CHARS = 120;

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

/**
 * The brief's first paragraph as plain text, for a quick pick's detail line (which shows text verbatim, so
 * `# The harbour deal` or `**who gains**` would show their marks). Parsed with markdown-it, not regexes, so
 * links keep their words, code its text, and a heading repeating the title is skipped for the prose under it.
 */
export function briefDetail(brief: Pick<Brief, 'title' | 'text'>): string | undefined {
  const tokens = md.parse(brief.text, {});
  let heading: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type !== 'inline') continue;
    const text = (t.children ?? []).map((c) => (c.type === 'softbreak' || c.type === 'hardbreak' ? ' ' : c.content)).join('').replace(/\s+/g, ' ').trim();
    if (!text) continue;
    if (tokens[i - 1]?.type === 'heading_open') {
      heading ??= text.toLowerCase() === brief.title.trim().toLowerCase() ? undefined : text;
      continue;
    }
    return clip(text);
  }
  return heading === undefined ? undefined : clip(heading);
}

function clip(text: string): string {
  return text.length > DETAIL_CHARS ? `${text.slice(0, DETAIL_CHARS - 1).trimEnd()}…` : text;
}

