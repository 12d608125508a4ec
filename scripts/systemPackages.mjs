// The Debian packages the tests need besides npm's, in one list, and the step that installs them, so that
// `npm test` on a fresh Debian machine sets itself up (as root, or with passwordless sudo) instead of failing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Each entry says what needs it and how to tell it is there without asking dpkg (which may be absent). */
export const DEBIAN_PACKAGES = [
  { name: 'chromium', neededFor: 'run', present: () => fs.existsSync('/usr/bin/chromium') },
  { name: 'ripgrep', neededFor: 'install', present: () => findOnPath('rg') !== undefined },
  // The `kerberos` native module in VS Code's dependencies compiles against these headers.
  { name: 'libkrb5-dev', neededFor: 'install', present: () => fs.existsSync('/usr/include/gssapi/gssapi.h') },
  // Characters' glyphs are often CJK; without these fonts the screenshots show empty boxes.
  { name: 'fonts-noto-cjk', neededFor: 'run', present: () => fs.existsSync('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc') },
];

export function findOnPath(command) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not in this PATH entry
    }
  }
  return undefined;
}

/** Names of missing Debian packages needed for `purpose` ('install', 'run', or undefined for all). */
export function missingDebianPackages(purpose) {
  return DEBIAN_PACKAGES.filter((p) => (purpose === undefined || p.neededFor === purpose) && !p.present()).map((p) => p.name);
}

/**
 * Installs what is missing with apt-get. Returns null when everything is there (or was installed), else one
 * line saying what to run by hand: not root and no passwordless sudo, or not a Debian-like machine.
 */
export function ensureDebianPackages(log = (line) => process.stderr.write(`${line}\n`)) {
  const missing = missingDebianPackages();
  if (missing.length === 0) return null;
  const manual = `install them first: sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`;
  if (process.platform !== 'linux' || !findOnPath('apt-get')) return `missing ${missing.join(', ')} (not a Debian-like machine): ${manual}`;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = root ? [] : spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0 ? ['sudo', '-n'] : null;
  if (sudo === null) return `missing ${missing.join(', ')}: ${manual}`;
  log(`installing Debian packages the tests need: ${missing.join(' ')}`);
  const run = (args) => {
    const [cmd, ...rest] = [...sudo, ...args];
    return spawnSync(cmd, rest, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
  };
  if (!run(['apt-get', 'update', '-qq']) || !run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing])) {
    return `apt-get could not install ${missing.join(', ')}: ${manual}`;
  }
  const still = missingDebianPackages();
  return still.length === 0 ? null : `still missing after apt-get: ${still.join(', ')}`;
}
