// `npm test`: every test this project has, in one command, cheapest first. Each stage runs even when an
// earlier one failed (so one run shows every problem); the exit code is non-zero if any stage failed.
import { spawn } from 'node:child_process';
import { ensureDebianPackages } from './systemPackages.mjs';

const stages = [
  { name: 'types', cmd: 'npx', args: ['tsc', '--noEmit', '-p', 'tsconfig.json'] },
  { name: 'build', cmd: 'node', args: ['esbuild.mjs'] },
  { name: 'unit', cmd: 'npx', args: ['mocha'], mocha: true },
  { name: 'webview', cmd: 'npx', args: ['mocha', '--config', 'test/webview/.mocharc.json'], mocha: true },
  { name: 'vscode', cmd: 'node', args: ['scripts/e2e/run.mjs'], mocha: true },
];

const only = process.argv.slice(2);

// A fresh Debian machine lacks the browser and fonts the webview and VS Code stages need: install them first.
const setupProblem = ensureDebianPackages();
if (setupProblem) process.stderr.write(`warning: ${setupProblem}\n`);

let passed = 0;
let failed = 0;
const summary = [];

for (const stage of stages) {
  if (only.length > 0 && !only.includes(stage.name)) continue;
  const started = Date.now();
  process.stdout.write(`\n=== ${stage.name}: ${stage.cmd} ${stage.args.join(' ')}\n`);
  const { code, output } = await run(stage.cmd, stage.args);
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  let p = 0;
  let f = 0;
  if (stage.mocha) {
    for (const m of output.matchAll(/^\s*(\d+) passing/gm)) p += Number(m[1]);
    for (const m of output.matchAll(/^\s*(\d+) failing/gm)) f += Number(m[1]);
  }
  if (code !== 0 && f === 0) f = 1; // a stage that failed outside its tests still counts as a failure
  if (!stage.mocha && code === 0) p = 1;
  passed += p;
  failed += f;
  summary.push(`${stage.name.padEnd(8)} ${code === 0 ? 'ok  ' : 'FAIL'} ${String(p).padStart(4)} passed ${String(f).padStart(3)} failed  ${secs}s`);
}

process.stdout.write(`\n${summary.join('\n')}\n\n${passed} passed, ${failed} failed\n`);
process.exit(failed > 0 ? 1 : 0);

function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => process.stderr.write(d));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}
