import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { startStandIn, type BatchOptions, type StandIn } from '../../standIn/messagesStandIn';
import { buildCli, lastLine, makeWorkspace, runCli } from './experimentRig';

const EXPERIMENT = `name: batch-probe
model: claude-sonnet-4-6
brief: harbour-deal
cast: [mara, oskar, ilse]
script: probe.jsonl
replicates: 4
`;

interface Cost { type: string; turn: number; usd: number; service_tier?: string; cache_read_input_tokens: number }
const costsOf = async (sessionDir: string): Promise<Cost[]> => (JSON.parse(await fs.readFile(path.join(sessionDir, 'event-log.json'), 'utf8')) as { events: Cost[] }).events.filter((e) => e.type === 'cost');

describe('run --batch (Message Batches against the stand-in)', function () {
  this.timeout(120_000);
  let cli: string;
  let api: StandIn;
  const start = async (batch: BatchOptions): Promise<void> => {
    api = await startStandIn({ batch });
  };
  before(async () => {
    cli = await buildCli();
  });
  afterEach(async () => {
    await api?.close();
  });
  const env = (): Record<string, string> => ({ ANTHROPIC_BASE_URL: api.url, DIALOGUE_BATCH_POLL_MS: '5' });

  it('sends turn k of every run as one batch, matches shuffled results by custom_id, resubmits an errored and an expired item', async () => {
    const faulted: string[] = [];
    await start({
      latencyMs: 30,
      // the first submission of one run's call 2 errors and of another's call 3 expires; the resubmissions succeed
      fault: (id) => {
        const kind = /_2_1$/.test(id) && !faulted.some((f) => f.endsWith('_2_1')) ? 'errored' : /_3_1$/.test(id) && !faulted.some((f) => f.endsWith('_3_1')) ? 'expired' : undefined;
        if (kind) faulted.push(id);
        return kind;
      },
    });
    const ws = await makeWorkspace(EXPERIMENT);
    const r = await runCli(cli, ['run', ws.file, '--batch'], env());
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const dir = lastLine(r.stdout);
    assert.equal(faulted.length, 2);
    assert.match(r.stdout, /errored \(api_error: .*\): resubmitted in the next batch \(attempt 2 of 3\)/);
    assert.match(r.stdout, /expired: resubmitted in the next batch/);
    // turn-synchronous: batch 1 = call 1 of all 4 runs; the retried items ride along with the next batch
    assert.deepEqual(api.batches.map((b) => b.customIds.length), [4, 4, 4, 2]);
    assert.ok(api.batches[0]!.customIds.every((id) => id.endsWith('_1_1')));
    assert.ok(api.requests.every((q) => q.batchItem !== undefined), 'nothing was streamed');
    const json = JSON.parse(await fs.readFile(path.join(dir, 'experiment.json'), 'utf8')) as { runs: Array<{ status: string; session: string; service_tier: string }>; batches: Array<{ id: string; status: string }> };
    assert.ok(json.runs.every((x) => x.status === 'done' && x.service_tier === 'batch'));
    assert.deepEqual(json.batches.map((b) => b.id), api.batches.map((b) => b.id), 'every batch id is journaled');
    assert.ok(json.batches.every((b) => b.status === 'collected'));
    for (const run of json.runs) {
      const costs = await costsOf(path.join(dir, 'sessions', run.session));
      assert.equal(costs.length, 3);
      assert.ok(costs.every((c) => c.service_tier === 'batch'));
      assert.ok(costs.slice(1).every((c) => c.cache_read_input_tokens > 0), 'the 1-hour prefix survives from one batch to the next');
    }
    // the requests carried the 1-hour breakpoints
    assert.ok(api.requests.every((q) => JSON.stringify(q.body).includes('"ttl":"1h"')));
    assert.equal((await runCli(cli, ['audit', dir], {})).code, 0);
  });

  it('fails a run with a clear reason when its item errors on every submission; the others finish', async () => {
    let victim: string | null = null;
    await start({ fault: (id) => ((victim ??= id.split('_')[0]!) && id.startsWith(`${victim}_2_`) ? 'errored' : undefined) });
    const ws = await makeWorkspace(EXPERIMENT);
    const r = await runCli(cli, ['run', ws.file, '--batch'], env());
    assert.equal(r.code, 1);
    assert.match(r.stdout, new RegExp(`FAILED  ${victim} .*batch item ${victim} call 2 errored .* on each of 3 submissions`));
    const json = JSON.parse(await fs.readFile(path.join(lastLine(r.stdout), 'experiment.json'), 'utf8')) as { runs: Array<{ id: string; status: string }> };
    assert.deepEqual(json.runs.filter((x) => x.status !== 'done').map((x) => x.id), [victim]);
  });

  it('a run killed while a batch is in flight re-attaches to it on resume instead of paying twice', async () => {
    await start({ latencyMs: 1500 });
    const ws = await makeWorkspace(EXPERIMENT);
    let killed = false;
    const first = await runCli(cli, ['run', ws.file, '--batch'], env(), (stdout, signal) => {
      if (!killed && /batch \S+: 4 request\(s\) submitted/.test(stdout)) {
        killed = true;
        setTimeout(() => signal('SIGKILL'), 100);
      }
    });
    assert.equal(first.signal, 'SIGKILL');
    assert.equal(api.batches.length, 1);
    const second = await runCli(cli, ['run', ws.file, '--batch'], env());
    assert.equal(second.code, 0, second.stderr + second.stdout);
    assert.match(second.stdout, /4 result\(s\) re-attached/);
    // turn 1 was paid once (the first batch); only turns 2 and 3 were sent again
    assert.equal(api.requests.length, 4 * 3);
    assert.deepEqual(api.batches.map((b) => b.customIds.length), [4, 4, 4]);
    assert.equal((await runCli(cli, ['audit', lastLine(second.stdout)], {})).code, 0);
  });
});
