import { strict as assert } from 'node:assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Character } from '../../src/engine/cast/characters';
import { buildRequest, openingSystem, type PromptContext } from '../../src/engine/prompt/promptLayout';
import { runCostBench } from '../../bench/costBench';
import { runExportBench } from '../../bench/exportBench';
import type { Figure } from '../../bench/figures';
import { e2eActivationFigures } from '../../bench/footprintBench';
import { runLatencyBench } from '../../bench/latencyBench';
import { BENCHMARKS } from '../../bench/main';
import { naiveRequests } from '../../bench/naiveLayout';
import { benchLibrary, panelScript } from '../../bench/panelScript';
import { runParserBench } from '../../bench/parserBench';
import { baselineRequest } from '../../bench/perCharacterBaseline';
import { runStoreBench } from '../../bench/storeBench';
import { runExperimentBench } from '../../bench/experimentBench';
import { runTurnOverheadBench } from '../../bench/turnOverheadBench';
import { runWarmthBench } from '../../bench/warmthBench';

/** Every figure is a finite number, and the named ones are among them. */
function assertFigures(figures: readonly Figure[], names: readonly string[]): Map<string, number> {
  const byName = new Map<string, number>();
  for (const f of figures) {
    assert.ok(typeof f.value === 'number' && Number.isFinite(f.value), `${f.name} is not a finite number: ${f.value} (${f.note ?? 'no note'})`);
    byName.set(f.name, f.value);
  }
  for (const n of names) assert.ok(byName.has(n), `missing figure ${n}`);
  return byName;
}

const who = (id: string, name: string): Character => ({ id, name, glyph: name[0]!, color: '#123456', profile: `${name} has opinions.`, sha256: '0'.repeat(64), file: `${id}.md` });

describe('benchmarks', function () {
  this.timeout(20_000);

  describe('the scripted session and the layouts it is compared with', () => {
    it('has the issue\'s shape at 20 turns: tomas joins at 7, oskar retires at 13, turns 4 and 16 are addressed', () => {
      const script = panelScript(20);
      assert.equal(script.length, 20);
      assert.deepEqual(script.filter((t) => t.join).map((t) => [t.turn, t.join]), [[7, 'tomas']]);
      assert.deepEqual(script.filter((t) => t.retire).map((t) => [t.turn, t.retire]), [[13, 'oskar']]);
      assert.deepEqual(script.filter((t) => t.to).map((t) => [t.turn, t.to]), [[4, 'mara'], [16, 'tomas']]);
      const tiny = panelScript(3);
      assert.ok(tiny.some((t) => t.join) && tiny.some((t) => t.retire), 'a short run still joins and retires');
    });

    it('gives each baseline character its own lines as assistant turns, one block per utterance, two breakpoints', () => {
      const mara = who('mara', 'Mara Voss');
      const names = new Map([['mara', 'Mara Voss'], ['oskar', 'Oskar Lind']]);
      const transcript = [
        { speaker: null, text: 'First question' },
        { speaker: 'oskar', text: 'Oskar first.' },
        { speaker: 'mara', text: 'Mara answers.' },
        { speaker: null, text: 'Second question' },
        { speaker: 'oskar', text: 'Oskar again.' },
      ];
      const r = baselineRequest(mara, null, transcript, names, { model: 'm', maxTokens: 10, ttl: '5m' });
      assert.deepEqual(r.messages.map((m) => [m.role, m.content.map((b) => b.text)]), [
        ['user', ['From the floor: "First question"', 'Oskar Lind: Oskar first.']],
        ['assistant', ['Mara answers.']],
        ['user', ['From the floor: "Second question"', 'Oskar Lind: Oskar again.']],
      ]);
      const marked = [...r.system, ...r.messages.flatMap((m) => m.content)].filter((b) => b.cache_control);
      assert.equal(marked.length, 2);
      assert.ok(r.system[r.system.length - 1]!.cache_control && r.messages[2]!.content[1]!.cache_control);
      assert.match(r.system[0]!.text, /You are Mara Voss/);
      assert.throws(() => baselineRequest(mara, null, transcript.slice(0, 3), names, { model: 'm', maxTokens: 10, ttl: '5m' }), /end with someone else/);
    });

    it('moves a joiner into the system block in the naive layout and leaves the rest of the context alone', async () => {
      const library = await benchLibrary();
      const script = panelScript(3); // tomas joins at turn 2, oskar retires at turn 3
      const engine: PromptContext = { system: [], messages: script.flatMap((t) => [{ role: 'user' as const, content: [`u${t.turn}`] }, { role: 'assistant' as const, content: [`reply ${t.turn}`] }]) };
      const requests = naiveRequests(script, engine, { library, brief: null, depth: 'full', model: 'm', maxTokens: 10 });
      assert.equal(requests.length, 3);
      assert.equal(requests[0]!.system.length, 4, 'rules + three members');
      assert.match(requests[1]!.system[4]!.text, /<character id="tomas"/);
      assert.doesNotMatch(requests[1]!.messages[2]!.content[0]!.text, /<join/);
      assert.match(requests[2]!.messages[4]!.content[0]!.text, /<retire id="oskar"\/>/);
      assert.equal(requests[2]!.messages[3]!.content[0]!.text, 'reply 2');
      const opening = buildRequest({ system: openingSystem('full', null, ['mara', 'oskar', 'ilse'].map((id) => library.characters.get(id)!)), messages: engine.messages.slice(0, 1) }, { model: 'm', maxTokens: 10, ttl: '5m' });
      assert.deepEqual(requests[0]!.system, opening.system, 'before the join the naive layout is the engine\'s');
    });
  });

  describe('smoke runs at tiny sizes (finite figures)', () => {
    it('lists every benchmark npm run bench runs', () => {
      assert.deepEqual(BENCHMARKS.map((b) => b.name).sort(), ['cost', 'experiment', 'export', 'footprint', 'latency', 'parser', 'render', 'session', 'store', 'warmth']);
    });

    it('warmth (2 sessions per trace; the oracle is checked against its replay inside)', async () => {
      const f = assertFigures(await runWarmthBench(2, 4), ['warmth.auto_vs_oracle', 'warmth.auto_vs_5m_researcher', 'warmth.keepwarm_vs_5m_fast', 'warmth.keepwarm_vs_5m_researcher', 'warmth.keepwarm_vs_5m_slow', 'warmth.e2e_auto_vs_off']);
      assert.ok(f.get('warmth.auto_vs_oracle')! >= 1, 'nothing beats the oracle');
    });

    it('parser', () => {
      const f = assertFigures(runParserBench({ smallBytes: 4 * 1024, largeBytes: 16 * 1024, samples: 2 }), ['parser.per_chunk_ratio', 'parser.throughput_mb_s']);
      assert.ok(f.get('parser.throughput_mb_s')! > 0);
    });

    it('export, 5 turns (opens the page in Chromium)', async function () {
      this.timeout(180_000);
      assertFigures(await runExportBench(5, 1), ['export.ms_1000_turns', 'export.size_ratio', 'export.open_ratio', 'export.jump_to_end_ms']);
    });

    it('store', async () => {
      assertFigures(await runStoreBench({ smallTurns: 3, largeTurns: 6, samples: 1 }), ['store.close_ratio']);
    });

    it('cost and cache, 3 turns', async () => {
      const f = assertFigures(await runCostBench({ turns: 3 }), [
        'cost.megaprompt.usd', 'cost.per_character.usd', 'cost.megaprompt_vs_per_character', 'cache.read_share_min', 'cache.join_write_excess', 'cache.join_write_excess_naive',
      ]);
      assert.equal(f.get('cost.megaprompt.calls'), 3);
      assert.equal(f.get('cache.join_write_excess'), 1, 'a join writes exactly the new tail');
      assert.ok(f.get('cache.join_write_excess_naive')! > 1, 'the naive join rewrites more than the tail');
    });

    it('engine latency', async () => {
      const f = assertFigures(await runLatencyBench({ replyBytes: 4 * 1024 }), ['engine.latency_p50_ms', 'engine.latency_p99_ms']);
      assert.ok(f.get('engine.deltas')! > 100);
    });

    it('footprint: reads the e2e run\'s activation figures, and says what to run when there are none', async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'dp-bench-e2e-'));
      try {
        await writeFile(path.join(dir, 'activation-installed.json'), JSON.stringify({ copy: 'installed', activation_ms: 41.5, vscode_version: '1.100.3', measured_at: '2026-12-01T22:00:00Z' }));
        const figures = await e2eActivationFigures(dir);
        const installed = figures.find((f) => f.name === 'footprint.activation_vscode_installed_ms');
        assert.equal(installed?.value, 41.5);
        assert.match(installed?.note ?? '', /VS Code 1\.100\.3.*installed copy/);
        const development = figures.find((f) => f.name === 'footprint.activation_vscode_ms');
        assert.equal(development?.value, null);
        assert.match(development?.note ?? '', /npm run test:e2e/);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('experiment (2 runs, 2 replicates × 2 turns)', async function () {
      this.timeout(120_000); // a stand-in process to start, and seven tiny experiments
      const f = assertFigures(await runExperimentBench({ runs: 2, turnsForSpeed: 1, replicatesForCost: 2, turnsForCost: 2 }), ['experiment.concurrency_speedup', 'experiment.batch_cost_ratio', 'experiment.runner_cpu_overhead']);
      const ratio = f.get('experiment.batch_cost_ratio')!;
      assert.ok(ratio > 0.45 && ratio < 0.7, `batch priced at about half: ${ratio}`);
    });

    it('turn overhead (engine only)', async () => {
      assertFigures(await runTurnOverheadBench({ earlyTurn: 2, lateTurn: 4, window: 1, skipRender: true }), ['session.turn_overhead_ratio', 'session.engine_turn_ratio']);
    });
  });
});
