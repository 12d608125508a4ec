import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** The file names inside a session folder (and the sessions folder's index). Nothing else spells them. */
export const SESSION_FILES = {
  journal: 'journal.jsonl',
  log: 'event-log.json',
  transcript: 'transcript.md',
  context: 'context.jsonl',
  index: 'index.json',
  /** held while a process writes the session (sessionLock.ts); a leftover from a crash is removed by recovery. */
  lock: '.session.lock',
} as const;

const SLUG_MAX = 40;

/**
 * Any folder name a session may have on every OS (ids from makeSessionId always qualify; hand-given ones and the
 * ids that link carried-over sessions must too): no separators, no leading or trailing dot, no `..`.
 */
export function isSessionFolderName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(name) && !name.endsWith('.');
}

/** What a session id (and so a folder name) must look like: safe on Windows, macOS and Linux. */
export const SESSION_ID_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{4}Z-[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * `2026-11-22T0407Z-harbour-deal`: UTC minute first so folder listings sort by time, then a slug of the title.
 * No `:` (Windows), no leading dot, no trailing dot or space, and never a reserved device name.
 */
export function makeSessionId(startedAt: Date, title: string): string {
  if (Number.isNaN(startedAt.getTime())) throw new Error('makeSessionId: startedAt is not a valid date');
  const iso = startedAt.toISOString(); // 2026-11-22T04:07:31.000Z
  const stamp = `${iso.slice(0, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
  return `${stamp}-${slugify(title)}`;
}

function slugify(title: string): string {
  const ascii = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // combining marks: "Café" -> "Cafe"
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const cut = ascii.slice(0, SLUG_MAX).replace(/-+$/, '');
  return cut || 'session';
}

/**
 * Writes `data` so that readers see either the old file or the whole new one, never a prefix: temp file in the
 * same directory (rename is only atomic within one file system), fsync, rename, then fsync the directory so
 * the rename itself survives a power cut. Errors propagate; the temp file is removed on failure.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
  let handle: fs.FileHandle | null = null;
  try {
    handle = await fs.open(temp, 'wx');
    await handle.writeFile(data, 'utf8');
    await handle.sync();
    await handle.close();
    handle = null;
    await fs.rename(temp, file);
  } catch (err) {
    if (handle) await handle.close().catch(() => undefined);
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dir);
}

const TEMP_SUFFIX = '.tmp';
const TEMP_NAME = /^\..+\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/**
 * Removes the temp files a crashed process left in `dir` (`writeFileAtomic`'s, named with their writer's pid).
 * A temp whose writer is alive is in use and stays. Returns the names removed.
 */
export async function removeStaleTemps(dir: string, alive: (pid: number) => boolean): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw err;
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    if (!m || alive(Number(m[1]))) continue;
    await fs.rm(path.join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

/**
 * Makes a directory entry (a create or rename) durable. Windows cannot open a directory for fsync and
 * journals its metadata itself, so EPERM/EISDIR/EINVAL there are expected and not an error.
 */
export async function fsyncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | null = null;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!(process.platform === 'win32' && (code === 'EPERM' || code === 'EISDIR' || code === 'EINVAL' || code === 'EACCES'))) throw err;
  } finally {
    await handle?.close();
  }
}

/** True when `file` exists (any kind); errors other than "not found" propagate. */
export async function pathExists(file: string): Promise<boolean> {
  try {
    await fs.stat(file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw err;
  }
}
