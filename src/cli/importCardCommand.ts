import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { CardError, importCards } from '../engine/cards/characterCards';

export const IMPORT_CARD_USAGE = 'import-card FILE... [--workspace DIR] [--replace] [--into ID]';

/**
 * `import-card`: community character cards (PNG, JSON, CHARX) into `DIR/characters/<id>.md`. Every file is
 * checked before anything is written; the last stdout line is the (last) character file written.
 */
export async function runImportCard(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: { workspace: { type: 'string' }, replace: { type: 'boolean' }, into: { type: 'string' } },
  });
  if (positionals.length === 0) {
    process.stderr.write(`error: usage: ${IMPORT_CARD_USAGE}\n`);
    return 2;
  }
  const charactersDir = path.join(path.resolve(values.workspace ?? '.'), 'characters');
  try {
    const results = await importCards(positionals.map((f) => path.resolve(f)), charactersDir, {
      replace: values.replace === true,
      ...(values.into ? { into: values.into } : {}),
    });
    for (const r of results) {
      for (const w of r.warnings) process.stderr.write(`warning: ${path.basename(r.source)}: ${w}\n`);
      process.stderr.write(`imported ${path.basename(r.source)} as ${r.id}\n`);
    }
    process.stdout.write(`${results.map((r) => r.file).join('\n')}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof CardError)) throw err;
    process.stderr.write(`error: ${err.message}\n`);
    return 2;
  }
}
