// `npm run package`: the installable `.vsix`. Builds the production bundles (minified, no source maps) into a
// staging folder that holds exactly what the extension needs at run time, packs it with @vscode/vsce
// (`--no-dependencies`: everything is bundled), then opens the archive and fails if anything else got in.
// The development build in dist/ is left alone, so `npm run package` can run between test runs.
//
//   node scripts/package.mjs [--out FILE]     (default: dialogue-panel-<version>.vsix in the repository)
//
// The last stdout line is the .vsix path.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

/** What the extension reads at run time besides the bundles (paths relative to the repository). */
export const RUNTIME_FILES = [
  'package.json',
  'LICENSE',
  'CHANGELOG.md',
  'MARKETPLACE.md',
  'media/icon.png',
  'media/panel.css',
  // the panel's summary dialog and charts
  'media/viewer.css',
  // contributes.jsonValidation
  'schemas/event-log.schema.json',
  // "Dialogue: Create Sample Characters" copies these into the workspace
  'characters',
  // the walkthrough's step media (contributes.walkthroughs)
  'src/extension/walkthrough',
];
// viewer.js: the standalone pages' renderer, inlined into every export and site page the extension writes.
const BUNDLES = ['extension.js', 'webview.js', 'viewer.js'];

/**
 * Every entry the .vsix may hold (after vsce's own `extension.vsixmanifest`, `[Content_Types].xml` and the
 * `extension/` prefix). Anything else, e.g. a source map, a test, node_modules or the CLI bundle, fails the build.
 */
const ALLOWED = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/package\.json$/,
  /^extension\/(LICENSE|LICENSE\.txt|changelog\.md|readme\.md)$/i,
  /^extension\/dist\/(extension|webview|viewer)\.js$/,
  /^extension\/media\/(icon\.png|panel\.css|viewer\.css)$/,
  /^extension\/schemas\/event-log\.schema\.json$/,
  /^extension\/characters\/([a-z0-9-]+\.md|briefs\/[a-z0-9-]+\.md)$/,
  /^extension\/src\/extension\/walkthrough\/[A-Za-z]+\.md$/,
];
/** Entries that must be there for the extension to work and for the marketplace page to be complete. */
const REQUIRED = ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/webview.js', 'extension/dist/viewer.js', 'extension/LICENSE.txt', 'extension/readme.md', 'extension/changelog.md', 'extension/media/icon.png'];

function option(name) {
  const index = process.argv.indexOf(name);
  if (index < 0) return undefined;
  const value = process.argv[index + 1];
  if (!value || value.startsWith('--')) throw new Error(`${name} needs a value`);
  return value;
}

function run(args, cwd) {
  execFileSync(process.execPath, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
}

/** Checks the archive's entries against ALLOWED and REQUIRED; returns them (name, size) for the listing. */
export function checkVsix(file) {
  const entries = unzipSync(fs.readFileSync(file));
  const names = Object.keys(entries);
  const stray = names.filter((name) => !ALLOWED.some((pattern) => pattern.test(name)));
  if (stray.length > 0) throw new Error(`${path.basename(file)} holds files it must not: ${stray.join(', ')}`);
  const missing = REQUIRED.filter((name) => !names.some((n) => n.toLowerCase() === name.toLowerCase()));
  if (missing.length > 0) throw new Error(`${path.basename(file)} lacks ${missing.join(', ')}`);
  return names.sort().map((name) => ({ name, bytes: entries[name].length }));
}

function main() {
  const out = path.resolve(option('--out') ?? path.join(root, `${manifest.name}-${manifest.version}.vsix`));
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'dialogue-vsix-'));
  try {
    run(['--import', 'tsx', 'scripts/genSchema.ts'], root);
    run(['esbuild.mjs', '--production', '--outdir', path.join(stage, 'dist')], root);
    // The CLI is not part of the extension (it never runs it).
    fs.rmSync(path.join(stage, 'dist', 'cli.js'));
    for (const name of fs.readdirSync(path.join(stage, 'dist'))) {
      if (!BUNDLES.includes(name)) throw new Error(`unexpected build output dist/${name}`);
    }
    for (const file of RUNTIME_FILES) fs.cpSync(path.join(root, file), path.join(stage, file), { recursive: true });
    // The same allowlist a plain `vsce package` in the repository uses; vsce warns without one.
    fs.copyFileSync(path.join(root, '.vscodeignore'), path.join(stage, '.vscodeignore'));
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const vsce = path.join(path.dirname(fileURLToPath(import.meta.resolve('@vscode/vsce/package.json'))), 'vsce');
    run([vsce, 'package', '--no-dependencies', '--readme-path', 'MARKETPLACE.md', '--out', out], stage);
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
  const entries = checkVsix(out);
  const width = Math.max(...entries.map((e) => String(e.bytes).length));
  for (const e of entries) console.log(`${String(e.bytes).padStart(width)}  ${e.name}`);
  console.log(`${(fs.statSync(out).size / 1024).toFixed(1)} KB, ${entries.length} files`);
  console.log(out);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (error) {
    console.error(`npm run package: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
