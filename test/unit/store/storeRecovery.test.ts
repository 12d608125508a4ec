import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { SessionEvent } from '../../../src/engine/store/sessionSchema';
import { SESSION_FILES } from '../../../src/engine/store/sessionFiles';
import { SessionJournal } from '../../../src/engine/store/sessionJournal';
import { auditSessions, formatProblem } from '../../../src/engine/store/sessionAudit';
import { findUnclosed, recoverAll, recoverSession } from '../../../src/engine/store/sessionRecovery';
import { scriptedEvents, startSession, removeTempDirs, tempDir, turnEvents } from './storeTestSession';

const CHILD = path.join(__dirname, 'storeKillChild.ts');
const REPO = path.join(__dirname, '..', '..', '..');

/** Runs the journaling child; `onLine` may kill it. Resolves with the signal it died of and its stdout lines. */
function runChild(args: string[], onLine?: (line: string, kill: () => void) => void): Promise<{ signal: NodeJS.Signals | null; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let buf = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        lines.push(line);
        onLine?.(line, () => child.kill('SIGKILL'));
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code, signal) => (code ? reject(new Error(`child exited ${code}: ${stderr}`)) : resolve({ signal, lines })));
  });
}

/** What the recovered log holds for the scripted part (minus seq/at), to compare with the script. */
function comparable(e: SessionEvent): Record<string, unknown> {
  const { seq: _seq, at: _at, ...rest } = e;
  return rest;
}

async function onlySession(sessions: string): Promise<string> {
  const dirs = await fs.readdir(sessions);
  assert.equal(dirs.length, 1);
  return path.join(sessions, dirs[0]);
}

after(removeTempDirs);

describe('store: recovery', () => {
  it('a process SIGKILLed right after an append loses nothing; the cut turn closes as interrupted; audit passes', async () => {
    const sessions = await tempDir();
    const appended = 7 + 4; // turn 1 complete, turn 2 cut after mara's response
    const { signal } = await runChild(['self', sessions, String(appended)]);
    assert.equal(signal, 'SIGKILL');
    const dir = await onlySession(sessions);
    assert.deepEqual(await findUnclosed(sessions), [dir]);
    const { log } = await recoverSession(dir);
    const script = scriptedEvents(2).slice(0, appended);
    assert.deepEqual(log.events.slice(1, 1 + appended).map(comparable), script);
    const added = log.events.slice(1 + appended);
    assert.deepEqual(added.map((e) => e.type), ['error', 'floor']);
    assert.ok(added[0].type === 'error' && added[0].kind === 'interrupted' && added[0].turn === 2);
    assert.ok(log.recovered_at);
    assert.equal(log.ended_at, log.events[appended].at, 'ended_at is the last moment the session was known alive');
    assert.deepEqual(await findUnclosed(sessions), []);
    const audit = await auditSessions(sessions);
    assert.deepEqual(audit.problems.map(formatProblem), []);
  });

  it('a process SIGKILLed at an arbitrary moment keeps every event it reported appended', async () => {
    const sessions = await tempDir();
    let reported = 0;
    const { signal } = await runChild(['loop', sessions], (line, kill) => {
      const m = /^seq (\d+)$/.exec(line);
      if (!m) return;
      reported = Number(m[1]);
      if (reported === 40) kill();
    });
    assert.equal(signal, 'SIGKILL');
    const [result] = await recoverAll(sessions);
    assert.equal(result.ok, true, result.message);
    const log = JSON.parse(await fs.readFile(path.join(result.dir, SESSION_FILES.log), 'utf8')) as { events: SessionEvent[] };
    const seqs = log.events.map((e) => e.seq);
    assert.deepEqual(seqs, seqs.map((_, i) => i + 1), 'seq has no gaps');
    assert.ok(seqs.length >= reported, `${seqs.length} events recovered, ${reported} were reported`);
    // Recovery may add at the end: a torn-line anomaly, then error(interrupted) + floor. The rest is the script.
    const body = log.events.slice(1);
    const last2 = body.slice(-2);
    if (last2[0]?.type === 'error' && last2[0].kind === 'interrupted' && last2[1]?.type === 'floor') body.splice(-2);
    const torn = body[body.length - 1];
    if (torn?.type === 'anomaly' && torn.kind === 'journal-torn-line') body.pop();
    assert.ok(reported >= 40 && body.length + 1 >= reported, `${body.length + 1} events kept, ${reported} reported`);
    assert.deepEqual(body.map(comparable), scriptedEvents(20).slice(0, body.length));
    assert.deepEqual((await auditSessions(sessions)).problems.map(formatProblem), []);
  });

  it('drops a torn last line, notes it, and still recovers', async () => {
    const sessions = await tempDir();
    const j = await startSession(sessions);
    for (const e of turnEvents(1).slice(0, 4)) j.append(e);
    const file = path.join(j.dir, SESSION_FILES.journal);
    await fs.appendFile(file, '{"kind":"event","event":{"seq":6,"at":"2026-');
    const { log } = await recoverSession(j.dir);
    assert.deepEqual(log.events.slice(-3).map((e) => e.type), ['anomaly', 'error', 'floor']);
    const note = log.events[log.events.length - 3];
    assert.ok(note.type === 'anomaly' && note.kind === 'journal-torn-line' && note.detail.includes('"seq":6'));
    assert.equal(log.events.filter((e) => e.type === 'speak').length, 1);
    assert.deepEqual((await auditSessions(sessions)).problems, []);
  });

  it('closes nothing extra when the session was cut between turns', async () => {
    const sessions = await tempDir();
    const j = await startSession(sessions);
    for (const e of turnEvents(1)) j.append(e);
    const { log } = await recoverSession(j.dir);
    assert.equal(log.events[log.events.length - 1].type, 'floor');
    assert.equal(log.events.length, 8);
  });

  it('refuses a journal damaged in the middle, naming the line, and recoverAll carries on with the others', async () => {
    const sessions = await tempDir();
    const bad = await startSession(sessions, 'bad one');
    for (const e of turnEvents(1)) bad.append(e);
    const good = await startSession(sessions, 'good one');
    good.append(turnEvents(1)[0]);
    const file = path.join(bad.dir, SESSION_FILES.journal);
    const lines = (await fs.readFile(file, 'utf8')).split('\n');
    lines[4] = '{"kind":"event","event":{"garbage"';
    await fs.writeFile(file, lines.join('\n'));
    const results = await recoverAll(sessions);
    const byDir = new Map(results.map((r) => [r.dir, r]));
    assert.equal(byDir.get(good.dir)?.ok, true);
    assert.match(byDir.get(good.dir)?.message ?? '', /turn 1 was cut/);
    assert.equal(byDir.get(bad.dir)?.ok, false);
    assert.match(byDir.get(bad.dir)?.message ?? '', /journal\.jsonl:5: not JSON/);
    assert.ok(await fs.stat(file), 'the damaged journal is left for a person to look at');
  });

  it('recovers a continued session that crashed: old and new turns, one log', async () => {
    const sessions = await tempDir();
    const j = await startSession(sessions);
    for (const e of turnEvents(1)) j.append(e);
    const first = await j.close();
    const r = await SessionJournal.resume(j.dir);
    r.append({ type: 'resume', turn: 1 });
    for (const e of turnEvents(2).slice(0, 3)) r.append(e);
    assert.deepEqual(await findUnclosed(sessions), [j.dir], 'a continued session is unclosed until it closes again');
    const { log } = await recoverSession(j.dir);
    assert.deepEqual(log.events.slice(0, first.events.length), first.events);
    assert.deepEqual(log.events.slice(first.events.length).map((e) => e.type), ['resume', 'human-speak', 'deliberation', 'deliberation', 'error', 'floor']);
    assert.deepEqual((await auditSessions(sessions)).problems, []);
  });

  it('finds nothing in a missing sessions folder', async () => {
    assert.deepEqual(await findUnclosed(path.join(await tempDir(), 'none')), []);
  });
});
