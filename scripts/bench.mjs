// `npm run bench`: runs every benchmark in bench/ (each in its own Node process, so one cannot warm up or
// slow down the next), prints one `name: value` line per figure, checks the issues' expectations, and writes
// bench/results.json with the machine the figures came from. `--only cost,parser` runs a subset (and leaves
// results.json alone, so it always holds one complete run).
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ORDER = ['cost', 'parser', 'store', 'latency', 'session', 'warmth', 'render', 'footprint', 'experiment', 'export'];
const PREFIX = 'BENCH_FIGURES ';
const TIMEOUT_MS = 150_000;
// What the issues expect of the headline ratios; a figure that misses is reported, not hidden.
const EXPECTATIONS = [
  { name: 'cost.megaprompt_vs_per_character', max: 0.5 },
  { name: 'parser.per_chunk_ratio', max: 1.5 },
  { name: 'render.append_ratio', max: 2 },
  { name: 'store.close_ratio', max: 12 },
  { name: 'session.turn_overhead_ratio', max: 1.5 },
  { name: 'warmth.auto_vs_oracle', max: 1.05 },
  { name: 'warmth.auto_vs_5m_researcher', max: 0.7 },
  { name: 'experiment.concurrency_speedup', min: 5 },
  { name: 'experiment.batch_cost_ratio', max: 0.55 },
  { name: 'experiment.runner_cpu_overhead', max: 0.05 },
  { name: 'export.ms_1000_turns', max: 2000 },
  { name: 'export.size_ratio', max: 1.5 },
];

function parseOnly(argv) {
  const i = argv.indexOf('--only');
  if (i < 0) return null;
  const names = (argv[i + 1] ?? '').split(',').filter(Boolean);
  const unknown = names.filter((n) => !ORDER.includes(n));
  if (names.length === 0 || unknown.length > 0) {
    console.error(`--only wants a comma-separated list of: ${ORDER.join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`);
    process.exit(2);
  }
  return names;
}

/** Runs one benchmark process; resolves to its figures, or to an error message. */
function runBench(name) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/main.ts', name], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (err += b));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith(PREFIX));
      if (code === 0 && line) return resolve({ figures: JSON.parse(line.slice(PREFIX.length)) });
      const why = signal ? `killed (${signal}) after ${TIMEOUT_MS / 1000} s` : `exit ${code}`;
      resolve({ error: `${why}: ${err.trim().split('\n').slice(0, 6).join('\n  ') || 'no output'}` });
    });
  });
}

function show(v) {
  if (v === null) return 'null';
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memory_gb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}

const only = parseOnly(process.argv.slice(2));
const started = Date.now();
const figures = {};
const notes = {};
const failed = [];
for (const name of only ?? ORDER) {
  const r = await runBench(name);
  if (r.error) {
    failed.push(name);
    console.log(`# ${name}: FAILED — ${r.error}`);
    continue;
  }
  for (const f of r.figures) {
    figures[f.name] = f.value === null ? null : Number(show(f.value));
    if (f.note) notes[f.name] = f.note;
    console.log(`${f.name}: ${show(f.value)}`);
    if (f.value === null) console.log(`# ${f.name}: ${f.note ?? 'not measured'}`);
  }
}

const checks = EXPECTATIONS.filter((e) => e.name in figures).map((e) => ({ ...e, value: figures[e.name], met: figures[e.name] !== null && ('min' in e ? figures[e.name] >= e.min : figures[e.name] <= e.max) }));
for (const c of checks) console.log(`# expect ${c.name} ${'min' in c ? `>= ${c.min}` : `<= ${c.max}`}: ${c.met ? 'met' : 'NOT MET'} (${show(c.value)})`);
const seconds = Math.round((Date.now() - started) / 1000);
console.log(`# ${Object.keys(figures).length} figures in ${seconds} s${failed.length ? `; failed: ${failed.join(', ')}` : ''}`);

if (only) {
  console.log('# --only: bench/results.json left as it was (it holds complete runs only)');
} else {
  const results = { date: new Date().toISOString(), machine: machine(), duration_s: seconds, figures, notes, expectations: checks, failed };
  await writeFile(path.join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log('# written to bench/results.json');
}
process.exit(failed.length > 0 ? 1 : 0);
