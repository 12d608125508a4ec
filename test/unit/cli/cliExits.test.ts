import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { lastLine, useCliRig } from './cliRig';

describe('CLI: honest exits and messages', function () {
  this.timeout(90_000);
  const rig = useCliRig();
  const oneLine = (stderr: string): void => {
    assert.equal(stderr.trim().split('\n').length, 1, `one line: ${stderr}`);
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  };

  it('play exits non-zero when a turn failed for good (529 after every retry), closing the folder with the error', async () => {
    for (let i = 0; i < 5; i++) rig.api.enqueue({ status: 529, retryAfterMs: 0 });
    const r = await rig.run(['play', '--workspace', rig.work, '--cast', 'mara', '--script', await rig.script([{ say: 'One.' }, { say: 'Two.' }])]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /play stopped: turn 1 failed/);
    assert.equal(rig.api.requests.length, 5, 'the script stopped at the failed turn');
    const log = JSON.parse(await fs.readFile(path.join(lastLine(r.stdout), 'event-log.json'), 'utf8')) as { events: Array<{ type: string; kind?: string }> };
    assert.ok(log.events.some((e) => e.type === 'error' && e.kind === 'overloaded'));
  });

  it('an invalid ANTHROPIC_BASE_URL is refused before a folder is made', async () => {
    for (const url of ['not a url', 'ftp://127.0.0.1/']) {
      const r = await rig.run(['play', '--workspace', rig.work, '--cast', 'mara', '--script', await rig.script([{ say: 'One.' }])], { ANTHROPIC_BASE_URL: url });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /ANTHROPIC_BASE_URL is not an http\(s\) URL/);
      oneLine(r.stderr);
    }
    await assert.rejects(fs.access(rig.sessionsDir), 'no sessions folder');
    assert.equal(rig.api.requests.length, 0);
  });

  it('recover, audit and index of a missing folder fail with one line', async () => {
    for (const command of ['recover', 'audit', 'index']) {
      const r = await rig.run([command, path.join(rig.work, 'no-such-folder')]);
      assert.equal(r.code, 2, `${command}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /does not exist/);
      oneLine(r.stderr);
    }
  });

  it('a sessions path that is a file is one line, never a stack trace', async () => {
    const file = path.join(rig.work, 'sessions-is-a-file');
    await fs.writeFile(file, 'x');
    const r = await rig.run(['play', '--workspace', rig.work, '--cast', 'mara', '--out', path.join(file, 'inner'), '--script', await rig.script([{ say: 'One.' }])]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /ENOTDIR|EEXIST/);
    oneLine(r.stderr);
    const idx = await rig.run(['index', file]);
    assert.equal(idx.code, 2);
    oneLine(idx.stderr);
  });

  it('strips terminal control sequences from model text before printing', async () => {
    rig.api.enqueue({ text: '<speak who="mara">Plain \u001b[31mred\u001b[0m \u001b]0;pwned title\u0007and \u001b[2Jcleared\u202e.</speak>' });
    const r = await rig.run(['play', '--workspace', rig.work, '--cast', 'mara', '--script', await rig.script([{ say: 'Colour \u001b[1mme\u001b[0m.' }])]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /[\u001b\u0007\u009b\u202e]/);
    assert.match(r.stdout, /Mara Voss: Plain red and cleared\./);
    assert.match(r.stdout, /floor: Colour me\./);
    const log = await fs.readFile(path.join(lastLine(r.stdout), 'event-log.json'), 'utf8');
    assert.match(log, /\\u001b\[31mred/, 'the record keeps the model\'s text as it came');
  });
});
