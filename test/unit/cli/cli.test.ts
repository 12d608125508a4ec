import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { castAutoReply, startStandIn, type MessagesRequestBody, type StandIn } from '../../standIn/messagesStandIn';

const ROOT = path.join(__dirname, '..', '..', '..');
const KEY = 'sk-cli-test-key-0000000000000';

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

describe('CLI (node dist/cli.js)', function () {
  this.timeout(60_000);
  let cli: string;
  let api: StandIn;
  let work: string;

  before(async () => {
    // The CLI is tested as shipped: the real bundle, run as a separate process.
    const out = await fs.mkdtemp(path.join(os.tmpdir(), 'dp-cli-build-'));
    cli = path.join(out, 'cli.js');
    await build({ entryPoints: [path.join(ROOT, 'src', 'cli.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: cli, logLevel: 'silent' });
  });
  beforeEach(async () => {
    api = await startStandIn();
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'dp-cli-'));
    await fs.cp(path.join(ROOT, 'characters'), path.join(work, 'characters'), { recursive: true });
  });
  afterEach(async () => {
    await api.close();
    await fs.rm(work, { recursive: true, force: true });
  });

  function run(args: string[], env: Record<string, string | undefined> = {}, onStdout?: (chunk: string, kill: () => void) => void): Promise<Run> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [cli, ...args], {
        env: { PATH: process.env.PATH, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: api.url, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        onStdout?.(stdout, () => child.kill('SIGKILL'));
      });
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
  }
  async function script(lines: unknown[] | string): Promise<string> {
    const file = path.join(work, 'script.jsonl');
    await fs.writeFile(file, typeof lines === 'string' ? lines : lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    return file;
  }
  const lastLine = (s: string) => s.trim().split('\n').at(-1)!;
  const sessionsDir = () => path.join(work, 'sessions');
  async function sessionFolders(): Promise<string[]> {
    return (await fs.readdir(sessionsDir()).catch(() => [] as string[])).filter((f) => f !== 'index.json');
  }

  it('plays a session with an @address, a join and a retire; audit accepts the folder', async () => {
    const file = await script([
      { say: 'Where does everyone stand on the marina?' },
      { say: 'Mara, how much is the marina worth to you?', to: 'mara' },
      { add: 'tomas' },
      { say: 'Tomás, you are here now: the slipway?' },
      { retire: 'oskar' },
      { say: 'Without Oskar, what changes?' },
    ]);
    const r = await run(['play', '--workspace', work, '--cast', 'mara,oskar,ilse', '--brief', 'harbour-deal', '--script', file, '--model', 'claude-sonnet-4-6']);
    assert.equal(r.code, 0, r.stderr);
    const dir = lastLine(r.stdout);
    assert.equal(path.dirname(dir), sessionsDir());
    const log = JSON.parse(await fs.readFile(path.join(dir, 'event-log.json'), 'utf8'));
    const types = log.events.map((e: { type: string }) => e.type);
    assert.ok(types.includes('join') && types.includes('leave'));
    const t2 = log.events.filter((e: { turn: number; type: string }) => e.turn === 2 && e.type === 'speak');
    assert.deepEqual(t2.map((e: { speaker: string }) => e.speaker), ['mara']);
    assert.ok(log.participants.some((p: { id: string; left_turn: number | null }) => p.id === 'oskar' && p.left_turn === 4));
    assert.ok(log.totals.usd > 0);
    const audit = await run(['audit', sessionsDir()]);
    assert.equal(audit.code, 0, audit.stdout + audit.stderr);
    const index = JSON.parse(await fs.readFile(path.join(sessionsDir(), 'index.json'), 'utf8'));
    assert.equal(index.sessions.length, 1);
  });

  const badInputs: Array<[string, () => Promise<string[]>, RegExp, Record<string, string | undefined>?]> = [
    ['an unknown cast id', async () => ['play', '--workspace', work, '--cast', 'mara,nobody', '--script', await script([{ say: 'hi' }])], /unknown character "nobody"/],
    ['an unknown id in the script', async () => ['play', '--workspace', work, '--cast', 'mara', '--script', await script([{ add: 'ghost' }, { say: 'hi' }])], /script\.jsonl:1: unknown character "ghost"/],
    ['a malformed script line, named by number', async () => ['play', '--workspace', work, '--cast', 'mara', '--script', await script('{"say": "hi"}\n\n{"say": oops}\n')], /script\.jsonl:3: not valid JSON/],
    ['a line that is not an action', async () => ['play', '--workspace', work, '--cast', 'mara', '--script', await script('{"say": "hi"}\n{"shout": "x"}\n')], /script\.jsonl:2: not a script action/],
    ['retiring the last member', async () => ['play', '--workspace', work, '--cast', 'mara', '--script', await script([{ say: 'hi' }, { retire: 'mara' }, { say: 'bye' }])], /script\.jsonl:2: cannot retire "mara", the last member/],
    ['a missing key', async () => ['play', '--workspace', work, '--cast', 'mara', '--script', await script([{ say: 'hi' }])], /ANTHROPIC_API_KEY is not set/, { ANTHROPIC_API_KEY: undefined }],
    ['an unknown brief', async () => ['play', '--workspace', work, '--cast', 'mara', '--brief', 'nope', '--script', await script([{ say: 'hi' }])], /unknown brief "nope"/],
    ['an unknown flag', async () => ['play', '--workspace', work, '--cats', 'mara'], /--cats/],
    ['an unknown warmth policy', async () => ['play', '--workspace', work, '--cast', 'mara', '--warmth', 'always', '--script', await script([{ say: 'hi' }])], /--warmth must be one of off, keep-warm, auto/],
    ['a bad think time', async () => ['play', '--workspace', work, '--cast', 'mara', '--script', await script('{"say": "hi"}\n{"wait": -1}\n')], /script\.jsonl:2: not a script action/],
  ];
  for (const [what, args, message, env] of badInputs) {
    it(`rejects ${what} with one clear message and writes nothing`, async () => {
      const r = await run(await args(), env);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
      assert.deepEqual(await sessionFolders(), []);
      assert.equal(api.requests.length, 0);
    });
  }

  it('a rejected key fails clearly without echoing the key, and the folder still audits', async () => {
    await api.close();
    api = await startStandIn({ apiKey: 'sk-right-key-00000000000' });
    const r = await run(['play', '--workspace', work, '--cast', 'mara,ilse', '--script', await script([{ say: 'hi' }, { say: 'again' }])]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Set API Key/);
    assert.ok(!r.stderr.includes(KEY) && !r.stdout.includes(KEY));
    assert.equal(api.requests.length, 0, 'no second call after a 401');
    assert.equal((await run(['audit', sessionsDir()])).code, 0);
  });

  it('survives SIGKILL mid-stream: recover finalises the session with every delivered line, and audit passes', async () => {
    const slow = (req: MessagesRequestBody) => ({ ...castAutoReply(req), chunkSize: 6, chunkDelayMs: 8 });
    await api.close();
    api = await startStandIn({ autoReply: slow });
    const file = await script([{ say: 'First question.' }, { say: 'Second question, the long one.' }, { say: 'Third.' }]);
    const r = await run(['play', '--workspace', work, '--cast', 'mara,oskar,ilse', '--script', file], {}, (out, kill) => {
      // Right after turn 2's first response is printed ("  Mara Voss: ..."), while the others still stream.
      if (/\[turn 2\][\s\S]*\n {2}(?!cost:)[A-Z][^:\n]*: /.test(out)) kill();
    });
    assert.equal(r.signal, 'SIGKILL');
    const printed = [...r.stdout.matchAll(/^ {2}([^:(]+): (.*)$/gm)].filter((m) => !m[1]!.startsWith('cost')).map((m) => m[2]!);
    const [dir] = await sessionFolders();
    assert.ok(dir, 'the session folder exists');
    const rec = await run(['recover', sessionsDir()]);
    assert.equal(rec.code, 0, rec.stdout + rec.stderr);
    assert.match(rec.stdout, /recovered/);
    const log = JSON.parse(await fs.readFile(path.join(sessionsDir(), dir!, 'event-log.json'), 'utf8'));
    const spoken = log.events.filter((e: { type: string }) => e.type === 'speak').map((e: { text: string }) => e.text.replace(/\s+/g, ' ').trim());
    for (const line of printed) {
      const shown = line.replace(/ \[cut\]$/, '').replace(/\.\.\.$/, '');
      assert.ok(spoken.some((t: string) => t.startsWith(shown)), `delivered line kept: ${shown}`);
    }
    assert.ok(log.events.some((e: { type: string; kind?: string }) => e.type === 'error' && e.kind === 'interrupted'));
    const audit = await run(['audit', sessionsDir()]);
    assert.equal(audit.code, 0, audit.stdout);
  });

  it('continues a closed session with --resume in the same folder', async () => {
    const first = await run(['play', '--workspace', work, '--cast', 'mara,ilse', '--script', await script([{ say: 'One.' }])]);
    const dir = lastLine(first.stdout);
    const second = await run(['play', '--resume', dir, '--workspace', work, '--script', await script([{ add: 'oskar' }, { say: 'Two.' }])]);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(lastLine(second.stdout), dir);
    const log = JSON.parse(await fs.readFile(path.join(dir, 'event-log.json'), 'utf8'));
    assert.deepEqual(log.events.filter((e: { type: string }) => e.type === 'human-speak').map((e: { turn: number }) => e.turn), [1, 2]);
    assert.ok(log.events.some((e: { type: string }) => e.type === 'resume'));
    const last = api.requests.at(-1)!.usage!;
    assert.ok(last.cache_read_input_tokens > 1000, 'the old prefix is read from cache');
    assert.equal((await run(['audit', sessionsDir()])).code, 0);
  });

  it('plays regenerate, edit and rewind actions, reusing the cached prefix, and the folder audits', async () => {
    const file = await script([
      { say: 'One.' },
      { say: 'Two.' },
      { regenerate: true },
      { edit: 'Two, edited.' },
      { add: 'tomas' },
      { say: 'Four.' },
      { rewind: 1 },
      { say: 'Two, again.' },
    ]);
    const r = await run(['play', '--workspace', work, '--cast', 'mara,oskar,ilse', '--script', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\[rewind to turn 1\] superseded turns 4, 5/);
    const [, two, regen, edited, , again] = api.requests;
    assert.equal(regen!.raw, two!.raw, 'regenerate resends the same bytes');
    assert.equal(regen!.usage!.cache_creation_input_tokens, 0);
    assert.ok(edited!.usage!.cache_read_input_tokens > 0);
    assert.ok(again!.usage!.cache_read_input_tokens >= api.requests[0]!.usage!.cache_creation_input_tokens + api.requests[0]!.usage!.cache_read_input_tokens, 'the rewound request reads turn 1\'s prefix');
    const log = JSON.parse(await fs.readFile(path.join(lastLine(r.stdout), 'event-log.json'), 'utf8'));
    assert.deepEqual(log.events.filter((e: { type: string }) => e.type === 'supersede').map((e: { reason: string }) => e.reason), ['regenerate', 'edit', 'rewind']);
    assert.equal((await run(['audit', sessionsDir()])).code, 0);
  });

  it('plays think time ({"wait"}) as a real pause, with a warmth policy', async () => {
    const file = await script([{ say: 'One.' }, { wait: 1.2 }, { say: 'Two.' }]);
    const started = Date.now();
    const r = await run(['play', '--workspace', work, '--cast', 'mara,oskar', '--warmth', 'auto', '--keep-warm-minutes', '10', '--script', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(Date.now() - started >= 1200, 'the pause was waited out');
    assert.equal(api.requests.length, 2, 'no ping in a 1-second pause');
    assert.equal((await run(['audit', sessionsDir()])).code, 0);
  });

  it('rejects a rewind to a turn that is not in the line, before writing anything', async () => {
    const r = await run(['play', '--workspace', work, '--cast', 'mara', '--script', await script([{ say: 'One.' }, { regenerate: true }, { rewind: 1 }])]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /script\.jsonl:3: cannot rewind to turn 1/);
    assert.deepEqual(await sessionFolders(), []);
  });

  it('carry-over summarises a closed session into a new, linked folder that can be resumed', async () => {
    const first = await run(['play', '--workspace', work, '--cast', 'mara,ilse', '--script', await script([{ say: 'One.' }])]);
    const oldDir = lastLine(first.stdout);
    api.enqueue({ text: '<summary>They met once.</summary>\n<member id="mara">Fine.</member>' });
    const r = await run(['carry-over', oldDir, '--workspace', work]);
    assert.equal(r.code, 0, r.stderr);
    const newDir = lastLine(r.stdout);
    assert.notEqual(newDir, oldDir);
    const oldLog = JSON.parse(await fs.readFile(path.join(oldDir, 'event-log.json'), 'utf8'));
    const newLog = JSON.parse(await fs.readFile(path.join(newDir, 'event-log.json'), 'utf8'));
    assert.equal(oldLog.continued_in, newLog.session_id);
    assert.equal(newLog.continues_from, oldLog.session_id);
    const more = await run(['play', '--resume', newDir, '--workspace', work, '--script', await script([{ say: 'Two.' }])]);
    assert.equal(more.code, 0, more.stderr);
    assert.match(api.requests.at(-1)!.raw, /They met once/);
    assert.equal((await run(['audit', sessionsDir()])).code, 0);
  });

  it('audit reports an invalid folder with exit 1, and index regenerates', async () => {
    const bad = path.join(sessionsDir(), '2026-11-22T0000Z-broken');
    await fs.mkdir(bad, { recursive: true });
    await fs.writeFile(path.join(bad, 'event-log.json'), '{ not json');
    const r = await run(['audit', sessionsDir()]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /2026-11-22T0000Z-broken/);
    const idx = await run(['index', sessionsDir()]);
    assert.equal(idx.code, 0);
  });
});
