/**
 * Child process for the SIGKILL tests (not a test file): journals a scripted session and dies by SIGKILL.
 *   self  <sessionsDir> <n>: appends the intro and n scripted events, then kills itself at once (no fsync).
 *   loop  <sessionsDir>: appends forever, printing each seq after its append returns; the parent kills it.
 *   start-header <sessionsDir>: a start killed right after the journal's header line, before the intro.
 *   start-lock <sessionsDir>: a start killed right after the folder and its lock were made.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SessionJournal } from '../../../src/engine/store/sessionJournal';
import { SessionLock } from '../../../src/engine/store/sessionLock';
import { scriptedEvents, startSession } from './storeTestSession';

async function main(): Promise<void> {
  const [mode, sessionsDir, n] = process.argv.slice(2);
  if (mode === 'start-header') {
    await SessionJournal.create(sessionsDir, { session_id: '', title: 'Killed while starting', started_at: new Date().toISOString(), model: 'claude-test', brief: null });
    process.kill(process.pid, 'SIGKILL');
    return;
  }
  if (mode === 'start-lock') {
    const dir = path.join(sessionsDir, '2026-12-01T2200Z-killed-at-the-lock');
    await fs.mkdir(dir, { recursive: true });
    await SessionLock.acquire(dir);
    process.kill(process.pid, 'SIGKILL');
    return;
  }
  const journal = await startSession(sessionsDir, 'Killed mid-turn');
  process.stdout.write(`dir ${journal.dir}\n`);
  const events = scriptedEvents(10_000);
  if (mode === 'self') {
    for (const e of events.slice(0, Number(n))) journal.append(e);
    process.kill(process.pid, 'SIGKILL');
    return;
  }
  for (const e of events) {
    const stored = journal.append(e);
    process.stdout.write(`seq ${stored.seq}\n`);
    if (e.type === 'floor') await journal.turnBoundary();
    await new Promise((r) => setImmediate(r));
  }
}

void main();
