import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeIndex } from '../../../src/engine/store/sessionIndex';
import { OPEN_PANELS_KEY, OpenPanelRegistry, orphanedSessions } from '../../../src/extension/panel/openPanels';
import { listSessions, loadReplay } from '../../../src/extension/sessions/sessionListing';
import { MemoryMemento } from './extensionFakes';
import { removeTempDirs, tempDir, writeSession } from './extensionSessions';

describe('extension: sessions on disk and open panels', () => {
  after(removeTempDirs);

  describe('listSessions / loadReplay', () => {
    let sessions: string;
    let closed: string;
    let open: string;

    before(async () => {
      sessions = await tempDir('list');
      closed = await writeSession(sessions, { title: 'Harbour deal', started: '2026-11-22T04:07:00Z', usd: 0.05 });
      open = await writeSession(sessions, { title: 'Night shift', started: '2026-11-23T22:00:00Z', open: true });
      await fs.mkdir(path.join(sessions, 'batch-run'));
      await fs.copyFile('/work/shared/fixtures/batch-log/event-log.json', path.join(sessions, 'batch-run', 'event-log.json'));
      await fs.mkdir(path.join(sessions, 'not-a-session'));
      await fs.writeFile(path.join(sessions, 'notes.txt'), 'x');
    });

    it('lists closed, unclosed and batch sessions, newest first, skipping other folders', async () => {
      const list = await listSessions(sessions);
      assert.deepEqual(list.map((s) => path.basename(s.dir)), [path.basename(open), path.basename(closed), 'batch-run']);
      const [o, c, b] = list;
      assert.equal(o!.closed, false);
      assert.equal(o!.title, 'Night shift');
      assert.deepEqual(o!.cast, ['Mara Voss', 'Oskar Lind']);
      assert.equal(o!.turns, 1);
      assert.equal(c!.closed, true);
      assert.equal(c!.usd, 0.05);
      assert.equal(c!.turns, 1);
      assert.equal(b!.mode, 'batch');
    });

    it('uses the index for closed sessions when there is one', async () => {
      await writeIndex(sessions);
      const index = JSON.parse(await fs.readFile(path.join(sessions, 'index.json'), 'utf8')) as { sessions: Array<{ id: string; title: string }> };
      const entry = index.sessions.find((e) => e.id === path.basename(closed))!;
      entry.title = 'From the index';
      await fs.writeFile(path.join(sessions, 'index.json'), JSON.stringify(index));
      const list = await listSessions(sessions);
      assert.equal(list.find((s) => s.dir === closed)!.title, 'From the index');
      await fs.rm(path.join(sessions, 'index.json'));
    });

    it('returns nothing for a missing folder', async () => {
      assert.deepEqual(await listSessions(path.join(sessions, 'nope')), []);
    });

    it('loads a closed session as a replay that can be continued', async () => {
      const replay = await loadReplay(closed);
      assert.equal(replay.title, 'Harbour deal');
      assert.deepEqual(replay.events.map((e) => e.type), ['intro', 'human-speak', 'deliberation', 'speak', 'pass', 'cost', 'floor']);
      assert.deepEqual(replay.roster.cast.map((c) => c.name), ['Mara Voss', 'Oskar Lind']);
      assert.equal(typeof replay.canContinue, 'boolean');
    });

    it('explains why an unclosed, a batch or a broken session cannot be replayed', async () => {
      await assert.rejects(loadReplay(open), /was not closed: recover it first/);
      await assert.rejects(loadReplay(path.join(sessions, 'batch-run')), /batch log/);
      const broken = await writeSession(sessions, { title: 'Broken', started: '2026-11-20T10:00:00Z' });
      const file = path.join(broken, 'event-log.json');
      const log = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
      delete log.participants;
      await fs.writeFile(file, JSON.stringify(log));
      await assert.rejects(loadReplay(broken), /does not validate/);
    });
  });

  describe('OpenPanelRegistry (workspace Memento)', () => {
    it('remembers panels across activations and removes closed ones', async () => {
      const memento = new MemoryMemento();
      const first = new OpenPanelRegistry(memento);
      await first.put({ sessionDir: '/s/a', panelTitle: 'Dialogue: A', mode: 'live' });
      await first.put({ sessionDir: '/s/b', panelTitle: 'Dialogue: B', mode: 'replay' });
      await first.put({ sessionDir: '/s/a', panelTitle: 'Dialogue: A', mode: 'replay' });
      const second = new OpenPanelRegistry(memento);
      assert.deepEqual(second.list().map((r) => [r.sessionDir, r.mode]), [['/s/b', 'replay'], ['/s/a', 'replay']]);
      await second.remove('/s/b');
      assert.deepEqual(new OpenPanelRegistry(memento).list().map((r) => r.sessionDir), ['/s/a']);
    });

    it('matches restored panels by saved dir, then title, then order, never twice', async () => {
      const memento = new MemoryMemento();
      await new OpenPanelRegistry(memento).put({ sessionDir: '/s/a', panelTitle: 'Dialogue: A', mode: 'live' });
      await memento.update(OPEN_PANELS_KEY, [
        ...new OpenPanelRegistry(memento).list(),
        { sessionDir: '/s/b', panelTitle: 'Dialogue: B', mode: 'live' },
        { sessionDir: '/s/c', panelTitle: 'Dialogue: C', mode: 'replay' },
        { junk: true },
      ]);
      const registry = new OpenPanelRegistry(memento);
      assert.equal(registry.list().length, 3, 'malformed records are ignored');
      assert.equal(registry.claim({ sessionDir: '/s/c', panelTitle: 'whatever' })?.sessionDir, '/s/c');
      assert.equal(registry.claim({ panelTitle: 'Dialogue: B' })?.sessionDir, '/s/b');
      assert.equal(registry.claim({ panelTitle: 'Dialogue: B' })?.sessionDir, '/s/a');
      assert.equal(registry.claim({ panelTitle: 'Dialogue: B' }), undefined);
    });

    it('recovery leaves alone sessions that panels own or will restore', () => {
      const orphans = orphanedSessions(['/s/a', '/s/b', '/s/c/'], new Set(['/s/b', '/s/c']));
      assert.deepEqual(orphans, ['/s/a']);
    });
  });
});
