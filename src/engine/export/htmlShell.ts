// The one HTML shell both pages are poured into — the panel's webview (src/extension/panel/webviewHtml.ts) and
// the exported / published page (viewerPage.ts) — so their framing, CSP meta and escaping cannot drift apart.
// Each caller decides its own policy and what goes in the head and body; nothing here adds a source.

/** Text for HTML text and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A page: `csp` directives joined into the meta policy; `head` and `body` are markup the caller has escaped. */
export interface HtmlShell {
  csp: readonly string[];
  /** Tags after the charset, CSP and viewport metas, before the title. */
  head: readonly string[];
  title: string;
  /** `theme-<name>`: the first paint already has the right colours. */
  bodyClass: string;
  /** After `<div id="app"></div>`. */
  body: readonly string[];
}

export function renderHtmlShell(page: HtmlShell): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(page.csp.join('; '))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
${page.head.map((tag) => `${tag}\n`).join('')}<title>${escapeHtml(page.title)}</title>
</head>
<body class="${escapeHtml(page.bodyClass)}" data-title="${escapeHtml(page.title)}">
<div id="app"></div>
${page.body.map((tag) => `${tag}\n`).join('')}</body>
</html>
`;
}
