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

// zod's error-message translations are ~260 KB the webview never shows (it reports bad messages in English).
const stubZodLocales = {
  name: 'stub-zod-locales',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (a) => (a.importer.includes(`${'/'}zod${'/'}`) || a.importer.includes('\\zod\\') ? { path: a.path, namespace: 'zod-locales-stub' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'zod-locales-stub' }, () => ({ contents: 'export {}', loader: 'js' }));
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
  },
  {
    ...common,
    entryPoints: ['src/cli.ts'],
    outfile: path.join(outdir, 'cli.js'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: ['src/webview/main.ts'],
    outfile: path.join(outdir, 'webview.js'),
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    plugins: [stubZodLocales],
  },
];

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
