// `npm start` in browser mode (scripts/start.mjs, no desktop `code`), ended the ways a terminal ends it:
// SIGTERM or SIGHUP to the parent must stop the VS Code server it started (a process group of its own), not
// only Ctrl+C. Real processes: the script is spawned, the server's process group is checked gone afterwards.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UI_ENV } from '../uiSession';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const GROUP_LINE = /^VS Code server process group: (\d+)$/m;

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(probe: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Starts `node scripts/start.mjs WORKSPACE` in browser mode; resolves with it and the server's process group. */
function startScript(workspace: string): Promise<{ child: ChildProcess; pgid: number; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'scripts', 'start.mjs'), workspace], {
    cwd: repoRoot,
    // dist/ is already built by the e2e run; no key, so the extension stays idle.
    env: { ...process.env, DIALOGUE_START_BROWSER: '1', DIALOGUE_START_NO_BUILD: '1', ANTHROPIC_API_KEY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start printed no server process group in 90 s:\n${output}`)), 90_000);
    const read = (chunk: Buffer): void => {
      output += chunk.toString();
      const pgid = GROUP_LINE.exec(output)?.[1];
      if (!pgid) return;
      clearTimeout(timer);
      resolve({ child, pgid: Number(pgid), exited });
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited (${code}) before the server was up:\n${output}`));
    });
  });
}

describe('npm start (browser mode) stops its VS Code server however it is ended', function () {
  this.timeout(150_000);
  // It exercises the development checkout's start script, not an installed copy: once per e2e run.
  before(function () {
    if (process.env[UI_ENV.copy] === 'installed') this.skip();
  });

  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    it(`${signal} to the parent stops the server's whole process group`, async () => {
      const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'dialogue-start-'));
      let pgid = 0;
      try {
        const started = await startScript(workspace);
        pgid = started.pgid;
        assert.ok(groupAlive(pgid), 'the server runs before the signal');
        started.child.kill(signal);
        await started.exited;
        await waitUntil(() => !groupAlive(pgid), `process group ${pgid} to end after ${signal}`, 20_000);
      } finally {
        if (pgid && groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
        fs.rmSync(workspace, { recursive: true, force: true });
      }
    });
  }
});
