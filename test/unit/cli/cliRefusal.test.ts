import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { startStandIn, type StandIn } from '../../standIn/messagesStandIn';
import { messageText } from '../../standIn/requestBody';

const ROOT = path.join(__dirname, '..', '..', '..');
const run = promisify(execFile);

/** A refusal in `play`, as a real process against the stand-in: a notice, and the script goes on (issue 19). */
describe('CLI play: a refused turn', function () {
  this.timeout(60_000);
  let cli: string;
  let api: StandIn;
  let work: string;

  before(async () => {
    const out = await fs.mkdtemp(path.join(os.tmpdir(), 'dp-cli-refusal-build-'));
    cli = path.join(out, 'cli.js');
    await build({ entryPoints: [path.join(ROOT, 'src', 'cli.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: cli, logLevel: 'silent' });
  });
  beforeEach(async () => {
    api = await startStandIn();
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'dp-cli-refusal-'));
    await fs.cp(path.join(ROOT, 'characters'), path.join(work, 'characters'), { recursive: true });
  });
  afterEach(async () => {
    await api.close();
    await fs.rm(work, { recursive: true, force: true });
  });

  async function play(lines: unknown[], extra: string[] = []): Promise<{ stdout: string; stderr: string; dir: string }> {
    const file = path.join(work, 'script.jsonl');
    await fs.writeFile(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: 'sk-cli-refusal-0000000000', ANTHROPIC_BASE_URL: api.url };
    const r = await run(process.execPath, [cli, 'play', '--workspace', work, '--cast', 'mara,oskar', '--script', file, ...extra], { env });
    return { ...r, dir: r.stdout.trim().split('\n').at(-1)! };
  }

  it('prints a notice, goes on with the next line, exits 0; the next request holds neither the refused text nor its line', async () => {
    api.enqueue({ text: '<confer>\n<line who="mara">The okapi scheme runs', refusal: { category: 'general_harms', explanation: 'no' } });
    const r = await play([{ say: 'Explain the okapi scheme.' }, { say: 'Then the marina.' }]);
    assert.match(r.stdout, /\[declined\] The model \(claude-[\w.-]+\) declined turn 1 \(general_harms\)\. It was set aside; the script goes on\./);
    assert.match(r.stdout, /\[turn 2\] floor: Then the marina\./);
    const second = api.requests[1]!.body.messages.map(messageText).join('\n');
    assert.ok(!second.includes('okapi'), 'the refused turn is out of the context');
    const log = JSON.parse(await fs.readFile(path.join(r.dir, 'event-log.json'), 'utf8'));
    const types = log.events.filter((e: { turn: number }) => e.turn === 1).map((e: { type: string }) => e.type);
    assert.deepEqual(types.slice(-3), ['refusal', 'supersede', 'floor']);
    await run(process.execPath, [cli, 'audit', path.join(work, 'sessions')]); // rejects (exit 1) if the folder is invalid
  });

  it('--fallback-model asks the refused turn once more of that model, recorded, before going on', async () => {
    api.enqueue({ text: '<speak who="mara">The okapi scheme runs', refusal: { category: 'cyber' } });
    const r = await play([{ say: 'Explain the okapi scheme.' }, { say: 'Then the marina.' }], ['--model', 'claude-sonnet-4-6', '--fallback-model', 'claude-haiku-4-5']);
    assert.match(r.stdout, /\[fallback\] asking turn 1 again of claude-haiku-4-5/);
    assert.deepEqual(api.requests.map((q) => q.body.model), ['claude-sonnet-4-6', 'claude-haiku-4-5', 'claude-sonnet-4-6']);
    const log = JSON.parse(await fs.readFile(path.join(r.dir, 'event-log.json'), 'utf8'));
    const asked = log.events.find((e: { type: string; turn: number }) => e.type === 'human-speak' && e.turn === 2);
    assert.deepEqual([asked.redo_of, asked.redo, asked.model, asked.text], [1, 'regenerate', 'claude-haiku-4-5', 'Explain the okapi scheme.']);
    const cost2 = log.events.find((e: { type: string; turn: number }) => e.type === 'cost' && e.turn === 2);
    assert.equal(cost2.model, 'claude-haiku-4-5');
    await run(process.execPath, [cli, 'audit', path.join(work, 'sessions')]); // rejects (exit 1) if the folder is invalid
  });
});
