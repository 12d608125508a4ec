import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { exportSession } from '../engine/export/exportSession';
import { findPackageRoot, loadViewerAssets } from '../engine/export/viewerAssets';
import { UsageError } from './cliInput';

/** `export SESSION_DIR [--out FILE]`: the session as one self-contained HTML page; prints its path last. */
export async function runExport(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, strict: true, allowPositionals: true, options: { out: { type: 'string' } } });
  if (positionals.length !== 1) throw new UsageError('usage: export SESSION_DIR [--out FILE]');
  const sessionDir = path.resolve(positionals[0]!);
  const assets = await loadViewerAssets(await findPackageRoot(__dirname));
  const { file } = await exportSession(sessionDir, assets, values.out ? { out: path.resolve(values.out) } : {});
  process.stdout.write(`exported ${path.basename(sessionDir)}\n${file}\n`);
  return 0;
}
