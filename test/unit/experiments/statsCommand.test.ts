import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { castAutoReply, startStandIn, type StandIn } from '../../standIn/messagesStandIn';
import { buildCli, lastLine, makeWorkspace, runCli } from './experimentRig';

/*
 * A known experiment, counted by hand from the stand-in's deterministic castAutoReply (test/standIn/castAutoReply.ts):
 * the speaking order rotates by one each turn and the last in the order passes on every third turn.
 * Cast [mara, oskar], three unaddressed turns:
 *   turn 1: order mara, oskar           -> mara leads; both speak
 *   turn 2: order oskar, mara           -> oskar leads; both speak
 *   turn 3: order mara, oskar; oskar passes -> mara leads
 *   per run: mara spoke 3, passed 0, led 2; oskar spoke 2, passed 1, led 1
 * Cast [mara, ilse]: the same shape with ilse in oskar's place, and this test's stand-in appends stray text after
 * every reply for that cast, so each of its turns adds one `stray-text` anomaly: 3 per run.
 */
describe('stats PATH [--json] on a known experiment', function () {
  this.timeout(120_000);
  let cli: string;
  let api: StandIn;
  before(async () => {
    cli = await buildCli();
    api = await startStandIn({
      autoReply: (body) => {
        const r = castAutoReply(body);
        return JSON.stringify(body.system).includes('id=\\"ilse\\"') ? { ...r, text: `${r.text}\nstray words after the tags` } : r;
      },
    });
  });
  after(async () => {
    await api.close();
  });

  it('counts runs, turns, spoke/passed/led, words, cost and anomalies per condition, with the spread', async () => {
    const ws = await makeWorkspace(`name: known\nmodel: claude-sonnet-4-6\ncasts: [[mara, oskar], [mara, ilse]]\nscript: probe.jsonl\nreplicates: 3\n`);
    const r = await runCli(cli, ['run', ws.file], { ANTHROPIC_BASE_URL: api.url });
    assert.equal(r.code, 0, r.stderr);
    const dir = lastLine(r.stdout);
    const s = await runCli(cli, ['stats', dir, '--json'], {});
    assert.equal(s.code, 0, s.stderr);
    const json = JSON.parse(s.stdout) as { conditions: Array<{ condition: { cast: string[] }; runs: number; turns: number; usd: number; characters: Record<string, { spoke: number; passed: number; led: number; words_mean: number }>; anomalies: Record<string, number>; spread: { characters: Record<string, { spoke: { mean: number; sd: number } }> } }> };
    assert.equal(json.conditions.length, 2);
    const [a, b] = json.conditions;
    assert.deepEqual(a!.condition.cast, ['mara', 'oskar']);
    assert.equal(a!.runs, 3);
    assert.equal(a!.turns, 9);
    assert.deepEqual(
      Object.fromEntries(Object.entries(a!.characters).map(([id, c]) => [id, [c.spoke, c.passed, c.led]])),
      { mara: [9, 0, 6], oskar: [6, 3, 3] },
    );
    assert.deepEqual(a!.anomalies, {});
    assert.deepEqual(a!.spread.characters.mara!.spoke, { mean: 3, sd: 0, min: 3, max: 3 });
    assert.deepEqual(Object.fromEntries(Object.entries(b!.characters).map(([id, c]) => [id, [c.spoke, c.passed, c.led]])), { ilse: [6, 3, 3], mara: [9, 0, 6] });
    assert.deepEqual(b!.anomalies, { 'stray-text': 9 });
    // words per response: the stand-in's lines are fixed sentences, so the mean is a whole-number check of the counting
    assert.ok(a!.characters.mara!.words_mean > 15 && a!.characters.mara!.words_mean < 40);
    // usd is the sum of every cost event, the same figure summary.csv sums per run
    const csv = (await import('node:fs')).readFileSync(path.join(dir, 'summary.csv'), 'utf8').trim().split('\n').slice(1);
    const usdColumn = 17;
    const perCondition = (cast: string) => csv.filter((l) => l.includes(`,${cast},`)).reduce((n, l) => n + Number(l.split(',')[usdColumn]), 0);
    assert.ok(Math.abs(a!.usd - perCondition('mara oskar')) < 1e-6);
    // text output: one block per condition, anomalies by kind with the per-run rate
    const text = await runCli(cli, ['stats', dir], {});
    assert.match(text.stdout, /anomalies: stray-text 9 \(3\/run\)/);
    assert.match(text.stdout, /oskar\s+6 \(2 ± 0, 2–2\)/);
    // a sessions folder works too: grouped by what the logs record
    const bySessions = JSON.parse((await runCli(cli, ['stats', path.join(dir, 'sessions'), '--json'], {})).stdout) as { conditions: Array<{ runs: number }> };
    assert.deepEqual(bySessions.conditions.map((c) => c.runs), [3, 3]);
  });
});
