import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fsSync from 'node:fs';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ContextLog } from '../../../src/engine/prompt/contextLog';
import { SESSION_FILES } from '../../../src/engine/store/sessionFiles';
import { writeIndex } from '../../../src/engine/store/sessionIndex';
import { recoverAll } from '../../../src/engine/store/sessionRecovery';
import { removeTempDirs, startSession, tempDir, turnEvents } from './storeTestSession';

const CHILD = path.join(__dirname, 'storeKillChild.ts');
const REPO = path.join(__dirname, '..', '..', '..');

function killedChild(args: string[]): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: REPO, stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (_code, signal) => resolve(signal));
  });
}

// A journal written by this process stands for one a dead process left: its lock goes, as a dead holder's is stale.
async function crashed(sessions: string, events: (j: Awaited<ReturnType<typeof startSession>>) => void): Promise<string> {
  const j = await startSession(sessions, 'Faulty');
  events(j);
  await fs.rm(path.join(j.dir, SESSION_FILES.lock));
  return j.dir;
}

after(removeTempDirs);

describe('store: faults that must never damage a folder', () => {
  for (const [what, edit] of [
    ['a seq going back', (lines: string[]) => lines.map((l, i) => (i === lines.length - 2 ? l.replace(/"seq":(\d+)/, '"seq":2') : l))],
    ['a turn going back', (lines: string[]) => lines.map((l, i) => (i === lines.length - 2 ? l.replace(/"turn":2/, '"turn":1') : l))],
    ['a speaker who is not present', (lines: string[]) => lines.map((l) => l.replace('"speaker":"oskar","text":"Oskar answers 2"', '"speaker":"ilse","text":"Oskar answers 2"'))],
  ] as const) {
    it(`recovery refuses a journal that parses but has ${what}, and leaves it in place`, async () => {
      const sessions = await tempDir();
      const dir = await crashed(sessions, (j) => [...turnEvents(1), ...turnEvents(2)].forEach((e) => j.append(e)));
      const file = path.join(dir, SESSION_FILES.journal);
      const lines = (await fs.readFile(file, 'utf8')).split('\n');
      const bad = edit(lines).join('\n');
      assert.notEqual(bad, lines.join('\n'));
      await fs.writeFile(file, bad);
      const [r] = await recoverAll(sessions);
      assert.equal(r!.ok, false, r!.message);
      assert.match(r!.message, /inconsistent/);
      assert.equal(await fs.readFile(file, 'utf8'), bad, 'the journal is left exactly as it was');
      assert.equal(fsSync.existsSync(path.join(dir, SESSION_FILES.log)), false);
    });
  }

  it('a start SIGKILLed after its header, or right after its lock, is cleanly removed by recover', async () => {
    const sessions = await tempDir();
    assert.equal(await killedChild(['start-header', sessions]), 'SIGKILL');
    assert.equal(await killedChild(['start-lock', sessions]), 'SIGKILL');
    assert.equal((await fs.readdir(sessions)).length, 2);
    const results = await recoverAll(sessions);
    assert.deepEqual(results.map((r) => r.ok), [true, true]);
    assert.ok(results.every((r) => /killed while starting/.test(r.message)), JSON.stringify(results));
    assert.deepEqual(await fs.readdir(sessions), []);
  });

  it('recovery refuses a folder whose writer is alive in another process, and removes the stale lock of a dead one', async () => {
    const sessions = await tempDir();
    const dir = await crashed(sessions, (j) => turnEvents(1).forEach((e) => j.append(e)));
    const lock = (pid: number) => fs.writeFile(path.join(dir, SESSION_FILES.lock), JSON.stringify({ pid, host: os.hostname(), at: 'then' }));
    await lock(process.ppid); // a live process other than this one
    const [busy] = await recoverAll(sessions);
    assert.equal(busy!.ok, false);
    assert.match(busy!.message, /still being written by process/);
    assert.ok(fsSync.existsSync(path.join(dir, SESSION_FILES.journal)));
    await lock(2 ** 22 + 7); // no such process
    const [ok] = await recoverAll(sessions);
    assert.equal(ok!.ok, true, ok!.message);
    assert.deepEqual((await fs.readdir(dir)).sort(), [SESSION_FILES.log, SESSION_FILES.transcript]);
  });

  it('recover and index remove temp files a crashed writer left, and keep a live writer\'s', async () => {
    const sessions = await tempDir();
    const dir = await crashed(sessions, (j) => turnEvents(1).forEach((e) => j.append(e)));
    const dead = `.${SESSION_FILES.log}.${2 ** 22 + 9}.0123456789ab.tmp`;
    const live = `.${SESSION_FILES.log}.${process.pid}.0123456789ab.tmp`;
    await fs.writeFile(path.join(dir, dead), 'half');
    await fs.writeFile(path.join(dir, live), 'in use');
    await fs.writeFile(path.join(sessions, `.${SESSION_FILES.index}.${2 ** 22 + 9}.ba9876543210.tmp`), 'half');
    await recoverAll(sessions);
    assert.deepEqual((await fs.readdir(dir)).filter((n) => n.endsWith('.tmp')), [live]);
    await fs.writeFile(path.join(dir, dead), 'half again');
    await writeIndex(sessions);
    assert.deepEqual((await fs.readdir(dir)).filter((n) => n.endsWith('.tmp')), [live]);
    assert.deepEqual((await fs.readdir(sessions)).filter((n) => n.endsWith('.tmp')), []);
  });

  it('context.jsonl survives a short write on a full disk: cut back to its last whole line, and still appendable', async () => {
    const dir = await tempDir();
    const file = path.join(dir, SESSION_FILES.context);
    const log = ContextLog.create(file, ['rules']);
    log.push({ role: 'user', content: ['one'] });
    const before = await fs.readFile(file, 'utf8');
    // The CommonJS module object, which the engine's `fs.writeSync` reads through (the ESM namespace is read-only).
    const fsModule = require('node:fs') as { writeSync: typeof fsSync.writeSync };
    const real = fsModule.writeSync;
    let calls = 0;
    (fsModule as { writeSync: unknown }).writeSync = (fd: number, buf: Buffer, off: number, len: number): number => {
      if (++calls === 1) return real(fd, buf, off, Math.floor(len / 2));
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    };
    try {
      assert.throws(() => log.push({ role: 'assistant', content: ['a reply that does not fit'] }), /cut back/);
    } finally {
      fsModule.writeSync = real;
    }
    assert.equal(await fs.readFile(file, 'utf8'), before, 'no torn line is left behind');
    log.push({ role: 'assistant', content: ['two'] });
    log.close();
    assert.deepEqual(ContextLog.open(file).context.messages.map((m) => m.content[0]), ['one', 'two']);
  });
});
