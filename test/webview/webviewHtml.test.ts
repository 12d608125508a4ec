import { strict as assert } from 'node:assert';
import type { Theme } from '../../src/protocol';
import { makeNonce, renderWebviewHtml, type WebviewHtmlOptions } from '../../src/extension/panel/webviewHtml';

const base: WebviewHtmlOptions = {
  cspSource: 'https://*.vscode-cdn.net',
  nonce: 'bm9uY2Vub25jZW5vbmNlMQ==',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/panel.css',
  theme: 'dark',
  title: 'Harbour deal',
};

function csp(html: string): string {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(m, 'has a CSP meta tag');
  return m[1]!.replace(/&#39;/g, "'");
}

describe('renderWebviewHtml (host side, no window)', () => {
  it('sets a strict CSP: nonce for scripts, only the webview source for styles, images and fonts', () => {
    const directives = csp(renderWebviewHtml(base)).split(';').map((d) => d.trim());
    assert.deepEqual(directives, [
      "default-src 'none'",
      "script-src 'nonce-bm9uY2Vub25jZW5vbmNlMQ=='",
      'style-src https://*.vscode-cdn.net',
      'img-src https://*.vscode-cdn.net data:',
      'font-src https://*.vscode-cdn.net',
      "base-uri 'none'",
      "form-action 'none'",
    ]);
  });

  it('loads exactly one script, with the nonce, and one stylesheet; nothing inline', () => {
    const html = renderWebviewHtml(base);
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.deepEqual(scripts, [`<script nonce="${base.nonce}" src="${base.scriptUri}">`]);
    assert.equal((html.match(/<link\b[^>]*>/g) ?? []).length, 1);
    assert.ok(html.includes(`href="${base.styleUri}"`));
    assert.ok(!/<style\b|\sstyle=|\son[a-z]+=/i.test(html), 'no inline style or handlers');
    assert.ok(!/unsafe-(inline|eval)/.test(html));
  });

  it('escapes the title and URIs so they cannot break out of their attribute or element', () => {
    const html = renderWebviewHtml({
      ...base,
      title: '</title><script>alert(1)</script> "quoted" & \'single\'',
      scriptUri: 'https://x/webview.js"><script>alert(2)</script>',
    });
    assert.equal((html.match(/<script\b/g) ?? []).length, 1, 'no injected script element');
    assert.ok(html.includes('<title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; &amp; &#39;single&#39;</title>'));
    assert.ok(html.includes('src="https://x/webview.js&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"'));
  });

  it('puts the theme on <body> and falls back to cream for an unknown one', () => {
    for (const theme of ['cream', 'light', 'dark', 'eink', 'vscode'] as const) {
      assert.match(renderWebviewHtml({ ...base, theme }), new RegExp(`<body class="theme-${theme}"`));
    }
    assert.match(renderWebviewHtml({ ...base, theme: 'neon' as Theme }), /<body class="theme-cream"/);
  });

  it('refuses a CSP source or nonce that could smuggle in another directive', () => {
    assert.throws(() => renderWebviewHtml({ ...base, cspSource: "https://a; script-src 'unsafe-inline'" }), /not a CSP source/);
    assert.throws(() => renderWebviewHtml({ ...base, cspSource: "https://a 'unsafe-eval'" }), /not a CSP source/);
    assert.throws(() => renderWebviewHtml({ ...base, cspSource: '' }), /not a CSP source/);
    assert.match(csp(renderWebviewHtml({ ...base, cspSource: 'https://a  https://b' })), /style-src https:\/\/a https:\/\/b;/);
    // the value VS Code 1.100 really passes (desktop and server alike)
    assert.match(csp(renderWebviewHtml({ ...base, cspSource: "'self' https://*.vscode-cdn.net" })), /style-src 'self' https:\/\/\*\.vscode-cdn\.net;/);
    assert.throws(() => renderWebviewHtml({ ...base, nonce: "x' 'unsafe-inline" }), /nonce/);
  });

  it('makeNonce gives 128 random bits as base64, different every time', () => {
    const nonces = new Set(Array.from({ length: 200 }, () => makeNonce()));
    assert.equal(nonces.size, 200);
    for (const n of nonces) {
      assert.match(n, /^[A-Za-z0-9+/]{22}==$/);
      assert.equal(Buffer.from(n, 'base64').length, 16);
    }
    assert.doesNotThrow(() => renderWebviewHtml({ ...base, nonce: makeNonce() }));
  });
});
