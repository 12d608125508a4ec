import * as path from 'node:path';
import { auditSessions, formatProblem } from '../engine/store/sessionAudit';
import { writeIndex } from '../engine/store/sessionIndex';
import { recoverAll } from '../engine/store/sessionRecovery';
import { oneExistingDir } from './cliInput';

/** `audit`, `recover` and `index`: the commands that read and repair session folders without the model. */

export async function runAudit(args: string[]): Promise<number> {
  const dir = await oneExistingDir(args, 'audit');
  const { folders, problems } = await auditSessions(dir);
  for (const p of problems) process.stdout.write(`${formatProblem(p)}\n`);
  const bad = new Set(problems.map((p) => p.folder)).size;
  process.stderr.write(`audited ${folders} session folder(s): ${bad === 0 ? 'all valid' : `${bad} invalid, ${problems.length} problem(s)`}\n`);
  return problems.length === 0 ? 0 : 1;
}

export async function runRecover(args: string[]): Promise<number> {
  const dir = await oneExistingDir(args, 'recover');
  const results = await recoverAll(dir);
  for (const r of results) process.stdout.write(`${r.ok ? 'recovered' : 'FAILED'} ${r.dir}: ${r.message}\n`);
  if (results.length === 0) process.stdout.write('no unclosed sessions\n');
  return results.every((r) => r.ok) ? 0 : 1;
}

export async function runIndex(args: string[]): Promise<number> {
  const dir = await oneExistingDir(args, 'index');
  const file = await writeIndex(dir);
  process.stdout.write(`${path.join(dir, 'index.json')}: ${file.sessions.length} session(s)\n`);
  return 0;
}
