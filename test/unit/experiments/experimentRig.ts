import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.join(__dirname, '..', '..', '..');
export const KEY = 'sk-experiment-test-key-00000000';

/** One finished CLI process. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Builds the CLI bundle as shipped (esbuild, like `node esbuild.mjs`) into a temp folder; returns its path. */
export async function buildCli(): Promise<string> {
  const out = await fs.mkdtemp(path.join(os.tmpdir(), 'dp-exp-build-'));
  const cli = path.join(out, 'cli.js');
  await build({ entryPoints: [path.join(ROOT, 'src', 'cli.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: cli, logLevel: 'silent' });
  return cli;
}

/** A workspace with the repository's sample characters, an experiment file and its script. */
export async function makeWorkspace(yaml: string, script: unknown[] = [{ say: 'Where does everyone stand on the marina?' }, { say: 'And the price?' }, { say: 'Last word?' }]): Promise<{ dir: string; file: string }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dp-exp-'));
  await fs.cp(path.join(ROOT, 'characters'), path.join(dir, 'characters'), { recursive: true });
  await fs.writeFile(path.join(dir, 'probe.jsonl'), script.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const file = path.join(dir, 'experiment.yaml');
  await fs.writeFile(file, yaml);
  return { dir, file };
}

/** Runs `node cli.js ...args`; `watch` sees stdout as it grows and may send the child a signal. */
export function runCli(cli: string, args: string[], env: Record<string, string | undefined>, watch?: (stdout: string, signal: (s: NodeJS.Signals) => void) => void): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH, ANTHROPIC_API_KEY: KEY, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      watch?.(stdout, (s) => child.kill(s));
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export const lastLine = (s: string): string => s.trim().split('\n').at(-1)!;

/** Every file under `dir` with its bytes, for "left byte-for-byte" and "wrote nothing" checks. */
export async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.set(path.relative(dir, p), (await fs.readFile(p)).toString('base64'));
    }
  };
  await walk(dir);
  return out;
}
