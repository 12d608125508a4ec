import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { interactiveLogSchema } from '../../../src/engine/store/sessionSchema';
import { auditSessions, formatProblem } from '../../../src/engine/store/sessionAudit';
import { linkContinuation } from '../../../src/engine/store/sessionContinuation';
import { SESSION_FILES } from '../../../src/engine/store/sessionFiles';
import { SessionJournal } from '../../../src/engine/store/sessionJournal';
import { recoverSession } from '../../../src/engine/store/sessionRecovery';
import { BATCH_FIXTURE, CAST, copyDir, removeTempDirs, startSession, tempDir, turnEvents } from './storeTestSession';

after(removeTempDirs);

const readLog = async (dir: string) => JSON.parse(await fs.readFile(path.join(dir, SESSION_FILES.log), 'utf8')) as Record<string, unknown>;
const filesOf = async (dir: string) => Promise.all([SESSION_FILES.log, SESSION_FILES.transcript].map((f) => fs.readFile(path.join(dir, f), 'utf8')));

/** A closed one-turn session under `sessions`, optionally carried over from `continuesFrom`. */
async function closedSession(sessions: string, title: string, continuesFrom?: string): Promise<string> {
  const j = await SessionJournal.create(sessions, { session_id: '', title, started_at: '2026-11-23T09:15:04.000Z', model: 'claude-test', brief: null, ...(continuesFrom ? { continues_from: continuesFrom } : {}) });
  for (const p of CAST) j.noteParticipant(p);
  j.append({ type: 'intro', turn: 0, brief: null, cast: CAST.map((p) => p.id), ...(continuesFrom ? { carried_over: { from: continuesFrom, summary: 'So far: nothing.' } } : {}) });
  for (const e of turnEvents(1)) j.append(e);
  await j.close();
  return j.dir;
}

describe('store: carry-over links', () => {
  it('links a closed session to its continuation atomically: one added field, everything else kept, transcript updated', async () => {
    const sessions = await tempDir();
    const from = await closedSession(sessions, 'first');
    const to = await closedSession(sessions, 'second', path.basename(from));
    assert.equal((await readLog(to)).continues_from, path.basename(from), 'the header link is written into the log');

    // A field from a newer writer must survive the rewrite.
    const raw = await readLog(from);
    await fs.writeFile(path.join(from, SESSION_FILES.log), `${JSON.stringify({ ...raw, viewer_hint: 'keep me' }, null, 2)}\n`);
    const before = await fs.readFile(path.join(from, SESSION_FILES.log), 'utf8');

    await linkContinuation(from, path.basename(to));
    const after = await fs.readFile(path.join(from, SESSION_FILES.log), 'utf8');
    const added = after.split('\n').filter((l) => !before.split('\n').includes(l));
    assert.deepEqual(added, [`  "continued_in": "${path.basename(to)}",`], 'one added line');
    assert.ok(after.indexOf('"totals"') < after.indexOf('"continued_in"') && after.indexOf('"continued_in"') < after.indexOf('"viewer_hint"'));
    assert.ok(interactiveLogSchema.safeParse(JSON.parse(after)).success);
    assert.match(await fs.readFile(path.join(from, SESSION_FILES.transcript), 'utf8'), /^- Continued in: .*second$/m);
    assert.deepEqual((await fs.readdir(from)).sort(), [SESSION_FILES.log, SESSION_FILES.transcript].sort(), 'no temp files left');
    assert.deepEqual((await auditSessions(sessions)).problems.map(formatProblem), []);

    await linkContinuation(from, path.basename(to));
    assert.equal(await fs.readFile(path.join(from, SESSION_FILES.log), 'utf8'), after, 'linking again to the same session changes nothing');
    await assert.rejects(linkContinuation(from, '2026-11-23T1000Z-other'), /already continued in "2026-11-23T0915Z-second"/);
  });

  it('refuses, writing nothing, a folder that is not closed, not interactive or not valid, and a bad id', async () => {
    const sessions = await tempDir();
    const closed = await closedSession(sessions, 'closed');
    const open = await startSession(sessions, 'open');
    await assert.rejects(linkContinuation(open.dir, 'next'), /is not closed \(its journal\.jsonl is still there\)/);
    await assert.rejects(linkContinuation(path.join(sessions, 'nope'), 'next'), /not a closed session folder \(event-log\.json is missing\)/);
    const batch = await copyDir(BATCH_FIXTURE, path.join(sessions, 'batch'));
    await fs.writeFile(path.join(batch, SESSION_FILES.transcript), '');
    await assert.rejects(linkContinuation(batch, 'next'), /not an interactive session log/);

    const snapshot = await filesOf(closed);
    for (const bad of ['../escape', '', 'a/b', '.hidden']) await assert.rejects(linkContinuation(closed, bad), /is not a session folder name/);
    await assert.rejects(linkContinuation(closed, path.basename(closed)), /cannot be carried over to itself/);
    const log = await readLog(closed);
    await fs.writeFile(path.join(closed, SESSION_FILES.log), JSON.stringify({ ...log, totals: 'lots' }));
    await assert.rejects(linkContinuation(closed, 'next'), /is not a valid event log \(totals: .*\); audit it first/);
    await fs.writeFile(path.join(closed, SESSION_FILES.log), '{"mode": "interactive"');
    await assert.rejects(linkContinuation(closed, 'next'), /is not readable JSON/);
    await fs.writeFile(path.join(closed, SESSION_FILES.log), JSON.stringify({ ...log, schema_version: 99 }));
    await assert.rejects(linkContinuation(closed, 'next'), /newer than this tool knows/);
    await fs.writeFile(path.join(closed, SESSION_FILES.log), snapshot[0]);
    assert.deepEqual(await filesOf(closed), snapshot);
  });

  it('keeps both links through a resume and re-close, and continues_from through recovery', async () => {
    const sessions = await tempDir();
    const from = await closedSession(sessions, 'first');
    const to = await closedSession(sessions, 'second', path.basename(from));
    await linkContinuation(from, path.basename(to));
    for (const dir of [from, to]) {
      const j = await SessionJournal.resume(dir);
      j.append({ type: 'resume', turn: 1 });
      await j.close();
    }
    assert.equal((await readLog(from)).continued_in, path.basename(to));
    assert.equal((await readLog(to)).continues_from, path.basename(from));

    const crashed = await SessionJournal.create(sessions, { session_id: '', title: 'third', started_at: '2026-11-23T09:20:00.000Z', model: 'm', brief: null, continues_from: path.basename(to) });
    crashed.append({ type: 'intro', turn: 0, brief: null, cast: ['mara'] });
    const { log } = await recoverSession(crashed.dir);
    assert.equal(log.continues_from, path.basename(to));
    await assert.rejects(
      SessionJournal.create(sessions, { session_id: '', title: 'x', started_at: '2026-11-23T09:20:00.000Z', model: 'm', brief: null, continues_from: '../up' }),
      /continues_from "\.\.\/up" is not a session folder name/,
    );
  });
});
