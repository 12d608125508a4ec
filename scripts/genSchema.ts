/**
 * Writes the published JSON Schemas from their zod schemas: schemas/event-log.schema.json (the session log) and
 * schemas/experiment.schema.json (the experiment file). `--check` writes nothing and exits 1 when a committed
 * file is out of date (for CI; the unit tests check the same).
 *   node --import tsx scripts/genSchema.ts [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { EXPERIMENT_SCHEMA_FILE, experimentJsonSchemaText } from '../src/engine/experiments/experimentJsonSchema';
import { EVENT_LOG_SCHEMA_FILE, eventLogJsonSchemaText } from '../src/engine/store/eventLogJsonSchema';

const check = process.argv.includes('--check');
let stale = false;
for (const [name, text] of [
  [EVENT_LOG_SCHEMA_FILE, eventLogJsonSchemaText()],
  [EXPERIMENT_SCHEMA_FILE, experimentJsonSchemaText()],
] as const) {
  const file = path.resolve(__dirname, '..', name);
  if (check) {
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      // a missing file is out of date too
    }
    if (current !== text) {
      process.stderr.write(`${name} is out of date: run node --import tsx scripts/genSchema.ts\n`);
      stale = true;
    } else process.stdout.write(`${name} is up to date\n`);
  } else {
    writeFileSync(file, text);
    process.stdout.write(`wrote ${name}\n`);
  }
}
if (stale) process.exit(1);
