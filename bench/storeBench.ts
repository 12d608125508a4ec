import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SessionJournal } from '../src/engine/store/sessionJournal';
import { figure, median, type Figure } from './figures';

/** Sizes of the close benchmark; the defaults are the (1,000 vs 100 turns). */
export interface StoreBenchOptions {
  smallTurns?: number;
  largeTurns?: number;
  samples?: number;
}

const CAST = [
  { id: 'mara', name: 'Mara Voss' },
  { id: 'oskar', name: 'Oskar Lind' },
  { id: 'ilse', name: 'Ilse Brandt' },
];
const SHA = 'a'.repeat(64);

function words(turn: number, who: string, n: number): string {
  const base = `${who} on turn ${turn}: the marina, the berth and the co-op's **moorings** all hang on the March deadline, and nobody wants to blink first. `;
  return base.repeat(n).trim();
}

/**
 * A journal with `turns` synthesised turns, each shaped like a real one: the floor's line, a confer of three
 * lines, two responses and a pass, the cost, the floor marker (9 events, about 2 KB of text).
 */
export async function journalWithTurns(sessionsDir: string, turns: number): Promise<SessionJournal> {
  const j = await SessionJournal.create(sessionsDir, { session_id: '', title: `Close bench ${turns}`, started_at: new Date().toISOString(), model: 'claude-sonnet-4-6', brief: { id: 'harbour-deal', title: 'The harbour deal' } });
  for (const c of CAST) j.noteParticipant({ ...c, glyph: c.name[0]!, color: '#336699' });
  j.append({ type: 'intro', turn: 0, brief: j.header.brief, cast: CAST.map((c) => c.id) });
  for (let t = 1; t <= turns; t++) {
    if (t === 2) {
      j.noteParticipant({ id: 'tomas', name: 'Tomás Ferreira', glyph: 'T', color: '#996633' });
      j.append({ type: 'join', turn: t, speaker: 'tomas', profile_sha256: SHA });
    }
    j.append({ type: 'human-speak', turn: t, text: `Question ${t}: where does each of you stand on the berth now?`, target: null });
    for (const c of CAST) j.append({ type: 'deliberation', turn: t, speaker: c.id, text: words(t, c.name, 1) });
    j.append({ type: 'speak', turn: t, speaker: 'oskar', text: words(t, 'Oskar', 4), order: 1, truncated: false });
    j.append({ type: 'speak', turn: t, speaker: 'mara', text: words(t, 'Mara', 3), order: 2, truncated: false });
    j.append({ type: 'pass', turn: t, speaker: 'ilse', order: 3 });
    j.append({ type: 'cost', turn: t, model: 'claude-sonnet-4-6', input_tokens: 12, cache_creation_input_tokens: 900, cache_read_input_tokens: 1500 + 900 * t, output_tokens: 420, usd: 0.0123 });
    j.append({ type: 'floor', turn: t });
  }
  return j;
}

/**
 * Builds a journal (untimed), then times `close()`: validating and writing event-log.json and transcript.md.
 * Returns wall and CPU ms. The ratio uses CPU time: close fsyncs four times, and on a shared disk those waits
 * are large and erratic enough to swamp the work whose growth the figure is about.
 */
async function timeClose(sessionsDir: string, turns: number): Promise<{ wall: number; cpu: number }> {
  const j = await journalWithTurns(sessionsDir, turns);
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  await j.close();
  const used = process.cpuUsage(cpu);
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  await fs.rm(j.dir, { recursive: true, force: true });
  return { wall, cpu: (used.user + used.system) / 1000 };
}

/** store.close_ratio: close time at `largeTurns` over close time at `smallTurns` (10x the turns: linear is ~10). */
export async function runStoreBench(o: StoreBenchOptions = {}): Promise<Figure[]> {
  const smallTurns = o.smallTurns ?? 100;
  const largeTurns = o.largeTurns ?? 1000;
  const samples = o.samples ?? 7;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dp-bench-store-'));
  try {
    await timeClose(dir, smallTurns); // warm-up: module loading and JIT
    const small: Array<{ wall: number; cpu: number }> = [];
    const large: Array<{ wall: number; cpu: number }> = [];
    for (let s = 0; s < samples; s++) {
      small.push(await timeClose(dir, smallTurns));
      large.push(await timeClose(dir, largeTurns));
    }
    const cpuSmall = median(small.map((x) => x.cpu));
    const cpuLarge = median(large.map((x) => x.cpu));
    return [
      figure('store.close_ratio', cpuLarge / cpuSmall, `CPU time, ${largeTurns} vs ${smallTurns} turns`),
      figure('store.close_cpu_ms_small', cpuSmall, `${smallTurns} turns`),
      figure('store.close_cpu_ms_large', cpuLarge, `${largeTurns} turns`),
      figure('store.close_wall_ms_small', median(small.map((x) => x.wall)), `${smallTurns} turns, fsyncs included`),
      figure('store.close_wall_ms_large', median(large.map((x) => x.wall)), `${largeTurns} turns, fsyncs included`),
    ];
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
