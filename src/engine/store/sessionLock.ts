import * as fsSync from 'node:fs';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { SESSION_FILES } from './sessionFiles';

/**
 * One writer per session folder: `.session.lock` holds the writing process's pid and host, created with O_EXCL
 * so two processes can never both take it. A lock whose process is gone (a crash, SIGKILL) is stale and is
 * taken over, atomically (rename it aside first, so of two processes that both see it stale only one wins).
 */

/** The folder is being written by another live process. */
export class SessionBusyError extends Error {}

/** What the lock file says about its holder. */
export interface LockHolder {
  pid: number;
  host: string;
  at: string;
}

// A lock file with no readable content is a process caught between create and write: stale only once old.
const UNREADABLE_GRACE_MS = 10_000;

export class SessionLock {
  private released = false;
  private constructor(readonly file: string) {}

  /** Takes the folder's lock, or throws `SessionBusyError` naming the live holder. */
  static async acquire(dir: string): Promise<SessionLock> {
    const file = path.join(dir, SESSION_FILES.lock);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = fsSync.openSync(file, 'wx');
        try {
          fsSync.writeSync(fd, JSON.stringify({ pid: process.pid, host: os.hostname(), at: new Date().toISOString() } satisfies LockHolder));
        } finally {
          fsSync.closeSync(fd);
        }
        return new SessionLock(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = await liveHolder(dir);
      if (holder) throw new SessionBusyError(`${dir} is open in another process (pid ${holder.pid} on ${holder.host}, since ${holder.at}): never two writers on one session`);
      await takeAside(file);
    }
    throw new SessionBusyError(`${dir}: could not take the session lock (another process keeps taking it)`);
  }

  /** Removes the lock file; releasing twice does nothing. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await fs.rm(this.file, { force: true });
  }
}

/** Another process holding the folder's lock, if it is alive (or cannot be checked: another host); null if none or stale. */
export async function liveHolder(dir: string): Promise<LockHolder | null> {
  const file = path.join(dir, SESSION_FILES.lock);
  let text: string;
  let mtimeMs: number;
  try {
    [text, mtimeMs] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file).then((s) => s.mtimeMs)]);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let holder: LockHolder | null = null;
  try {
    const j = JSON.parse(text) as Partial<LockHolder>;
    if (typeof j.pid === 'number' && typeof j.host === 'string') holder = { pid: j.pid, host: j.host, at: String(j.at ?? '') };
  } catch {
    holder = null;
  }
  if (!holder) return Date.now() - mtimeMs < UNREADABLE_GRACE_MS ? { pid: 0, host: 'unknown', at: new Date(mtimeMs).toISOString() } : null;
  if (holder.host !== os.hostname()) return holder;
  // This process's own lock is not another writer: within one process the caller owns its sessions (the
  // panel keeps one live session per folder), and a session object it abandoned is as good as dead.
  if (holder.pid === process.pid) return null;
  return processAlive(holder.pid) ? holder : null;
}

/** Removes a stale lock (one `liveHolder` says nobody holds). */
export async function removeStaleLock(dir: string): Promise<void> {
  if (await liveHolder(dir)) return;
  await takeAside(path.join(dir, SESSION_FILES.lock));
}

export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function takeAside(file: string): Promise<void> {
  const aside = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await fs.rename(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // another process took it aside first
    throw err;
  }
  await fs.rm(aside, { force: true });
}
