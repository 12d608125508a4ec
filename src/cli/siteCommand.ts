import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { buildSite } from '../engine/export/sessionSite';
import { findPackageRoot, loadViewerAssets } from '../engine/export/viewerAssets';
import { UsageError } from './cliInput';

/**
 * `site SESSIONS_DIR [--out DIR]`: index.html and a view.html per session (default: in place). Unreadable
 * sessions are named on stderr and left out (exit 1); the last stdout line is the index's path.
 */
export async function runSite(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, strict: true, allowPositionals: true, options: { out: { type: 'string' } } });
  if (positionals.length !== 1) throw new UsageError('usage: site SESSIONS_DIR [--out DIR]');
  const sessionsDir = path.resolve(positionals[0]!);
  const assets = await loadViewerAssets(await findPackageRoot(__dirname));
  const r = await buildSite(sessionsDir, assets, values.out ? path.resolve(values.out) : sessionsDir);
  for (const s of r.skipped) process.stderr.write(`skipped ${s.folder}: ${s.reason}\n`);
  process.stdout.write(`${r.written.length} page(s) written, ${r.unchanged.length} unchanged\n${r.index}\n`);
  return r.skipped.length > 0 ? 1 : 0;
}
