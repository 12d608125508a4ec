import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SCHEMA_VERSION } from '../../../src/engine/store/sessionSchema';
import { SESSION_FILES } from '../../../src/engine/store/sessionFiles';
import { auditSessions, formatProblem, type AuditProblem } from '../../../src/engine/store/sessionAudit';
import { readIndex, writeIndex } from '../../../src/engine/store/sessionIndex';
import { BATCH_FIXTURE, CARRIED_FIXTURE, FIXTURES, INTERACTIVE_FIXTURE, REDO_FIXTURE, copyDir, startSession, removeTempDirs, tempDir, turnEvents } from './storeTestSession';

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
  it('passes the committed fixtures (interactive, redo and carry-over, and the batch two-actor log)', async () => {
    const { folders, problems } = await auditSessions(FIXTURES);
    assert.equal(folders, 4);
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

  it('orders presence by seq: a response after a leave in the same turn is an error', async () => {
    let where = '';
    const { root, folder } = await brokenCopy(INTERACTIVE_FIXTURE, (log) => {
      const leave = log.events.findIndex((e) => e.type === 'leave');
      const after = log.events.findIndex((e, i) => i > leave && e.type === 'speak' && e.turn === log.events[leave]!.turn);
      log.events[after]!.speaker = log.events[leave]!.speaker;
      where = `events[${after}].speaker`;
    });
    await expectOneProblem(root, folder, where, /is not present at turn \d+ .*at seq \d+/);
  });

  it('reports a session_id that is not the folder name, and timestamps that are not ISO 8601', async () => {
    const renamed = await brokenCopy(INTERACTIVE_FIXTURE, (log) => ((log as unknown as { session_id: string }).session_id = '2026-01-01T0000Z-elsewhere'));
    await expectOneProblem(renamed.root, renamed.folder, 'session_id', /is not the folder's name/);
    const stamped = await brokenCopy(INTERACTIVE_FIXTURE, (log) => (log.events[3]!.at = 'yesterday at noon'));
    await expectOneProblem(stamped.root, stamped.folder, 'events[3].at', /not an ISO 8601 timestamp/);
    const local = await brokenCopy(INTERACTIVE_FIXTURE, (log) => (log.events[4]!.at = '2026-11-22T04:07:00'));
    await expectOneProblem(local.root, local.folder, 'events[4].at', /with a time zone/);
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
      log.schema_version = SCHEMA_VERSION + 1;
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
      superseded_turns: 0,
      usd: null,
      mode: 'batch',
    });
    assert.equal(interactive.title, 'The harbour deal');
    assert.deepEqual(interactive.cast, ['Mara Voss', 'Oskar Lind', 'Ilse Brandt', 'Teo Amari']);
    assert.equal(interactive.turns, 3);
    assert.equal(interactive.superseded_turns, 0);
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

  it('counts the live turns of the final line and the superseded ones, and lists carry-over links', async () => {
    const sessions = await tempDir();
    await copyDir(REDO_FIXTURE, path.join(sessions, path.basename(REDO_FIXTURE)));
    await copyDir(CARRIED_FIXTURE, path.join(sessions, path.basename(CARRIED_FIXTURE)));
    const [redo, carried] = (await writeIndex(sessions)).sessions;
    assert.deepEqual(
      { turns: redo.turns, superseded_turns: redo.superseded_turns, continued_in: redo.continued_in, continues_from: redo.continues_from },
      { turns: 4, superseded_turns: 6, continued_in: path.basename(CARRIED_FIXTURE), continues_from: undefined },
    );
    assert.equal(carried.continues_from, path.basename(REDO_FIXTURE));
    assert.equal(carried.turns, 1);
  });

  it('reads an index written before superseded_turns existed (as 0)', async () => {
    const dir = await tempDir();
    const old = { index_version: 1, sessions: [{ id: 'a', title: 'A', started_at: 't', ended_at: null, cast: [], turns: 2, usd: null, mode: 'interactive' }] };
    await fs.writeFile(path.join(dir, SESSION_FILES.index), JSON.stringify(old));
    assert.equal((await readIndex(dir))?.sessions[0].superseded_turns, 0);
  });

  it('reads a missing or invalid index as null', async () => {
    const dir = await tempDir();
    assert.equal(await readIndex(dir), null);
    await fs.writeFile(path.join(dir, SESSION_FILES.index), '[]');
    assert.equal(await readIndex(dir), null);
  });
});

type Ev = Record<string, unknown>;
const find = (log: LooseLog, pred: (e: Ev) => boolean): number => {
  const i = log.events.findIndex(pred);
  assert.ok(i >= 0, 'the fixture has the event this test edits');
  return i;
};
const supersede = (reason: string, turn: number) => (e: Ev) => e.type === 'supersede' && e.reason === reason && e.turn === turn;
const asks = (turn: number) => (e: Ev) => e.type === 'human-speak' && e.turn === turn;

/** Breaks a copy of the redo fixture; `edit` returns the JSON path the one expected problem is reported at. */
async function expectRedoProblem(edit: (log: LooseLog) => string, message: RegExp): Promise<void> {
  let where = '';
  const { root, folder } = await brokenCopy(REDO_FIXTURE, (log) => (where = edit(log)));
  await expectOneProblem(root, folder, where, message);
}

describe('store: audit of regenerate, edit, rewind and sample choice', () => {
  it('passes the redo fixture on its own (its carried-over sibling missing is not a problem)', async () => {
    const root = await tempDir();
    await copyDir(REDO_FIXTURE, path.join(root, path.basename(REDO_FIXTURE)));
    assert.deepEqual((await auditSessions(root)).problems.map(formatProblem), []);
  });

  it('reports a supersede event naming a turn nobody asked yet', () =>
    expectRedoProblem((log) => {
      const i = find(log, supersede('rewind', 7));
      (log.events[i].turns as number[]).push(12);
      return `events[${i}].turns[3]`;
    }, /turn 12 has no human line before this event/));

  it('reports a supersede event naming a turn that is already superseded', () =>
    expectRedoProblem((log) => {
      const i = find(log, supersede('rewind', 7));
      log.events[i].turns = [4, 5, 6, 7];
      return `events[${i}].turns[0]`;
    }, /turn 4 is already superseded/));

  it('reports a supersede event that lists no turns', () =>
    expectRedoProblem((log) => {
      const i = find(log, supersede('select', 3));
      log.events[i].turns = [];
      return `events[${i}].turns`;
    }, /must list the turns it sets aside/));

  it('reports restoring a turn that was not superseded', () =>
    expectRedoProblem((log) => {
      const i = find(log, supersede('select', 3));
      log.events[i].restored = [1];
      return `events[${i}].restored[0]`;
    }, /turn 1 is not superseded before this event, so it cannot be restored/));

  it('reports a redo_of that is not an earlier asked turn', () =>
    expectRedoProblem((log) => {
      const i = find(log, asks(3));
      log.events[i].redo_of = 5;
      return `events[${i}].redo_of`;
    }, /5 is not an earlier turn with a human line/));

  it('reports re-asking a turn that is still in the line', () =>
    expectRedoProblem((log) => {
      log.events.splice(find(log, supersede('edit', 10)), 1);
      return `events[${find(log, asks(10))}].redo_of`;
    }, /turn 9 is still in the line: a supersede event must set it aside/));

  it('reports redo without redo_of, and a regenerate that changed the line', async () => {
    await expectRedoProblem((log) => {
      const i = find(log, asks(10));
      delete log.events[i].redo_of;
      return `events[${i}].redo`;
    }, /redo_of is missing/);
    await expectRedoProblem((log) => {
      const i = find(log, asks(3));
      log.events[i].text = 'Mara, what does the pier cost?';
      return `events[${i}].text`;
    }, /a regenerate asks turn 2's line again unchanged/);
  });

  it('reports a roster change marked rewind that does not follow a rewind', () =>
    expectRedoProblem((log) => {
      const i = find(log, (e) => e.type === 'leave' && e.turn === 4);
      log.events[i].reason = 'rewind';
      return `events[${i}].reason`;
    }, /must directly follow the rewind's supersede event at turn 4/));

  it('applies the presence rule across a rewind: a member the rewind removed cannot speak after it', () =>
    expectRedoProblem((log) => {
      const i = find(log, (e) => e.type === 'speak' && e.turn === 8 && e.speaker === 'ilse');
      log.events[i].speaker = 'teo';
      return `events[${i}].speaker`;
    }, /"teo" is not present at turn 8 \(present turns 4-7\)/));
});

describe('store: audit of carry-over links', () => {
  /** Both linked fixtures side by side in a temp dir, each log passed through its edit. */
  async function linkedPair(editFrom: (log: Ev) => void, editTo: (log: Ev) => void): Promise<{ root: string; from: string; to: string }> {
    const root = await tempDir();
    const from = await copyDir(REDO_FIXTURE, path.join(root, path.basename(REDO_FIXTURE)));
    const to = await copyDir(CARRIED_FIXTURE, path.join(root, path.basename(CARRIED_FIXTURE)));
    for (const [dir, edit] of [[from, editFrom], [to, editTo]] as const) {
      const file = path.join(dir, SESSION_FILES.log);
      const log = JSON.parse(await fs.readFile(file, 'utf8')) as Ev;
      edit(log);
      await fs.writeFile(file, JSON.stringify(log, null, 2));
    }
    return { root, from, to };
  }
  const problemsOf = async (root: string) => (await auditSessions(root)).problems.map((p) => ({ folder: path.basename(p.folder), path: p.path, message: p.message }));

  it('passes a pair that links both ways', async () => {
    const { root } = await linkedPair(() => undefined, () => undefined);
    assert.deepEqual(await problemsOf(root), []);
  });

  it('reports a continuation that does not link back, on the folder whose link is not returned', async () => {
    const a = await linkedPair((log) => delete log.continued_in, () => undefined);
    assert.deepEqual(await problemsOf(a.root), [
      { folder: path.basename(CARRIED_FIXTURE), path: 'continues_from', message: `the session "${path.basename(REDO_FIXTURE)}" next to this folder has continued_in not set, not "${path.basename(CARRIED_FIXTURE)}"` },
    ]);
    const b = await linkedPair(() => undefined, (log) => (log.continues_from = '2026-11-23T0900Z-elsewhere'));
    const found = await problemsOf(b.root);
    assert.deepEqual(found.map((p) => `${p.folder}: ${p.path}`), [
      `${path.basename(REDO_FIXTURE)}: continued_in`,
      `${path.basename(CARRIED_FIXTURE)}: events[0].carried_over.from`,
    ]);
    assert.match(found[0].message, /has continues_from "2026-11-23T0900Z-elsewhere", not "2026-11-23T0915Z-the-harbour-deal-again"/);
    assert.match(found[1].message, /but continues_from is "2026-11-23T0900Z-elsewhere"/);
  });

  it('reports a link to itself or to a name that cannot be a session folder', async () => {
    const { root } = await linkedPair((log) => (log.continued_in = log.session_id), (log) => (log.continues_from = '../outside'));
    const found = await problemsOf(root);
    assert.deepEqual(found.map((p) => `${p.folder}: ${p.path}`), [
      `${path.basename(REDO_FIXTURE)}: continued_in`,
      `${path.basename(CARRIED_FIXTURE)}: events[0].carried_over.from`,
      `${path.basename(CARRIED_FIXTURE)}: continues_from`,
    ]);
    assert.match(found[0].message, /cannot be carried over to or from itself/);
    assert.match(found[2].message, /"\.\.\/outside" is not a session folder name/);
  });
});
