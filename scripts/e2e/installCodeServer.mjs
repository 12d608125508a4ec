// Installs (or reuses) the npm package `code-server`, which ships a real VS Code server and browser
// workbench: the only real VS Code this network can install, since VS Code/Electron downloads fail.
//
//   node scripts/e2e/installCodeServer.mjs [--force]
//
// Prints the install folder as its last stdout line. Import `ensureCodeServer()` to use it from code.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findOnPath, missingDebianPackages } from '../systemPackages.mjs';

export { missingDebianPackages };

export const CODE_SERVER_VERSION = '4.100.3';
/** The @vscode/ripgrep version that code-server 4.100.3's VS Code pins; it names the download cache folder. */
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_ASSET = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';
const MARKER = '.dialogue-e2e-installed.json';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function canWriteUnder(dir) {
  let probe = dir;
  while (!fs.existsSync(probe)) probe = path.dirname(probe);
  try {
    fs.accessSync(probe, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The install folder: $DIALOGUE_E2E_CACHE, else under ~/.cache (outside the clone, so CI reuses it), else .vscode-test/. */
export function resolveCacheDir(env = process.env) {
  if (env.DIALOGUE_E2E_CACHE) return path.resolve(env.DIALOGUE_E2E_CACHE);
  const home = env.HOME || os.homedir();
  if (home) {
    const underHome = path.join(home, '.cache', 'dialogue-panel', `code-server-${CODE_SERVER_VERSION}`);
    if (canWriteUnder(underHome)) return underHome;
  }
  return path.join(repoRoot, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);
}

function describeMissing(missing) {
  return (
    `Missing Debian package(s): ${missing.join(', ')}.\n` +
    `Install them first (npm test does, as root): apt-get update && apt-get install -y ${missing.join(' ')}`
  );
}

function codeServerPaths(cacheDir) {
  const root = path.join(cacheDir, 'node_modules', 'code-server');
  return {
    root,
    serverMain: path.join(root, 'lib', 'vscode', 'out', 'server-main.js'),
    ripgrep: path.join(root, 'lib', 'vscode', 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'),
    // Built by code-server's postinstall (its nested npm install); absent if install scripts were skipped.
    nativePty: path.join(root, 'lib', 'vscode', 'node_modules', 'node-pty', 'build', 'Release', 'pty.node'),
  };
}

function isComplete(cacheDir) {
  const paths = codeServerPaths(cacheDir);
  try {
    const marker = JSON.parse(fs.readFileSync(path.join(cacheDir, MARKER), 'utf8'));
    return marker.version === CODE_SERVER_VERSION && fs.existsSync(paths.serverMain) && fs.existsSync(paths.ripgrep);
  } catch {
    return false;
  }
}

/**
 * @vscode/ripgrep's postinstall downloads rg from GitHub, which this network cannot reach; it uses a
 * tarball already in its cache folder instead, so we put Debian's rg there under the expected name.
 */
function seedRipgrepCache(log) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    log(`ripgrep seed skipped: not linux-x64 (${process.platform}-${process.arch}); the postinstall will download rg`);
    return;
  }
  const cacheFolder = path.join(os.tmpdir(), `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  const asset = path.join(cacheFolder, RIPGREP_ASSET);
  if (fs.existsSync(asset) && fs.statSync(asset).size > 0) {
    log(`ripgrep cache already seeded: ${asset}`);
    return;
  }
  const rg = findOnPath('rg');
  if (!rg) throw new Error(describeMissing(['ripgrep']));
  fs.mkdirSync(cacheFolder, { recursive: true });
  // The postinstall expects a bare `rg` at the archive root.
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-seed-'));
  fs.copyFileSync(fs.realpathSync(rg), path.join(staging, 'rg'));
  fs.chmodSync(path.join(staging, 'rg'), 0o755);
  execFileSync('tar', ['-czf', `${asset}.tmp`, '-C', staging, 'rg']);
  fs.renameSync(`${asset}.tmp`, asset);
  fs.rmSync(staging, { recursive: true, force: true });
  log(`ripgrep cache seeded from ${rg}: ${asset}`);
}

function runNpmInstall(cacheDir, log) {
  const args = ['install', '--no-audit', '--no-fund', '--no-package-lock', '--omit=dev', `code-server@${CODE_SERVER_VERSION}`];
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  // code-server's postinstall refuses to run as root without it (its nested `npm install`s need it too).
  if (isRoot) args.push('--unsafe-perm');
  const env = {
    ...process.env,
    // A postinstall runs `npx node-gyp`; without this npx waits for a "Need to install" answer forever.
    npm_config_yes: 'true',
    ...(isRoot ? { npm_config_unsafe_perm: 'true' } : {}),
  };
  log(`npm ${args.join(' ')}  (in ${cacheDir})`);
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, { cwd: cacheDir, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`npm install of code-server failed (exit ${code ?? signal})`)),
    );
  });
}

/**
 * Makes sure code-server is installed and complete in the cache folder; returns where it is.
 * @param {{ force?: boolean, log?: (line: string) => void }} [options]
 * @returns {Promise<{ cacheDir: string, root: string, serverMain: string, reused: boolean, seconds: number }>}
 */
export async function ensureCodeServer(options = {}) {
  const log = options.log ?? ((line) => console.error(`[code-server install] ${line}`));
  const started = Date.now();
  const cacheDir = resolveCacheDir();
  const paths = codeServerPaths(cacheDir);
  const missingForRun = missingDebianPackages('run');
  if (missingForRun.length > 0) log(`warning: ${describeMissing(missingForRun)}`);

  if (!options.force && isComplete(cacheDir)) {
    const seconds = (Date.now() - started) / 1000;
    log(`reusing code-server ${CODE_SERVER_VERSION} at ${cacheDir} (checked in ${seconds.toFixed(2)} s)`);
    return { cacheDir, root: paths.root, serverMain: paths.serverMain, reused: true, seconds };
  }

  const missing = missingDebianPackages('install');
  if (missing.length > 0) throw new Error(describeMissing(missing));
  if (path.relative(repoRoot, cacheDir).startsWith('..') === false) {
    log(`note: installing inside the clone (${cacheDir}); set DIALOGUE_E2E_CACHE or HOME to keep it across clones`);
  }

  // A folder without the marker is a half-finished install: start over rather than trust it.
  fs.rmSync(cacheDir, { recursive: true, force: true });
  fs.mkdirSync(cacheDir, { recursive: true });
  fs.writeFileSync(
    path.join(cacheDir, 'package.json'),
    JSON.stringify(
      {
        name: 'dialogue-e2e-code-server',
        private: true,
        description: 'cache of the e2e harness; safe to delete',
        // npm 11 asks for install scripts to be approved; code-server's postinstall is the whole install.
        allowScripts: { 'code-server': true, argon2: true },
      },
      null,
      2,
    ),
  );
  seedRipgrepCache(log);
  await runNpmInstall(cacheDir, log);
  if (!fs.existsSync(paths.serverMain)) throw new Error(`install finished but ${paths.serverMain} is missing`);
  if (!fs.existsSync(paths.ripgrep)) throw new Error(`install finished but ripgrep is missing at ${paths.ripgrep}`);
  if (!fs.existsSync(paths.nativePty)) {
    throw new Error(`install finished but ${paths.nativePty} was not built: did npm skip code-server's install scripts?`);
  }

  const seconds = (Date.now() - started) / 1000;
  fs.writeFileSync(
    path.join(cacheDir, MARKER),
    JSON.stringify({ version: CODE_SERVER_VERSION, installedAt: new Date().toISOString(), seconds }, null, 2),
  );
  log(`installed code-server ${CODE_SERVER_VERSION} in ${seconds.toFixed(1)} s at ${cacheDir}`);
  return { cacheDir, root: paths.root, serverMain: paths.serverMain, reused: false, seconds };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const result = await ensureCodeServer({ force: process.argv.includes('--force') });
    console.log(result.root);
  } catch (error) {
    console.error(`[code-server install] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
