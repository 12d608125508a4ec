// One build script, three bundles. Types are checked separately by `npm run check`.
import * as esbuild from 'esbuild';
import * as path from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
// --outdir DIR: where the bundles go (default dist/); scripts/package.mjs builds the VSIX's copy elsewhere.
const outdirIndex = process.argv.indexOf('--outdir');
const outdir = outdirIndex >= 0 ? process.argv[outdirIndex + 1] : 'dist';
if (!outdir || outdir.startsWith('--')) throw new Error('--outdir needs a folder');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
  legalComments: 'none',
};

// zod's error-message translations are ~260 KB nobody reads (errors are reported in English).
const stubZodLocales = {
  name: 'stub-zod-locales',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (a) => (a.importer.includes(`${'/'}zod${'/'}`) || a.importer.includes('\\zod\\') ? { path: a.path, namespace: 'zod-locales-stub' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'zod-locales-stub' }, () => ({ contents: 'export {}', loader: 'js' }));
  },
};

// yaml's `node` export is CommonJS, which esbuild cannot tree-shake; its ES module build (the same code, which
// runs in Node as well) lets the bundles keep only the parser the character files need (-17 KB).
const yamlAsModule = {
  name: 'yaml-esm',
  setup(b) {
    b.onResolve({ filter: /^yaml$/ }, async (a) => {
      if (a.pluginData === 'yaml-esm') return undefined;
      const cjs = await b.resolve('yaml', { kind: a.kind, resolveDir: a.resolveDir, pluginData: 'yaml-esm' });
      return cjs.errors.length > 0 ? undefined : { path: path.join(path.dirname(cjs.path), '..', 'browser', 'index.js') };
    });
  },
};

// The panel's markdown runs with `linkify: false` (nothing the model writes becomes a link on its own), and
// both of markdown-it's linkify rules return before touching `md.linkify` when it is off; markdown-it still
// constructs a LinkifyIt, 11 KB the webview never runs. This stand-in throws if that ever changes.
const stubLinkify = {
  name: 'stub-linkify-it',
  setup(b) {
    b.onResolve({ filter: /^linkify-it$/ }, () => ({ path: 'linkify-it', namespace: 'linkify-off' }));
    b.onLoad({ filter: /.*/, namespace: 'linkify-off' }, () => ({
      contents: `const off = () => { throw new Error('linkify is off in the Dialogue panel'); };
export class LinkifyIt { test() { off(); } pretest() { off(); } match() { off(); } matchAtStart() { off(); } add() { off(); } set() { off(); } tlds() { off(); } }
export default LinkifyIt;`,
      loader: 'js',
    }));
  },
};

// markdown-it decodes named entities (`&copy;`) with the `entities` package's full HTML5 table, 18 KB of the
// webview. Models write text, not entities; the common ones are decoded here and any other stays as written
// (shown as text: never HTML either way). Numeric entities (`&#169;`) markdown-it decodes itself.
const COMMON_ENTITIES = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', shy: '\u00ad', copy: '©', reg: '®', trade: '™',
  hellip: '…', mdash: '—', ndash: '–', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', laquo: '«', raquo: '»',
  middot: '·', bull: '•', deg: '°', plusmn: '±', times: '×', divide: '÷', minus: '−', le: '≤', ge: '≥', ne: '≠',
  euro: '€', pound: '£', yen: '¥', cent: '¢', sect: '§', para: '¶', larr: '←', rarr: '→', uarr: '↑', darr: '↓',
  harr: '↔', frac12: '½', frac14: '¼', frac34: '¾', micro: 'µ', iexcl: '¡', iquest: '¿', zwj: '\u200d', zwnj: '\u200c',
};
const commonEntities = {
  name: 'common-entities',
  setup(b) {
    b.onResolve({ filter: /^entities$/ }, () => ({ path: 'entities', namespace: 'common-entities' }));
    b.onLoad({ filter: /.*/, namespace: 'common-entities' }, () => ({
      contents: `const TABLE = ${JSON.stringify(COMMON_ENTITIES)};
export function decodeHTMLStrict(s) { const m = /^&([a-zA-Z][a-zA-Z0-9]*);$/.exec(s); return m && Object.prototype.hasOwnProperty.call(TABLE, m[1]) ? TABLE[m[1]] : s; }`,
      loader: 'js',
    }));
  },
};

const builds = [
  {
    ...common,
    entryPoints: ['src/extension/extension.ts'],
    outfile: path.join(outdir, 'extension.js'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    plugins: [stubZodLocales, yamlAsModule],
  },
  {
    ...common,
    entryPoints: ['src/cli.ts'],
    outfile: path.join(outdir, 'cli.js'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [stubZodLocales, yamlAsModule],
  },
  {
    ...common,
    entryPoints: ['src/webview/main.ts'],
    outfile: path.join(outdir, 'webview.js'),
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    plugins: [stubLinkify, commonEntities],
  },  {
    ...common,
    entryPoints: ['src/webview/viewerMain.ts'],
    outfile: path.join(outdir, 'viewer.js'),
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    plugins: [stubLinkify, commonEntities],
  },
];

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
