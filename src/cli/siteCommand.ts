import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { EXPERIMENT_FILES, ExperimentStore, type ExperimentJson } from '../engine/experiments/experimentStore';
import { buildSite, type CompareGroup } from '../engine/export/sessionSite';
import { findPackageRoot, loadViewerAssets } from '../engine/export/viewerAssets';
import { UsageError } from './cliInput';

/**
 * `site SESSIONS_DIR [--out DIR]`: index.html and a view.html per session (default: in place). Unreadable
 * sessions are named on stderr and left out (exit 1); the last stdout line is the index's path. An experiment
 * folder (or its `sessions/`) also gets a `compare-<condition>.html` per condition, linked from the index.
 */
export async function runSite(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, strict: true, allowPositionals: true, options: { out: { type: 'string' } } });
  if (positionals.length !== 1) throw new UsageError('usage: site SESSIONS_DIR [--out DIR]');
  let sessionsDir = path.resolve(positionals[0]!);
  let experiment = await ExperimentStore.read(sessionsDir);
  if (experiment) sessionsDir = path.join(sessionsDir, EXPERIMENT_FILES.sessions);
  else if (path.basename(sessionsDir) === EXPERIMENT_FILES.sessions) experiment = await ExperimentStore.read(path.dirname(sessionsDir));
  const assets = await loadViewerAssets(await findPackageRoot(__dirname));
  const r = await buildSite(sessionsDir, assets, values.out ? path.resolve(values.out) : sessionsDir, experiment ? compareGroups(experiment) : []);
  for (const s of r.skipped) process.stderr.write(`skipped ${s.folder}: ${s.reason}\n`);
  process.stdout.write(`${r.written.length} page(s) written, ${r.unchanged.length} unchanged\n${r.index}\n`);
  return r.skipped.length > 0 ? 1 : 0;
}

/** One compare page per condition of the experiment, over its finished runs (replicate order). */
export function compareGroups(e: ExperimentJson): CompareGroup[] {
  return e.conditions.map(({ id, condition: c }) => ({
    conditionId: id,
    title: `${e.name}: ${c.model}, ${c.cast.join(' + ')}${c.brief ? `, ${c.brief}` : ''}, depth ${c.depth}, ${c.script}`,
    condition: Object.entries({ model: c.model, brief: c.brief ?? '(none)', cast: c.cast.join(', '), depth: c.depth, ttl: c.ttl, max_tokens: String(c.max_tokens), script: c.script }).map(([key, value]) => ({ key, value })),
    replicates: e.runs.filter((r) => r.condition_id === id && r.status === 'done' && r.session !== null).map((r) => ({ replicate: r.replicate, folder: r.session! })),
  }));
}
