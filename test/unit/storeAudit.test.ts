import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SESSION_FILES } from '../../src/engine/store/sessionFiles';
import { auditSessions, formatProblem, type AuditProblem } from '../../src/engine/store/sessionAudit';
import { readIndex, writeIndex } from '../../src/engine/store/sessionIndex';
import { BATCH_FIXTURE, FIXTURES, INTERACTIVE_FIXTURE, copyDir, startSession, removeTempDirs, tempDir, turnEvents } from './storeTestSession';

/** Just enough shape to hand-break a log. */
interface LooseLog {
  schema_version?: number;
  events: Array<Record<string, unknown>>;
  participants: Array<Record<string, unknown>>;
  totals: Record<string, number>;
}

/** A copy of a fixture folder in a temp dir, its log passed through `edit`. */
async function brokenCopy(fixture: string, edit: (log: LooseLog) => void): Promise<{ root: string; folder: string }> {
  const root = await tempDir();
  const folder = await copyDir(fixture, path.join(root, path.basename(fixture)));
  const file = path.join(folder, SESSION_FILES.log);
  const log = JSON.parse(await fs.readFile(file, 'utf8')) as LooseLog;
  edit(log);
  await fs.writeFile(file, JSON.stringify(log, null, 2));
  return { root, folder };
}

/** Audits `root` and expects exactly one problem, at `where`, whose line names folder and path. */
async function expectOneProblem(root: string, folder: string, where: string, message: RegExp): Promise<AuditProblem> {
  const { folders, problems } = await auditSessions(root);
  assert.equal(folders, 1);
  assert.deepEqual(problems.map((p) => p.path), [where], problems.map(formatProblem).join('\n'));
  const [p] = problems;
  assert.equal(p.folder, folder);
  assert.match(p.message, message);
  const line = formatProblem(p);
  assert.ok(line.startsWith(`${folder}: ${where}: `), line);
  assert.ok(!line.includes('\n'));
  return p;
}

after(removeTempDirs);

describe('store: audit', () => {
  it('passes both committed fixtures (interactive and the batch two-actor log)', async () => {
    const { folders, problems } = await auditSessions(FIXTURES);
    assert.equal(folders, 2);
    assert.deepEqual(problems.map(formatProblem), []);
    assert.deepEqual((await auditSessions(BATCH_FIXTURE)).problems, [], 'a session folder itself can be audited');
  });

  it('reports corrupt JSON without crashing', async () => {
    const root = await tempDir();
    const folder = await copyDir(INTERACTIVE_FIXTURE, path.join(root, 'corrupt'));
    const file = path.join(folder, SESSION_FILES.log);
    await fs.writeFile(file, (await fs.readFile(file, 'utf8')).slice(0, 500));
    await expectOneProblem(root, folder, SESSION_FILES.log, /^not valid JSON/);
  });

  it('reports a schema violation at its JSON path', async () => {
    const { root, folder } = await brokenCopy(INTERACTIVE_FIXTURE, (log) => (log.events[3].type = 'shout'));
    await expectOneProblem(root, folder, 'events[3].type', /discriminator|Invalid/);
  });

  it('reports an unknown speaker', async () => {
    const { root, folder } = await brokenCopy(INTERACTIVE_FIXTURE, (log) => (log.events[5].speaker = 'zed'));
    await expectOneProblem(root, folder, 'events[5].speaker', /"zed" is not a participant/);
  });

  it('reports a speaker after they left', async () => {
    const { root, folder } = await brokenCopy(INTERACTIVE_FIXTURE, (log) => {
      const leave = log.events.findIndex((e) => e.type === 'leave');
      log.events[leave].turn = 2; // ilse now leaves at turn 2 ...
      log.participants.find((p) => p.id === 'ilse')!.left_turn = 2;
      const teo = log.events.findIndex((e) => e.type === 'speak' && e.speaker === 'teo');
      log.events[teo].speaker = 'ilse'; // ... and speaks at turn 3
    });
    await expectOneProblem(root, folder, 'events[19].speaker', /"ilse" is not present at turn 3 \(present turns 0-2\)/);
  });

  it('reports participants that disagree with the events', async () => {
    const { root, folder } = await brokenCopy(INTERACTIVE_FIXTURE, (log) => (log.participants[4].joined_turn = 1));
    await expectOneProblem(root, folder, 'participants[4].joined_turn', /1, but the events say 3/);
  });

  it('reports wrong totals, tokens and usd', async () => {
    const a = await brokenCopy(INTERACTIVE_FIXTURE, (log) => (log.totals.output_tokens += 1));
    await expectOneProblem(a.root, a.folder, 'totals.output_tokens', /562, but the cost events sum to 561/);
    const b = await brokenCopy(INTERACTIVE_FIXTURE, (log) => (log.totals.usd = 0.05));
    await expectOneProblem(b.root, b.folder, 'totals.usd', /0\.05, but the cost events sum to 0\.0482/);
    const c = await brokenCopy(INTERACTIVE_FIXTURE, (log) => (log.totals.usd += 1e-12));
    assert.deepEqual((await auditSessions(c.root)).problems, [], 'within the 1e-9 tolerance');
  });

  it('reports a missing transcript', async () => {
    const { root, folder } = await brokenCopy(INTERACTIVE_FIXTURE, () => undefined);
    await fs.rm(path.join(folder, SESSION_FILES.transcript));
    await expectOneProblem(root, folder, SESSION_FILES.transcript, /missing/);
  });

  it('reports seq not increasing and turn going back', async () => {
    const a = await brokenCopy(INTERACTIVE_FIXTURE, (log) => (log.events[4].seq = log.events[3].seq));
    await expectOneProblem(a.root, a.folder, 'events[4].seq', /4 is not greater than the previous event's seq 4/);
    const b = await brokenCopy(INTERACTIVE_FIXTURE, (log) => (log.events[11].turn = 1));
    await expectOneProblem(b.root, b.folder, 'events[11].turn', /1 is less than the previous event's turn 2/);
  });

  it('reports a batch speaker who is not one of the two participants', async () => {
    const { root, folder } = await brokenCopy(BATCH_FIXTURE, (log) => (log.events[2].speaker = 'broker'));
    await expectOneProblem(root, folder, 'events[2].speaker', /"broker" is not a participant/);
  });

  it('reports an unclosed session and says to run recover', async () => {
    const root = await tempDir();
    const j = await startSession(root);
    j.append(turnEvents(1)[0]);
    await expectOneProblem(root, j.dir, SESSION_FILES.journal, /unclosed session.*`recover`/);
  });

  it('reports a log from a newer format version once, without a flood', async () => {
    const { root, folder } = await brokenCopy(INTERACTIVE_FIXTURE, (log) => {
      log.schema_version = 2;
      log.events[1].type = 'telepathy';
    });
    await expectOneProblem(root, folder, 'schema_version', /newer than this tool knows/);
  });

  it('caps the problems listed per folder', async () => {
    const { root } = await brokenCopy(INTERACTIVE_FIXTURE, (log) => {
      for (const e of log.events) e.seq = 1;
    });
    const { problems } = await auditSessions(root);
    assert.equal(problems.length, 23 + 0, 'one per repeated seq');
    const many = await brokenCopy(INTERACTIVE_FIXTURE, (log) => {
      log.events = Array.from({ length: 120 }, (_, i) => ({ ...log.events[3], seq: i + 1, speaker: 'zed' }));
    });
    const capped = (await auditSessions(many.root)).problems;
    assert.equal(capped.length, 51);
    assert.match(capped[50].message, /and \d+ more problems/);
  });

  it('reports a missing folder', async () => {
    const { folders, problems } = await auditSessions(path.join(await tempDir(), 'nope'));
    assert.equal(folders, 0);
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /no such folder/);
    const file = path.join(await tempDir(), 'a-file');
    await fs.writeFile(file, '');
    assert.match((await auditSessions(file)).problems[0].message, /not a folder/);
  });
});

describe('store: index', () => {
  it('regenerates index.json from the valid folders, sorted by id, and follows the folders', async () => {
    const sessions = await tempDir();
    await copyDir(INTERACTIVE_FIXTURE, path.join(sessions, path.basename(INTERACTIVE_FIXTURE)));
    await copyDir(BATCH_FIXTURE, path.join(sessions, path.basename(BATCH_FIXTURE)));
    await fs.mkdir(path.join(sessions, '2026-12-01T0000Z-broken'));
    await fs.writeFile(path.join(sessions, '2026-12-01T0000Z-broken', SESSION_FILES.log), '{');
    const open = await startSession(sessions, 'still running');
    open.append(turnEvents(1)[0]);

    const index = await writeIndex(sessions);
    assert.deepEqual(index.sessions.map((s) => s.id), ['2026-09-14T1010Z-batch-pricing', '2026-11-22T0407Z-harbour-deal']);
    const [batch, interactive] = index.sessions;
    assert.deepEqual(batch, {
      id: '2026-09-14T1010Z-batch-pricing',
      title: '2026-09-14T1010Z-batch-pricing',
      started_at: '2026-09-14T10:10:02Z',
      ended_at: '2026-09-14T10:14:40Z',
      cast: ['The Tycoon', 'The Hotelier'],
      turns: 2,
      usd: null,
      mode: 'batch',
    });
    assert.equal(interactive.title, 'The harbour deal');
    assert.deepEqual(interactive.cast, ['Mara Voss', 'Oskar Lind', 'Ilse Brandt', 'Teo Amari']);
    assert.equal(interactive.turns, 3);
    assert.equal(interactive.usd, 0.0482);
    assert.equal(interactive.mode, 'interactive');
    assert.deepEqual(await readIndex(sessions), index);

    for (const e of turnEvents(1).slice(1)) open.append(e);
    await open.close();
    await fs.rm(path.join(sessions, path.basename(BATCH_FIXTURE)), { recursive: true });
    const again = await writeIndex(sessions);
    assert.deepEqual(again.sessions.map((s) => s.title), ['The harbour deal', 'still running']);
    const text = await fs.readFile(path.join(sessions, SESSION_FILES.index), 'utf8');
    assert.equal(text, `${JSON.stringify(again, null, 2)}\n`);
    assert.equal(await writeIndex(sessions).then(() => fs.readFile(path.join(sessions, SESSION_FILES.index), 'utf8')), text, 'regeneration is deterministic');
  });

  it('reads a missing or invalid index as null', async () => {
    const dir = await tempDir();
    assert.equal(await readIndex(dir), null);
    await fs.writeFile(path.join(dir, SESSION_FILES.index), '[]');
    assert.equal(await readIndex(dir), null);
  });
});
