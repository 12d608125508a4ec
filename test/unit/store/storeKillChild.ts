/**
 * Child process for the SIGKILL tests (not a test file): journals a scripted session and dies by SIGKILL.
 *   self  <sessionsDir> <n>: appends the intro and n scripted events, then kills itself at once (no fsync).
 *   loop  <sessionsDir>: appends forever, printing each seq after its append returns; the parent kills it.
 */
import { scriptedEvents, startSession } from './storeTestSession';

async function main(): Promise<void> {
  const [mode, sessionsDir, n] = process.argv.slice(2);
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
