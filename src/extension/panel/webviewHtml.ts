import { randomBytes } from 'node:crypto';
import { escapeHtml, renderHtmlShell } from '../../engine/export/htmlShell';
import type { Theme } from '../../protocol';

/** Inputs for the panel page; every string is used verbatim by the caller, escaped here. */
export interface WebviewHtmlOptions {
  /** `webview.cspSource`: the only origin scripts' siblings (CSS, fonts, images) may come from. */
  cspSource: string;
  /** Fresh per render (see makeNonce); the bundle's <script> is the only script that carries it. */
  nonce: string;
  /** `webview.asWebviewUri(dist/webview.js)` as a string. */
  scriptUri: string;
  /** `webview.asWebviewUri(media/panel.css)` as a string. */
  styleUri: string;
  /** `webview.asWebviewUri(media/viewer.css)`: the summary pictures (shared with the exported page). */
  viewerStyleUri?: string;
  /** Applied before the script runs so the first paint already has the right colours. */
  theme: Theme;
  title: string;
}

const THEMES: readonly Theme[] = ['cream', 'light', 'dark', 'eink', 'vscode'];

// `;` would end the directive and let the caller's string start another (e.g. script-src 'unsafe-inline'),
// and a quoted keyword would widen this one; a plain space-separated list of sources is all that may pass.
function cspSources(value: string): string {
  const sources = value.trim().split(/\s+/);
  // VS Code's own value includes the keyword 'self' (e.g. "'self' https://*.vscode-cdn.net"); any other quote
  // or separator could smuggle a directive into the policy.
  if (!value.trim() || sources.some((s) => s !== "'self'" && !/^[^\s;,'"]+$/.test(s))) {
    throw new Error(`not a CSP source: ${JSON.stringify(value)}`);
  }
  return sources.join(' ');
}

/** 16 random bytes, base64: unguessable per page load, as CSP nonces must be. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The whole page of the panel webview. Nothing inline runs or styles: the page is an empty shell with one
 * nonce'd script and one stylesheet, both from `cspSource`; the script builds the UI after `init`.
 */
export function renderWebviewHtml(o: WebviewHtmlOptions): string {
  const source = cspSources(o.cspSource);
  if (!/^[A-Za-z0-9+/=_-]+$/.test(o.nonce)) throw new Error('nonce must be base64');
  const theme: Theme = THEMES.includes(o.theme) ? o.theme : 'cream';
  return renderHtmlShell({
    csp: [
      "default-src 'none'",
      `script-src 'nonce-${o.nonce}'`,
      `style-src ${source}`,
      `img-src ${source} data:`,
      `font-src ${source}`,
      "base-uri 'none'",
      "form-action 'none'",
    ],
    head: [
      `<link rel="stylesheet" href="${escapeHtml(o.styleUri)}">`,
      ...(o.viewerStyleUri ? [`<link rel="stylesheet" href="${escapeHtml(o.viewerStyleUri)}">`] : []),
    ],
    title: o.title,
    bodyClass: `theme-${theme}`,
    body: [`<script nonce="${escapeHtml(o.nonce)}" src="${escapeHtml(o.scriptUri)}"></script>`],
  });
}
