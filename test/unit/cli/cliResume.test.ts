import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { InteractiveLog } from '../../../src/engine/store/sessionSchema';
import { lastLine, snapshot, useCliRig } from './cliRig';

const readLog = async (dir: string): Promise<InteractiveLog> => JSON.parse(await fs.readFile(path.join(dir, 'event-log.json'), 'utf8')) as InteractiveLog;

describe('CLI: resume and carry-over never damage a folder', function () {
  this.timeout(90_000);
  const rig = useCliRig();

  async function played(cast: string, lines: unknown[]): Promise<string> {
    const r = await rig.run(['play', '--workspace', rig.work, '--cast', cast, '--script', await rig.script(lines)]);
    assert.equal(r.code, 0, r.stderr);
    return lastLine(r.stdout);
  }

  it('a session rewound across a full cast swap resumes', async () => {
    const dir = await played('mara', [{ say: 'One.' }, { add: 'oskar' }, { retire: 'mara' }, { say: 'Two.' }, { rewind: 1 }]);
    const r = await rig.run(['play', '--resume', dir, '--script', await rig.script([{ say: 'Three.', to: 'mara' }])]);
    assert.equal(r.code, 0, r.stderr);
    const log = await readLog(dir);
    assert.equal(log.events.filter((e) => e.type === 'human-speak').at(-1)!.turn, 3);
    assert.equal((await rig.run(['audit', rig.sessionsDir])).code, 0);
  });

  for (const [what, lines, message] of [
    ['retiring every member', [{ retire: 'mara' }, { retire: 'ilse' }, { say: 'Anyone?' }], /cannot retire "ilse", the last member/],
    ['addressing an absent member', [{ say: 'Oskar?', to: 'oskar' }], /cannot address "oskar": not on the panel/],
    ['a rewind to a turn not in the line', [{ rewind: 5 }, { say: 'Back.' }], /cannot rewind to turn 5/],
  ] as const) {
    it(`checks a resume script up front (${what}): no request, the folder exactly as it was`, async () => {
      const dir = await played('mara,ilse', [{ say: 'One.' }]);
      const before = await snapshot(dir);
      const requests = rig.api.requests.length;
      const r = await rig.run(['play', '--resume', dir, '--script', await rig.script([...lines])]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.equal(rig.api.requests.length, requests);
      assert.deepEqual(await snapshot(dir), before);
    });
  }

  it('a log of a newer schema_version is refused, not rewritten', async () => {
    const dir = await played('mara', [{ say: 'One.' }]);
    const log = (await readLog(dir)) as unknown as Record<string, unknown>;
    await fs.writeFile(path.join(dir, 'event-log.json'), JSON.stringify({ ...log, schema_version: 99, future_field: true }, null, 2));
    const before = await snapshot(dir);
    for (const args of [['play', '--resume', dir, '--script', await rig.script([{ say: 'Two.' }])], ['carry-over', dir]]) {
      const r = await rig.run(args);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /format version 99, newer than this tool knows/);
      assert.deepEqual(await snapshot(dir), before);
    }
  });

  it('a failed carry-over leaves the original folder exactly as it was, closed and valid', async () => {
    const dir = await played('mara,ilse', [{ say: 'One.' }]);
    const before = await snapshot(dir);
    const folders = await fs.readdir(rig.sessionsDir);
    rig.api.enqueue({ status: 401 });
    const r = await rig.run(['carry-over', dir]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /carry-over failed/);
    assert.deepEqual(await snapshot(dir), before);
    assert.deepEqual(await fs.readdir(rig.sessionsDir), folders, 'no new folder');
    assert.equal((await rig.run(['audit', rig.sessionsDir])).code, 0);
  });

  it('two resumes of one folder at once: the second is refused, never two writers', async () => {
    const dir = await played('mara', [{ say: 'One.' }]);
    // A reply slow enough (about 10 s) that the second process starts while the first is mid-turn.
    rig.api.enqueue({ text: `<speak who="mara">${'Slowly, then. '.repeat(50)}</speak>`, chunkSize: 2, chunkDelayMs: 25 });
    const first = rig.start(['play', '--resume', dir, '--script', await rig.script([{ say: 'Two.' }])]);
    for (let i = 0; i < 400 && !first.output().includes('[turn 2]'); i++) await new Promise((r) => setTimeout(r, 25));
    assert.match(first.output(), /\[turn 2\]/, 'the first resume is in its turn');
    const second = await rig.run(['play', '--resume', dir, '--script', await rig.script([{ say: 'Also two.' }])]);
    assert.notEqual(second.code, 0);
    assert.match(second.stderr, /open in another process/);
    const done = await first.done;
    assert.equal(done.code, 0, done.stderr);
    const log = await readLog(dir);
    assert.deepEqual(log.events.filter((e) => e.type === 'human-speak').map((e) => e.text), ['One.', 'Two.']);
    const context = await fs.readFile(path.join(dir, 'context.jsonl'), 'utf8');
    assert.ok(!context.includes('Also two.'));
    assert.equal((await rig.run(['audit', rig.sessionsDir])).code, 0);
  });

  it('a resumed session SIGKILLed mid-turn is recovered with its conditions, and its stale lock does not block the next resume', async () => {
    const dir = await played('mara', [{ say: 'One.' }]);
    rig.api.enqueue({ text: '<speak who="mara">This will be cut off somewhere in the middle.</speak>', chunkSize: 2, chunkDelayMs: 40 });
    const killed = rig.start(['play', '--resume', dir, '--model', 'claude-opus-4-6', '--script', await rig.script([{ say: 'Two.' }])]);
    for (let i = 0; i < 400 && !killed.output().includes('[turn 2]'); i++) await new Promise((r) => setTimeout(r, 25));
    killed.child.kill('SIGKILL');
    assert.equal((await killed.done).signal, 'SIGKILL');
    const refused = await rig.run(['play', '--resume', dir, '--script', await rig.script([{ say: 'Three.' }])]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /unclosed journal|recover/);
    const rec = await rig.run(['recover', rig.sessionsDir]);
    assert.equal(rec.code, 0, rec.stdout + rec.stderr);
    const log = await readLog(dir);
    assert.equal(log.conditions!.model, 'claude-sonnet-5-5');
    assert.ok(log.events.some((e) => e.type === 'condition-change' && e.changes.model?.to === 'claude-opus-4-6'));
    const again = await rig.run(['play', '--resume', dir, '--script', await rig.script([{ say: 'Three.' }])]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal((await rig.run(['audit', rig.sessionsDir])).code, 0);
  });
});
