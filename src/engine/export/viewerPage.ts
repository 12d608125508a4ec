import { createHash } from 'node:crypto';
import type { PageData } from '../../protocol';
import { escapeHtml, renderHtmlShell } from './htmlShell';

/** The renderer a page inlines: the webview bundle and its stylesheets, as built by `npm run build`. */
export interface ViewerAssets {
  script: string;
  styles: string[];
  /** sha256 (hex) of script and styles: part of every page's source stamp, so a new renderer re-renders. */
  digest: string;
}

/** The `<meta>` a page carries with the hash of what it was made from (the site skips pages that match). */
export const SOURCE_META = 'dialogue-source';

function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * JSON for an inert `<script type="application/json">`: every `<` written `\u003c` (so no `</script>` or
 * `<!--` can appear), and U+2028/2029 escaped for old parsers. JSON.parse reads it back unchanged.
 */
export function inertJson(data: unknown): string {
  return JSON.stringify(data).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

// Text inside <script>/<style> ends at the first `</script`/`</style` whatever the JS or CSS means by it, and
// `<!--` followed by `<script` would keep a later `</script>` from ending it; with no `<script`/`</script` at
// all (markdown-it's `<!--` regexes are then harmless), the browser reads exactly the bytes that were hashed.
function assertInlineable(text: string, tag: 'script' | 'style'): void {
  if (new RegExp(`</?${tag}`, 'i').test(text)) throw new Error(`the viewer's ${tag} contains "<${tag}" or "</${tag}" and cannot be inlined`);
}

/**
 * One self-contained page: styles, script and data inline, nothing fetched. The CSP allows exactly the inline
 * script and styles by their hashes (computed here, from the bytes written) and nothing else: no network, no
 * other script, no frames, no forms. Opens from file:// and any static host alike.
 */
export function renderViewerPage(data: PageData, title: string, assets: ViewerAssets, sourceStamp: string): string {
  for (const s of assets.styles) assertInlineable(s, 'style');
  assertInlineable(assets.script, 'script');
  return renderHtmlShell({
    csp: [
      "default-src 'none'",
      `script-src ${cspHash(assets.script)}`,
      `style-src ${assets.styles.map(cspHash).join(' ')}`,
      "base-uri 'none'",
      "form-action 'none'",
    ],
    head: [
      '<meta name="referrer" content="no-referrer">',
      `<meta name="${SOURCE_META}" content="${escapeHtml(sourceStamp)}">`,
      ...assets.styles.map((s) => `<style>${s}</style>`),
    ],
    title,
    bodyClass: 'theme-cream',
    body: [
      `<script type="application/json" id="dialogue-data">${inertJson(data)}</script>`,
      `<script>${assets.script}</script>`,
    ],
  });
}

/** The stamp of a page: what it was rendered from (the log's bytes and the renderer), as hex sha256. */
export function sourceStamp(logText: string, assets: ViewerAssets): string {
  return createHash('sha256').update(assets.digest).update('\0').update(logText, 'utf8').digest('hex');
}

/** The stamp a written page carries, read from its head (only the first few KB are needed). */
export function readStamp(html: string): string | null {
  const m = new RegExp(`<meta name="${SOURCE_META}" content="([0-9a-f]{64})">`).exec(html.slice(0, 8192));
  return m ? m[1]! : null;
}
