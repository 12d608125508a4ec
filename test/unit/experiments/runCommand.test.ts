import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { castAutoReply, startStandIn, type StandIn, type StandInReply } from '../../standIn/messagesStandIn';
import { buildCli, lastLine, makeWorkspace, runCli, snapshot } from './experimentRig';

const REPO = path.join(__dirname, '..', '..', '..');

const MATRIX = `name: harbour-matrix
model: claude-sonnet-4-6
brief: harbour-deal
casts: [[mara, oskar], [mara, oskar, ilse]]
depths: [full, off]
script: probe.jsonl
replicates: 2
`;

interface ExperimentJsonLike {
  status: string;
  runs: Array<{ id: string; condition_id: string; status: string; session: string | null; usd: number | null; discarded?: unknown[] }>;
  spend_usd: number;
}
const readJson = async (dir: string): Promise<ExperimentJsonLike> => JSON.parse(await fs.readFile(path.join(dir, 'experiment.json'), 'utf8')) as ExperimentJsonLike;
const sessionsOf = async (dir: string): Promise<string[]> => (await fs.readdir(path.join(dir, 'sessions'), { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);

describe('run EXPERIMENT.yaml (node dist/cli.js, against the stand-in)', function () {
  this.timeout(120_000);
  let cli: string;
  let api: StandIn;
  let pace: (r: StandInReply) => StandInReply = (r) => r;

  before(async () => {
    cli = await buildCli();
  });
  beforeEach(async () => {
    pace = (r) => r;
    api = await startStandIn({ autoReply: (body) => pace(castAutoReply(body)) });
  });
  afterEach(async () => {
    await api.close();
  });
  const env = (): Record<string, string> => ({ ANTHROPIC_BASE_URL: api.url });

  it('plays a matrix: every plural key multiplies, one audit-valid session per run, summary.csv, resume is a no-op', async () => {
    const ws = await makeWorkspace(MATRIX);
    const r = await runCli(cli, ['run', ws.file], env());
    assert.equal(r.code, 0, r.stderr);
    const dir = lastLine(r.stdout);
    assert.equal(dir, path.join(ws.dir, 'experiments', 'harbour-matrix'));
    const json = await readJson(dir);
    assert.equal(json.runs.length, 8, '2 casts × 2 depths × 2 replicates');
    assert.ok(json.runs.every((x) => x.status === 'done' && x.session !== null));
    assert.equal(json.status, 'done');
    assert.equal(api.requests.length, 8 * 3, 'three turns per run, one request each');
    assert.deepEqual((await sessionsOf(dir)).sort(), json.runs.map((x) => x.session).sort());
    const csv = (await fs.readFile(path.join(dir, 'summary.csv'), 'utf8')).trim().split('\n');
    assert.equal(csv.length, 9);
    assert.match(csv[0]!, /^run_id,condition_id,model,brief,cast,depth,ttl,max_tokens,script,replicate,status,session,turns,input_tokens,.*,usd,anomalies,refusals,ilse_spoke,ilse_passed,ilse_led,mara_spoke/);
    const audit = await runCli(cli, ['audit', dir], {});
    assert.equal(audit.code, 0, audit.stdout);
    assert.match(audit.stderr, /audited 8 session folder\(s\): all valid/);
    // a second invocation resumes: nothing is sent and nothing changes but experiment.json's status
    const before = await snapshot(path.join(dir, 'sessions'));
    const again = await runCli(cli, ['run', ws.file], env());
    assert.equal(again.code, 0, again.stderr);
    assert.equal(api.requests.length, 24, 'no run plays twice');
    assert.deepEqual(await snapshot(path.join(dir, 'sessions')), before);
    // `site` on the experiment folder (the CLI from source, which inlines the built renderer): the sessions'
    // pages, and one compare page per condition linked from the index
    if (!(await fs.stat(path.join(REPO, 'dist/viewer.js')).catch(() => null))) spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO });
    const site = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO, 'src/cli.ts'), 'site', dir], { encoding: 'utf8', cwd: REPO });
    assert.equal(site.status, 0, site.stderr);
    assert.equal(site.stdout.trim().split('\n').pop(), path.join(dir, 'sessions', 'index.html'));
    const index = await fs.readFile(path.join(dir, 'sessions', 'index.html'), 'utf8');
    for (const id of new Set(json.runs.map((x) => x.condition_id))) {
      assert.ok(index.includes(`"href":"compare-${id}.html"`), `the index links compare-${id}.html`);
      assert.match(await fs.readFile(path.join(dir, 'sessions', `compare-${id}.html`), 'utf8'), /"kind":"compare"/);
    }
    assert.equal((await runCli(cli, ['audit', dir], {})).code, 0, 'the pages leave the folder audit-valid');
  });

  it('SIGKILL mid-run, then the same command: exactly one valid session per run, finished runs untouched', async () => {
    pace = (r) => ({ ...r, chunkDelayMs: 4, chunkSize: 8 });
    const ws = await makeWorkspace(MATRIX.replace('replicates: 2', 'replicates: 3'));
    const out = path.join(ws.dir, 'out');
    let killed = false;
    const first = await runCli(cli, ['run', ws.file, '--out', out, '--concurrency', '3'], env(), (stdout, signal) => {
      // kill once two runs are done: others are mid-turn with journals open
      if (!killed && (stdout.match(/^done /gm) ?? []).length >= 2) {
        killed = true;
        signal('SIGKILL');
      }
    });
    assert.equal(first.signal, 'SIGKILL', first.stderr);
    const dir = path.join(out, 'harbour-matrix');
    // The runs reported done before the kill. experiment.json may lag them by up to a second (it is rewritten in
    // batches; the closed session folders are the proof the next invocation goes by), so stdout names them.
    const doneBefore = [...first.stdout.matchAll(/^done\s+(run-[0-9a-f]{10})/gm)].map((m) => m[1]!);
    assert.ok(doneBefore.length >= 2 && doneBefore.length < 12, `done before the kill: ${doneBefore.length}`);
    const doneBytes = new Map<string, Map<string, string>>();
    for (const id of doneBefore) {
      const folders = (await sessionsOf(dir)).filter((s) => s.includes(id));
      assert.equal(folders.length, 1, `${id}: one session folder`);
      doneBytes.set(id, await snapshot(path.join(dir, 'sessions', folders[0]!)));
    }
    const requestsBefore = api.requests.length;

    pace = (r) => r;
    const second = await runCli(cli, ['run', ws.file, '--out', out], env());
    assert.equal(second.code, 0, second.stderr);
    const json = await readJson(dir);
    assert.ok(json.runs.every((x) => x.status === 'done'));
    const sessions = await sessionsOf(dir);
    assert.equal(sessions.length, 12, 'exactly one session per run under sessions/');
    for (const x of json.runs) assert.equal(sessions.filter((s) => s.includes(x.id)).length, 1, x.id);
    for (const [id, bytes] of doneBytes) {
      const rec = json.runs.find((x) => x.id === id)!;
      assert.deepEqual(await snapshot(path.join(dir, 'sessions', rec.session!)), bytes, `${id} was left byte-for-byte`);
    }
    // runs done before the kill sent nothing more; the rest played all three turns again at most
    assert.ok(api.requests.length - requestsBefore <= (12 - doneBefore.length) * 3, 'no run played twice');
    const audit = await runCli(cli, ['audit', dir], {});
    assert.equal(audit.code, 0, audit.stdout + audit.stderr);
  });

  it('--dry-run prints the plan and an estimate with its assumptions; no request, no file', async () => {
    const ws = await makeWorkspace(MATRIX);
    const before = await snapshot(ws.dir);
    const r = await runCli(cli, ['run', ws.file, '--dry-run'], env());
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /4 condition\(s\) × 2 replicate\(s\) = 8 run\(s\)/);
    assert.match(r.stdout, /24 turn\(s\), 24 request\(s\)/);
    assert.match(r.stdout, /estimated cost: ~\$\d/);
    assert.match(r.stdout, /assumptions:\n {2}- tokens/);
    assert.equal(api.requests.length, 0);
    assert.deepEqual(await snapshot(ws.dir), before);
  });

  it('validates the whole plan first: an unknown key, id or script line is one line naming it, and nothing is written', async () => {
    const cases: Array<[string, unknown[] | undefined, RegExp]> = [
      [MATRIX.replace('replicates: 2', 'replicats: 2'), undefined, /experiment\.yaml:7: replicats: not an experiment key/],
      [MATRIX.replace('[mara, oskar, ilse]', '[mara, nobody]'), undefined, /unknown character "nobody"/],
      [MATRIX.replace('depths: [full, off]', 'depths: [full, loud]'), undefined, /experiment\.yaml:5: depths\[1\]: /],
      [MATRIX.replace('casts:', 'cast: [mara]\ncasts:'), undefined, /experiment\.yaml:5: casts: give either cast or casts, not both/],
      [MATRIX, [{ say: 'hello' }, { retire: 'tomas' }], /probe\.jsonl:2: cannot retire "tomas": not on the panel/],
      [MATRIX, [{ say: 'hello' }, { sya: 'typo' }], /probe\.jsonl:2: not a script action/],
      [MATRIX.replace('brief: harbour-deal', 'brief: harbor'), undefined, /brief: unknown brief "harbor"/],
    ];
    for (const [yaml, script, expected] of cases) {
      const ws = await makeWorkspace(yaml, script);
      const before = await snapshot(ws.dir);
      const r = await runCli(cli, ['run', ws.file], env());
      assert.equal(r.code, 2, `${expected}: ${r.stdout}`);
      assert.match(r.stderr, expected);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.deepEqual(await snapshot(ws.dir), before);
    }
    assert.equal(api.requests.length, 0);
  });

  it('Ctrl+C closes runs in flight as stopped; the next run resumes them', async () => {
    pace = (r) => ({ ...r, chunkDelayMs: 4, chunkSize: 8 });
    const ws = await makeWorkspace(MATRIX);
    let sent = false;
    const first = await runCli(cli, ['run', ws.file, '--concurrency', '2'], env(), (stdout, signal) => {
      if (!sent && /^done /m.test(stdout)) {
        sent = true;
        signal('SIGINT');
      }
    });
    assert.equal(first.code, 1, first.stderr);
    const dir = lastLine(first.stdout);
    assert.match(first.stdout, /stopped .*Run the same command again to resume/);
    const mid = await readJson(dir);
    assert.equal(mid.status, 'stopped');
    assert.ok(mid.runs.some((x) => x.status === 'stopped'), 'the runs in flight were closed as stopped');
    assert.equal((await runCli(cli, ['audit', dir], {})).code, 0, 'stopped sessions are closed and valid');
    pace = (r) => r;
    const second = await runCli(cli, ['run', ws.file], env());
    assert.equal(second.code, 0, second.stderr);
    const json = await readJson(dir);
    assert.ok(json.runs.every((x) => x.status === 'done'));
    assert.equal((await sessionsOf(dir)).length, 8);
    assert.ok(json.runs.some((x) => (x.discarded ?? []).length > 0), 'the stopped sessions were set aside, not lost');
  });

  it('--budget stops starting new runs when spend + the next estimate would pass it, and says so', async () => {
    const ws = await makeWorkspace(MATRIX);
    const r = await runCli(cli, ['run', ws.file, '--budget', '0.05', '--concurrency', '1'], env());
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /budget: \$[\d.]+ spent or committed \+ \$[\d.]+ estimated for the next run would pass --budget \$0\.05; no new runs started/);
    const json = await readJson(lastLine(r.stdout));
    const done = json.runs.filter((x) => x.status === 'done').length;
    assert.ok(done >= 1 && done < 8, `done: ${done}`);
    assert.ok(json.runs.filter((x) => x.status === 'pending').length === 8 - done);
  });
});
