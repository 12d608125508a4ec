import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { HUMAN_ID, interactiveLogSchema } from '../../../src/engine/store/sessionSchema';
import { SESSION_FILES, makeSessionId, writeFileAtomic } from '../../../src/engine/store/sessionFiles';
import { SessionJournal } from '../../../src/engine/store/sessionJournal';
import { auditSessions } from '../../../src/engine/store/sessionAudit';
import { CAST, scriptedEvents, startSession, removeTempDirs, tempDir, turnEvents } from './storeTestSession';

after(removeTempDirs);

describe('store: session files', () => {
  it('makes time-sorted ids with a safe slug', () => {
    const at = new Date('2026-11-22T04:07:59.999Z');
    assert.equal(makeSessionId(at, 'Harbour Deal!'), '2026-11-22T0407Z-harbour-deal');
    assert.equal(makeSessionId(at, 'Café — Ünïcödé / CON: <x>'), '2026-11-22T0407Z-cafe-unicode-con-x');
    assert.equal(makeSessionId(at, '李嘉誠'), '2026-11-22T0407Z-session');
    assert.equal(makeSessionId(at, ''), '2026-11-22T0407Z-session');
    const long = makeSessionId(at, 'a'.repeat(39) + ' b c d e f');
    assert.equal(long, `2026-11-22T0407Z-${'a'.repeat(39)}`);
    assert.ok(makeSessionId(new Date('2026-01-02T03:04:00Z'), 'z') < makeSessionId(new Date('2026-01-02T03:05:00Z'), 'a'));
    assert.throws(() => makeSessionId(new Date('nope'), 'x'), /valid date/);
  });

  it('writes atomically and removes the temp file when the rename fails', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'a.json');
    await writeFileAtomic(file, 'one');
    await writeFileAtomic(file, 'two');
    assert.equal(await fs.readFile(file, 'utf8'), 'two');
    await fs.mkdir(path.join(dir, 'taken'));
    await fs.writeFile(path.join(dir, 'taken', 'x'), '');
    await assert.rejects(writeFileAtomic(path.join(dir, 'taken'), 'data'), /EISDIR|ENOTEMPTY|EEXIST|EPERM/);
    assert.deepEqual((await fs.readdir(dir)).sort(), ['a.json', 'taken']);
    await assert.rejects(writeFileAtomic(path.join(dir, 'missing', 'b.json'), 'x'), /ENOENT/);
  });
});

describe('store: SessionJournal', () => {
  it('creates the folder from time and title, adding -2 when it exists', async () => {
    const sessions = await tempDir();
    const header = { session_id: '', title: 'Harbour deal', started_at: '2026-11-22T04:07:31.000Z', model: 'm', brief: null };
    const a = await SessionJournal.create(sessions, header);
    const b = await SessionJournal.create(sessions, header);
    assert.equal(a.header.session_id, '2026-11-22T0407Z-harbour-deal');
    assert.equal(path.basename(b.dir), '2026-11-22T0407Z-harbour-deal-2');
    assert.equal(b.header.session_id, '2026-11-22T0407Z-harbour-deal-2');
    const first = (await fs.readFile(path.join(a.dir, SESSION_FILES.journal), 'utf8')).split('\n')[0];
    assert.equal(JSON.parse(first).header.session_id, a.header.session_id);
    await assert.rejects(SessionJournal.create(sessions, { ...header, session_id: '../escape' }), /cannot be a session folder name/);
  });

  it('stamps seq and at, writes each event before returning, and refuses bad events', async () => {
    const j = await startSession(await tempDir());
    const e = j.append(turnEvents(1)[0]);
    assert.equal(e.seq, 2);
    assert.ok(!Number.isNaN(Date.parse(e.at)));
    const lines = (await fs.readFile(path.join(j.dir, SESSION_FILES.journal), 'utf8')).trim().split('\n');
    assert.deepEqual(JSON.parse(lines[lines.length - 1]).event, e);
    assert.throws(() => j.append({ type: 'floor', turn: 0 }), /turns never go back/);
    assert.throws(() => j.append({ type: 'speak', turn: 1, speaker: 'Not An Id', text: 'x', order: 1, truncated: false }), /invalid speak event \(speaker:/);
    assert.equal(j.events.length, 2, 'a refused event is not kept');
    const after = (await fs.readFile(path.join(j.dir, SESSION_FILES.journal), 'utf8')).trim().split('\n');
    assert.equal(after.length, lines.length, 'a refused event is not written');
  });

  it('closes into a valid log and transcript, removes the journal, and refuses a second close', async () => {
    const sessions = await tempDir();
    const j = await startSession(sessions);
    for (const e of scriptedEvents(2)) j.append(e);
    j.setModel('claude-later');
    const log = await j.close();
    assert.equal(j.closed, true);
    const files = (await fs.readdir(j.dir)).sort();
    assert.deepEqual(files, [SESSION_FILES.log, SESSION_FILES.transcript]);
    const written = JSON.parse(await fs.readFile(path.join(j.dir, SESSION_FILES.log), 'utf8'));
    assert.deepEqual(written, log);
    assert.ok(interactiveLogSchema.safeParse(written).success);
    assert.equal(log.model, 'claude-later');
    assert.equal(log.events.length, 1 + 14);
    assert.ok((await fs.readFile(path.join(j.dir, SESSION_FILES.transcript), 'utf8')).includes('Mara answers 2'));
    await assert.rejects(j.close(), /already closed/);
    assert.throws(() => j.append({ type: 'floor', turn: 3 }), /closed/);
    assert.deepEqual((await auditSessions(sessions)).problems, []);
  });

  it('a close that fails half-way leaves the journal, so it can be retried (or recovered)', async () => {
    const j = await startSession(await tempDir());
    for (const e of turnEvents(1)) j.append(e);
    const blocker = path.join(j.dir, SESSION_FILES.transcript);
    await fs.mkdir(blocker);
    await fs.writeFile(path.join(blocker, 'x'), '');
    await assert.rejects(j.close());
    assert.equal(j.closed, false);
    assert.ok((await fs.readdir(j.dir)).includes(SESSION_FILES.journal));
    assert.ok(!(await fs.readdir(j.dir)).some((f) => f.endsWith('.tmp')), 'no temp files left behind');
    j.append({ type: 'human-speak', turn: 2, text: 'still open', target: null });
    await fs.rm(blocker, { recursive: true });
    const log = await j.close();
    assert.equal(log.events[log.events.length - 1].type, 'human-speak');
    assert.ok(!(await fs.readdir(j.dir)).includes(SESSION_FILES.journal));
  });

  it('derives participants (human first, join/leave turns) and totals', async () => {
    const j = await startSession(await tempDir());
    j.noteParticipant({ id: HUMAN_ID, name: 'Dr. Reyes' });
    for (const e of turnEvents(1)) j.append(e);
    j.noteParticipant({ id: 'teo', name: 'Teo Amari', glyph: 'T' });
    j.append({ type: 'leave', turn: 2, speaker: 'oskar' });
    j.append({ type: 'join', turn: 2, speaker: 'teo', profile_sha256: 'a'.repeat(64) });
    j.append({ type: 'human-speak', turn: 2, text: 'hi', target: 'teo' });
    j.append({ type: 'speak', turn: 2, speaker: 'teo', text: 'hello', order: 1, truncated: false });
    j.append({ type: 'cost', turn: 2, model: 'm', input_tokens: 1, cache_creation_input_tokens: 2, cache_read_input_tokens: 3, output_tokens: 4, usd: 0.1 });
    j.append({ type: 'cost', turn: 2, model: 'm', input_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0, usd: 0.2 });
    j.append({ type: 'floor', turn: 2 });
    const log = await j.close();
    assert.deepEqual(
      log.participants.map((p) => [p.id, p.name, p.kind, p.joined_turn, p.left_turn]),
      [
        [HUMAN_ID, 'Dr. Reyes', 'human', 0, null],
        ['mara', 'Mara Voss', 'character', 0, null],
        ['oskar', 'Oskar Lind', 'character', 0, 2],
        ['teo', 'Teo Amari', 'character', 2, null],
      ],
    );
    assert.equal(log.participants[1].color, CAST[0].color);
    assert.deepEqual(log.totals, { input_tokens: 12, cache_creation_input_tokens: 102, cache_read_input_tokens: 1003, output_tokens: 24, usd: 0.3011 });
  });

  it('makes the total usd null when any call had no known price', async () => {
    const j = await startSession(await tempDir());
    for (const e of turnEvents(1)) j.append(e);
    j.append({ type: 'human-speak', turn: 2, text: 'x', target: null });
    j.append({ type: 'cost', turn: 2, model: 'unknown-model', input_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1, usd: null });
    j.append({ type: 'floor', turn: 2 });
    const log = await j.close();
    assert.equal(log.totals.usd, null);
    assert.equal(log.totals.input_tokens, 15);
  });

  it('resumes a closed session: the journal is re-seeded, seq continues, and re-closing keeps everything', async () => {
    const sessions = await tempDir();
    const j = await startSession(sessions);
    for (const e of turnEvents(1)) j.append(e);
    const first = await j.close();
    const r = await SessionJournal.resume(j.dir);
    assert.equal(r.events.length, first.events.length);
    await assert.rejects(SessionJournal.resume(j.dir), /unclosed journal/);
    const resume = r.append({ type: 'resume', turn: 1 });
    assert.equal(resume.seq, first.events.length + 1);
    for (const e of turnEvents(2)) r.append(e);
    const second = await r.close();
    assert.deepEqual(second.events.slice(0, first.events.length), first.events);
    assert.deepEqual(second.participants, first.participants);
    assert.equal(second.started_at, first.started_at);
    assert.deepEqual((await auditSessions(sessions)).problems, []);
  });

  it('refuses to resume a batch log', async () => {
    const dir = await tempDir();
    await fs.copyFile(path.join(__dirname, '..', '..', 'fixtures', 'sessions', 'batch', '2026-09-14T1010Z-batch-pricing', SESSION_FILES.log), path.join(dir, SESSION_FILES.log));
    await assert.rejects(SessionJournal.resume(dir), /batch log/);
  });

  it('refuses to build a log from a journal without an intro', async () => {
    const j = await SessionJournal.create(await tempDir(), { session_id: 'x', title: 't', started_at: new Date().toISOString(), model: 'm', brief: null });
    await assert.rejects(j.close(), /no intro/);
    assert.equal(j.closed, false, 'a failed close leaves the journal open');
    j.append({ type: 'intro', turn: 0, brief: null, cast: ['mara'] });
    const log = await j.close();
    assert.equal(log.participants.length, 2);
  });
});
