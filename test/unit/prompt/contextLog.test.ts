import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ContextLog, ContextLogError } from '../../../src/engine/prompt/contextLog';

describe('contextLog', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dp-ctx-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  function build(file: string): ContextLog {
    const log = ContextLog.create(file, ['rules', 'brief']);
    log.push({ role: 'user', content: ['one'] });
    log.open(1, 0);
    log.push({ role: 'assistant', content: ['reply one'] });
    log.reply(1, 'reply one');
    log.cut(0);
    log.push({ role: 'user', content: ['one'] });
    log.supersede([1]);
    log.open(2, 0, 1);
    log.push({ role: 'assistant', content: ['reply two'] });
    log.reply(2, 'reply two');
    return log;
  }

  it('replays to the same context and ledger it built, appending O(delta) per operation', async () => {
    const file = path.join(dir, 'context.jsonl');
    const log = build(file);
    const sizeBefore = (await fs.stat(file)).size;
    log.push({ role: 'user', content: ['x'.repeat(10)] });
    assert.ok((await fs.stat(file)).size - sizeBefore < 60, 'one small line per operation');
    log.close();
    const again = ContextLog.open(file);
    assert.deepEqual(again.context, log.context);
    assert.deepEqual(again.ledger.samples(2), [1, 2]);
    assert.equal(again.ledger.lastLive(), 2);
    assert.equal(again.ledger.slot(1)!.reply, 'reply one');
    again.close();
  });

  it('drops a torn last line (a crash mid-write) and keeps appending after it', async () => {
    const file = path.join(dir, 'context.jsonl');
    build(file).close();
    await fs.appendFile(file, '{"m":{"role":"user","cont');
    const log = ContextLog.open(file);
    assert.equal(log.context.messages.length, 2);
    log.push({ role: 'user', content: ['after'] });
    log.close();
    assert.equal(ContextLog.open(file).context.messages.at(-1)!.content[0], 'after');
  });

  it('refuses a file damaged in the middle, naming the line, and a missing file', async () => {
    const file = path.join(dir, 'context.jsonl');
    build(file).close();
    const lines = (await fs.readFile(file, 'utf8')).split('\n');
    lines[3] = 'garbage';
    await fs.writeFile(file, lines.join('\n'));
    assert.throws(() => ContextLog.open(file), (e: unknown) => e instanceof ContextLogError && /context\.jsonl:4/.test(e.message));
    assert.throws(() => ContextLog.open(path.join(dir, 'nope.jsonl')), /missing/);
  });
});
