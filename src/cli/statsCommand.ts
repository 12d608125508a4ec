import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { formatUsd } from '../engine/cost/costMeter';
import { statsFor, type ConditionStats, type Spread } from '../engine/experiments/experimentStats';

/** `stats PATH [--json]` (SPEC 11): per condition and character, with the spread across replicates. */
export async function runStats(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, strict: true, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\nusage: stats PATH [--json]\n`);
    return 2;
  }
  if (parsed.positionals.length !== 1) {
    process.stderr.write('error: usage: stats PATH [--json]   (an experiment folder or a sessions folder)\n');
    return 2;
  }
  const target = path.resolve(parsed.positionals[0]!);
  let stats: ConditionStats[];
  try {
    stats = await statsFor(target);
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 2;
  }
  if (parsed.values.json) {
    process.stdout.write(`${JSON.stringify({ conditions: stats }, null, 2)}\n`);
    return 0;
  }
  if (stats.length === 0) process.stdout.write(`no closed sessions under ${target}\n`);
  for (const s of stats) process.stdout.write(`${formatCondition(s)}\n`);
  return 0;
}

const num = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(2));
const spread = (s: Spread): string => `${num(s.mean)} ± ${num(s.sd)}, ${num(s.min)}–${num(s.max)}`;

function formatCondition(s: ConditionStats): string {
  const label = Object.entries(s.condition)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v === null ? '-' : String(v)}`)
    .join(' ');
  const lines = [`condition ${label}`];
  lines.push(`  runs ${s.runs} · turns ${s.turns} (per run ${spread(s.spread.turns)}) · cost ${formatUsd(s.usd)}${s.spread.usd ? ` (per run ${formatUsd(s.spread.usd.mean)} ± ${formatUsd(s.spread.usd.sd)})` : ''}`);
  const kinds = Object.entries(s.anomalies).sort(([a], [b]) => a.localeCompare(b));
  const perRun = (n: number): string => (s.runs > 0 ? ` (${num(n / s.runs)}/run)` : '');
  lines.push(`  anomalies: ${kinds.length === 0 ? 'none' : kinds.map(([k, n]) => `${k} ${n}${perRun(n)}`).join(', ')} · refusals ${s.refusals}${Object.keys(s.errors).length ? ` · errors ${Object.entries(s.errors).map(([k, n]) => `${k} ${n}`).join(', ')}` : ''}`);
  const ids = Object.keys(s.characters);
  if (ids.length > 0) {
    const w = Math.max(9, ...ids.map((id) => id.length));
    lines.push(`  ${'character'.padEnd(w)}  spoke (per run: mean ± sd, min–max)   passed                 led                    words/speak`);
    for (const id of ids) {
      const c = s.characters[id]!;
      const sp = s.spread.characters[id]!;
      const cell = (n: number, x: Spread): string => `${n} (${spread(x)})`.padEnd(22);
      lines.push(`  ${id.padEnd(w)}  ${cell(c.spoke, sp.spoke).padEnd(37)} ${cell(c.passed, sp.passed)} ${cell(c.led, sp.led)} ${num(c.words_mean)}`);
    }
  }
  return lines.join('\n');
}
