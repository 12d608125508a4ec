import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { startStandIn, type StandIn } from '../../standIn/messagesStandIn';

export const ROOT = path.join(__dirname, '..', '..', '..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');
export const CLI_KEY = 'sk-cli-test-key-0000000000000';

/** How a CLI process ended. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A CLI process under way: its output so far and how it ends. */
export interface CliProcess {
  child: ChildProcess;
  output(): string;
  done: Promise<CliRun>;
}

/** The shipped bundles, built once per test file by the project's own build script (`node esbuild.mjs`). */
export async function buildDist(): Promise<void> {
  await promisify(execFile)(process.execPath, ['esbuild.mjs'], { cwd: ROOT });
}

/** A stand-in and a workspace with the sample characters per test; `run` spawns `node dist/cli.js`. */
export interface CliRig {
  readonly api: StandIn;
  readonly work: string;
  readonly sessionsDir: string;
  start(args: string[], env?: Record<string, string | undefined>): CliProcess;
  run(args: string[], env?: Record<string, string | undefined>): Promise<CliRun>;
  script(lines: unknown[]): Promise<string>;
}

export function useCliRig(): CliRig {
  let api: StandIn | undefined;
  let work = '';
  before(buildDist);
  beforeEach(async () => {
    api = await startStandIn();
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'dp-cli-record-'));
    await fs.cp(path.join(ROOT, 'characters'), path.join(work, 'characters'), { recursive: true });
  });
  afterEach(async () => {
    await api?.close();
    await fs.rm(work, { recursive: true, force: true });
  });
  const start = (args: string[], env: Record<string, string | undefined> = {}): CliProcess => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH, ANTHROPIC_API_KEY: CLI_KEY, ANTHROPIC_BASE_URL: api!.url, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = new Promise<CliRun>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
    return { child, output: () => stdout, done };
  };
  return {
    get api() {
      return api!;
    },
    get work() {
      return work;
    },
    get sessionsDir() {
      return path.join(work, 'sessions');
    },
    start,
    run: (args, env) => start(args, env).done,
    script: async (lines) => {
      const file = path.join(work, `script-${Math.random().toString(36).slice(2)}.jsonl`);
      await fs.writeFile(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
      return file;
    },
  };
}

export const lastLine = (s: string): string => s.trim().split('\n').at(-1)!;

/** Every file under `dir` with its bytes, for "left exactly as it was" comparisons. */
export async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of (await fs.readdir(dir, { recursive: true })).sort()) {
    const file = path.join(dir, name);
    if ((await fs.stat(file)).isFile()) out.set(name, (await fs.readFile(file)).toString('base64'));
  }
  return out;
}
