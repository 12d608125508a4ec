import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { CardError, exportCard, type CardFormat } from '../engine/cards/characterCards';

export const EXPORT_CARD_USAGE = 'export-card ID [--workspace DIR] [--format png|json|charx] [--out FILE]';

const FORMATS: readonly CardFormat[] = ['png', 'json', 'charx'];

/**
 * `export-card`: character `ID` as a V3 card (default PNG, to `DIR/exports/<id>.<format>`). The last stdout
 * line is the file written.
 */
export async function runExportCard(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: { workspace: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } },
  });
  const format = (values.format ?? 'png') as CardFormat;
  if (positionals.length !== 1 || !FORMATS.includes(format)) {
    process.stderr.write(`error: ${positionals.length !== 1 ? `usage: ${EXPORT_CARD_USAGE}` : `--format must be one of ${FORMATS.join(', ')}, got "${values.format}"`}\n`);
    return 2;
  }
  const id = positionals[0]!;
  const workspace = path.resolve(values.workspace ?? '.');
  const out = path.resolve(values.out ?? path.join(workspace, 'exports', `${id}.${format}`));
  try {
    const r = await exportCard(path.join(workspace, 'characters'), id, format, out);
    for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(`${r.file}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof CardError)) throw err;
    process.stderr.write(`error: ${err.message}\n`);
    return 2;
  }
}
