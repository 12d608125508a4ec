// `npm start`: build, then open a real VS Code with the extension loaded on this repository's sample
// workspace. The desktop `code` is used when it is installed; otherwise a real VS Code server (the npm
// package code-server, installed once outside the clone) runs on localhost and its address is printed.
// Ending this process by Ctrl+C, SIGTERM or SIGHUP (closing the terminal) also stops that server.
// DIALOGUE_START_NO_BUILD=1 skips the build (tests that already built use it).
//
// `npm start -- --demo` opens the built-in demo directly (no key needed): the window opens on a fresh folder
// holding only a `.dialogue-demo` marker (the extension's `workspaceContains` activation, so it wakes at once)
// and the extension host gets DIALOGUE_DEMO=1, which makes the extension open the demo panel as it activates.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const demo = args.includes('--demo');
const unknown = args.filter((a) => a.startsWith('--') && a !== '--demo');
if (unknown.length > 0) {
  console.error(`npm start: unknown option ${unknown.join(', ')} (known: --demo)`);
  process.exit(2);
}
const folderArg = args.find((a) => !a.startsWith('--'));
let workspace = path.resolve(folderArg ?? root);
if (demo) {
  // The demo writes nothing to a workspace (its sessions go to the extension's storage): a throwaway folder
  // carries the marker, so no folder of the researcher's is touched.
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'dialogue-demo-'));
  fs.writeFileSync(path.join(workspace, '.dialogue-demo'), 'Opened by `npm start -- --demo`: the Dialogue extension opens its demo panel here.\n');
  process.env.DIALOGUE_DEMO = '1';
}

if (!process.env.DIALOGUE_START_NO_BUILD) {
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/genSchema.ts'], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
}

const hasCode = !process.env.DIALOGUE_START_BROWSER && spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0;
if (hasCode) {
  console.log(`Opening VS Code on ${workspace} with the extension from ${root}`);
  spawn('code', ['--new-window', `--extensionDevelopmentPath=${root}`, workspace], { stdio: 'inherit', detached: true, env: process.env }).unref();
} else {
  // The server runs the extension host, so the key and endpoint come from this shell's environment.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'e2e', 'serveWorkbench.ts'), workspace], {
    cwd: root,
    stdio: 'inherit',
  });
  // The child owns the server (in its own process group) and stops it on SIGTERM; whatever ends this process
  // is passed on as SIGTERM, then this process waits for the child to finish stopping before it exits.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => {
    // The demo's throwaway folder goes with the server that had it open.
    if (demo) fs.rmSync(workspace, { recursive: true, force: true });
    process.exit(code ?? (signal ? 1 : 0));
  });
}
