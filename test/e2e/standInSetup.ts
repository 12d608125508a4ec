// The real extension's setup module (run.mjs --setup; the default target's): starts the Messages API
// stand-in as its own process on loopback, paced so a person (or Playwright) can press Stop mid-stream,
// and lays out a workspace template holding a copy of the repository's sample `characters/`, committed in a
// Git repository of its own (so publishing has a repository to commit into, as a researcher's viewer repo).
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { E2eSetup } from './e2eConfig';

const repoRoot = path.resolve(__dirname, '..', '..');
const START_TIMEOUT_MS = 20_000;

/** A key only the stand-in accepts: proves the extension sends the key it was given, never a real one. */
export const E2E_API_KEY = ['sk', 'ant', 'e2e-test-key-not-real-000000'].join('-'); // assembled so no tracked file holds a key-shaped literal

/**
 * How the stand-in streams: 6 characters every 20 ms makes a three-member turn last ~3 s, long enough to
 * watch the drawer fill and to click Stop, short enough to keep the whole run quick.
 */
export const STAND_IN_PACING = { delayMs: 20, chunkSize: 6 } as const;

/** Starts the stand-in and prepares the workspace template; teardown stops it and removes the template. */
export async function setup(): Promise<E2eSetup> {
  const template = fs.mkdtempSync(path.join(os.tmpdir(), 'dialogue-e2e-template-'));
  fs.cpSync(path.join(repoRoot, 'characters'), path.join(template, 'characters'), { recursive: true });
  initRepository(template);
  const standIn = await startStandInProcess();
  return {
    env: { ANTHROPIC_BASE_URL: standIn.url, ANTHROPIC_API_KEY: E2E_API_KEY },
    workspaceSource: template,
    teardown: async () => {
      await standIn.stop();
      fs.rmSync(template, { recursive: true, force: true });
    },
  };
}

/**
 * `git init` with one commit of what the template holds; the identity is the repository's own (no global
 * git config is read or needed), and nothing signs. Each window's workspace is a copy, `.git` included.
 */
function initRepository(dir: string): void {
  const git = (...args: string[]): void => void execFileSync('git', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  git('init', '--quiet', '--initial-branch=main');
  git('config', 'user.name', 'Dialogue E2E');
  git('config', 'user.email', 'dialogue-e2e@example.invalid');
  git('config', 'commit.gpgsign', 'false');
  git('add', '--all');
  git('commit', '--quiet', '--message', 'The e2e workspace: sample characters');
}

interface StandInProcess {
  url: string;
  stop(): Promise<void>;
}

/** test/standIn/main.ts in its own process, as the CLI and a demo would use it; resolves once it listens. */
function startStandInProcess(): Promise<StandInProcess> {
  const args = [
    '--import', 'tsx', path.join(repoRoot, 'test', 'standIn', 'main.ts'),
    '--port', '0',
    '--delay-ms', String(STAND_IN_PACING.delayMs),
    '--chunk-size', String(STAND_IN_PACING.chunkSize),
    '--api-key', E2E_API_KEY,
  ];
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };

  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`the stand-in did not print STANDIN_URL within ${START_TIMEOUT_MS} ms; stderr: ${stderr}`));
    }, START_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = /^STANDIN_URL=(\S+)$/m.exec(stdout)?.[1];
      if (!url) return;
      clearTimeout(timer);
      resolve({ url, stop });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the stand-in exited (${code ?? signal}) before listening; stderr: ${stderr}`));
    });
  });
}
