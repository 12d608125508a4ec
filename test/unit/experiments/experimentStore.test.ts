import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseExperimentText } from '../../../src/engine/experiments/experimentFile';
import { planExperiment } from '../../../src/engine/experiments/experimentPlan';
import { EXPERIMENT_FILES, ExperimentStore, NOTE_DELAY_MS, type ExperimentJson } from '../../../src/engine/experiments/experimentStore';
import { makeWorkspace } from './experimentRig';

const YAML = 'name: store\nmodel: claude-sonnet-4-6\nbrief: harbour-deal\ncast: [mara, oskar]\nscript: probe.jsonl\nreplicates: 4\n';

async function openStore(): Promise<{ store: ExperimentStore; out: string; onDisk: () => Promise<ExperimentJson> }> {
  const { dir, file } = await makeWorkspace(YAML);
  const plan = await planExperiment(parseExperimentText(await fs.readFile(file, 'utf8'), file));
  const out = path.join(dir, 'experiments', 'store');
  const store = await ExperimentStore.open(out, plan, null);
  const onDisk = async (): Promise<ExperimentJson> => JSON.parse(await fs.readFile(path.join(out, EXPERIMENT_FILES.json), 'utf8')) as ExperimentJson;
  return { store, out, onDisk };
}

describe('ExperimentStore: atomic, coalesced writes of experiment.json', () => {
  it('updates made while a write is in flight all land, the last state on disk', async () => {
    const { store, onDisk } = await openStore();
    await Promise.all(store.data.runs.map((r, i) => store.update(() => Object.assign(r, { status: 'done', usd: i + 1 }))));
    const disk = await onDisk();
    assert.deepEqual(disk.runs.map((r) => [r.status, r.usd]), [['done', 1], ['done', 2], ['done', 3], ['done', 4]]);
  });

  it('a noted change waits for its window (or the next update), then lands; flush writes it at once', async () => {
    const { store, onDisk } = await openStore();
    store.note((d) => (d.runs[0]!.status = 'running'));
    assert.equal((await onDisk()).runs[0]!.status, 'pending', 'a note is not written at once');
    await store.update((d) => (d.runs[1]!.status = 'done'));
    assert.deepEqual((await onDisk()).runs.slice(0, 2).map((r) => r.status), ['running', 'done'], 'the update carries the noted change');
    store.note((d) => (d.runs[2]!.status = 'running'));
    await store.flush();
    assert.equal((await onDisk()).runs[2]!.status, 'running');
    store.note((d) => (d.runs[3]!.status = 'running'));
    await new Promise((r) => setTimeout(r, NOTE_DELAY_MS + 300));
    assert.equal((await onDisk()).runs[3]!.status, 'running', 'the window passed: written without a flush');
  });

  it('a noted write that fails is not swallowed: the next flush rejects with it', async () => {
    const { store, out } = await openStore();
    await fs.rm(out, { recursive: true, force: true });
    await fs.writeFile(out, 'a file where the folder was'); // every write into the folder now fails
    store.note((d) => (d.status = 'running'));
    await new Promise((r) => setTimeout(r, NOTE_DELAY_MS + 300));
    await assert.rejects(store.flush(), /ENOTDIR|ENOENT/);
  });
});
