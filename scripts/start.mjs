// `npm start`: build, then open a real VS Code with the extension loaded on this repository's sample
// workspace. The desktop `code` is used when it is installed; otherwise a real VS Code server (the npm
// package code-server, installed once outside the clone) runs on localhost and its address is printed.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const workspace = path.resolve(process.argv[2] ?? root);

execFileSync(process.execPath, ['--import', 'tsx', 'scripts/genSchema.ts'], { cwd: root, stdio: 'inherit' });
execFileSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });

const hasCode = !process.env.DIALOGUE_START_BROWSER && spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0;
if (hasCode) {
  console.log(`Opening VS Code on ${workspace} with the extension from ${root}`);
  spawn('code', ['--new-window', `--extensionDevelopmentPath=${root}`, workspace], { stdio: 'inherit', detached: true }).unref();
} else {
  // The server runs the extension host, so the key and endpoint come from this shell's environment.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'e2e', 'serveWorkbench.ts'), workspace], {
    cwd: root,
    stdio: 'inherit',
  });
  const stop = () => child.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', (code) => process.exit(code ?? 0));
}
