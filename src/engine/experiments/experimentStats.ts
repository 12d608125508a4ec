import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SESSION_FILES, pathExists } from '../store/sessionFiles';
import { EXPERIMENT_FILES, ExperimentStore } from './experimentStore';
import { canonicalJson } from './experimentPlan';
import { countSession, type SessionCounts } from './sessionCounts';
import { readSessionLog } from './summaryCsv';

/** Mean, sample standard deviation (0 for one value), min and max of one figure across a condition's runs. */
export interface Spread {
  mean: number;
  sd: number;
  min: number;
  max: number;
}

/**
 * One condition's statistics. The first five keys (and spoke/passed/led/words_mean per character) are the
 * `stats --json` contract of SPEC 11; `spread`, `anomalies`, `refusals` and `errors` are additions.
 */
export interface ConditionStats {
  condition: Record<string, unknown>;
  runs: number;
  turns: number;
  usd: number | null;
  characters: Record<string, { spoke: number; passed: number; led: number; words_mean: number }>;
  spread: {
    turns: Spread;
    usd: Spread | null;
    characters: Record<string, { spoke: Spread; passed: Spread; led: Spread }>;
  };
  /** anomaly counts by kind, summed over the runs */
  anomalies: Record<string, number>;
  refusals: number;
  errors: Record<string, number>;
}

export function spreadOf(values: readonly number[]): Spread {
  if (values.length === 0) return { mean: 0, sd: 0, min: 0, max: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = values.length < 2 ? 0 : Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
  return { mean: round(mean), sd: round(sd), min: Math.min(...values), max: Math.max(...values) };
}

const round = (x: number): number => Math.round(x * 1e6) / 1e6;

/**
 * Statistics for PATH: an experiment folder (its done runs, grouped by the planned condition) or a sessions
 * folder (every closed session, grouped by what its log records: model, brief, opening cast and — when the log
 * carries `conditions` — depth, ttl and max_tokens).
 */
export async function statsFor(target: string): Promise<ConditionStats[]> {
  const groups = new Map<string, { condition: Record<string, unknown>; runs: SessionCounts[] }>();
  const add = (condition: Record<string, unknown>, counts: SessionCounts): void => {
    const key = canonicalJson(condition);
    const g = groups.get(key) ?? { condition, runs: [] };
    g.runs.push(counts);
    groups.set(key, g);
  };
  const experiment = await ExperimentStore.read(target);
  if (experiment) {
    for (const c of experiment.conditions) groups.set(canonicalJson({ id: c.id, ...c.condition }), { condition: { id: c.id, ...c.condition }, runs: [] });
    for (const r of experiment.runs) {
      if (r.status !== 'done' || r.session === null) continue;
      const log = await readSessionLog(path.join(target, EXPERIMENT_FILES.sessions, r.session));
      const c = experiment.conditions.find((x) => x.id === r.condition_id)!;
      if (log) add({ id: c.id, ...c.condition }, countSession(log));
    }
  } else {
    for (const dir of await sessionFolders(target)) {
      const log = await readSessionLog(dir);
      if (!log) continue;
      const counts = countSession(log);
      const recorded = (log as { conditions?: Record<string, unknown> }).conditions ?? {};
      const pick = (k: string): Record<string, unknown> => (recorded[k] !== undefined ? { [k]: recorded[k] } : {});
      add({ model: log.model, brief: 'brief' in log ? log.brief?.id ?? null : null, cast: counts.cast, ...pick('deliberation_depth'), ...pick('cache_ttl'), ...pick('max_tokens') }, counts);
    }
  }
  return [...groups.values()].map((g) => conditionStats(g.condition, g.runs));
}

async function sessionFolders(dir: string): Promise<string[]> {
  if (await pathExists(path.join(dir, SESSION_FILES.log))) return [dir];
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw new Error(`cannot read ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const out: string[] = [];
  for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.') && (await pathExists(path.join(dir, e.name, SESSION_FILES.log)))) out.push(path.join(dir, e.name));
  return out.sort();
}

export function conditionStats(condition: Record<string, unknown>, runs: readonly SessionCounts[]): ConditionStats {
  const ids = [...new Set(runs.flatMap((r) => Object.keys(r.characters)))].sort();
  const characters: ConditionStats['characters'] = {};
  const spreadChars: ConditionStats['spread']['characters'] = {};
  for (const id of ids) {
    const per = runs.map((r) => r.characters[id] ?? { spoke: 0, passed: 0, led: 0, words: 0 });
    const spoke = per.reduce((a, c) => a + c.spoke, 0);
    const words = per.reduce((a, c) => a + c.words, 0);
    characters[id] = { spoke, passed: per.reduce((a, c) => a + c.passed, 0), led: per.reduce((a, c) => a + c.led, 0), words_mean: spoke === 0 ? 0 : round(words / spoke) };
    spreadChars[id] = { spoke: spreadOf(per.map((c) => c.spoke)), passed: spreadOf(per.map((c) => c.passed)), led: spreadOf(per.map((c) => c.led)) };
  }
  const priced = runs.every((r) => r.usd !== null);
  const sumKinds = (pick: (r: SessionCounts) => Record<string, number>): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const r of runs) for (const [k, n] of Object.entries(pick(r))) out[k] = (out[k] ?? 0) + n;
    return out;
  };
  return {
    condition,
    runs: runs.length,
    turns: runs.reduce((a, r) => a + r.turns, 0),
    usd: priced ? round(runs.reduce((a, r) => a + r.usd!, 0)) : null,
    characters,
    spread: { turns: spreadOf(runs.map((r) => r.turns)), usd: priced ? spreadOf(runs.map((r) => r.usd!)) : null, characters: spreadChars },
    anomalies: sumKinds((r) => r.anomalies),
    refusals: runs.reduce((a, r) => a + r.refusals, 0),
    errors: sumKinds((r) => r.errors),
  };
}
