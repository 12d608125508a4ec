import { spawn, type ChildProcess } from 'node:child_process';
import { REPO_ROOT } from './panelScript';

/**
 * The Messages API stand-in (test/standIn/main.ts) in its own process, so its CPU time is never counted as the
 * engine's or the runner's; resolves with its URL once it listens. The caller kills `child` when done.
 */
export async function standInProcess(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/standIn/main.ts', '--port', '0'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /STANDIN_URL=(\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the stand-in exited (${code}) before listening`)));
  });
  return { url, child };
}
