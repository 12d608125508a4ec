/**
 * Writes schemas/event-log.schema.json from the zod schema. `--check` writes nothing and exits 1 when the
 * committed file is out of date (for CI; the unit tests check the same).
 *   node --import tsx scripts/genSchema.ts [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { EVENT_LOG_SCHEMA_FILE, eventLogJsonSchemaText } from '../src/engine/store/eventLogJsonSchema';

const file = path.resolve(__dirname, '..', EVENT_LOG_SCHEMA_FILE);
const text = eventLogJsonSchemaText();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // a missing file is out of date too
  }
  if (current !== text) {
    process.stderr.write(`${EVENT_LOG_SCHEMA_FILE} is out of date: run node --import tsx scripts/genSchema.ts\n`);
    process.exit(1);
  }
  process.stdout.write(`${EVENT_LOG_SCHEMA_FILE} is up to date\n`);
} else {
  writeFileSync(file, text);
  process.stdout.write(`wrote ${EVENT_LOG_SCHEMA_FILE}\n`);
}
