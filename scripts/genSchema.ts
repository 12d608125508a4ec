/**
 * Writes the JSON Schemas generated from zod schemas: schemas/event-log.schema.json (the published session
 * format), schemas/experiment.schema.json (the experiment file) and src/webview/hostMessage.schema.json (the
 * webview's host-message validator). `--check` writes nothing and exits 1 when a committed file is out of date
 * (for CI; the unit tests check the same).
 *   node --import tsx scripts/genSchema.ts [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { EXPERIMENT_SCHEMA_FILE, experimentJsonSchemaText } from '../src/engine/experiments/experimentJsonSchema';
import { EVENT_LOG_SCHEMA_FILE, eventLogJsonSchemaText } from '../src/engine/store/eventLogJsonSchema';
import { HOST_MESSAGE_SCHEMA_FILE, PAGE_DATA_SCHEMA_FILE, hostMessageJsonSchemaText, pageDataJsonSchemaText } from '../src/hostMessageJsonSchema';

const GENERATED: Array<[file: string, text: () => string]> = [
  [EVENT_LOG_SCHEMA_FILE, eventLogJsonSchemaText],
  [EXPERIMENT_SCHEMA_FILE, experimentJsonSchemaText],
  [HOST_MESSAGE_SCHEMA_FILE, hostMessageJsonSchemaText],
  [PAGE_DATA_SCHEMA_FILE, pageDataJsonSchemaText],
];

let stale = 0;
for (const [relative, text] of GENERATED) {
  const file = path.resolve(__dirname, '..', relative);
  const wanted = text();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      // a missing file is out of date too
    }
    if (current === wanted) {
      process.stdout.write(`${relative} is up to date\n`);
    } else {
      process.stderr.write(`${relative} is out of date: run node --import tsx scripts/genSchema.ts\n`);
      stale += 1;
    }
  } else {
    writeFileSync(file, wanted);
    process.stdout.write(`wrote ${relative}\n`);
  }
}
process.exit(stale > 0 ? 1 : 0);
