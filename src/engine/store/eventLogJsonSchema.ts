import { z } from 'zod';
import { SCHEMA_VERSION, eventLogSchema } from './sessionSchema';

/** Where the generated schema is committed, relative to the repository root. */
export const EVENT_LOG_SCHEMA_FILE = 'schemas/event-log.schema.json';

/**
 * The published JSON Schema for `event-log.json`, generated from the zod schema the code validates with.
 * Draft-07, because VS Code's JSON language service (hand-edited logs get squiggles through
 * `contributes.jsonValidation`) supports it fully. `io: 'input'` leaves objects open (no
 * `additionalProperties: false`): logs may carry fields newer than this schema and must still validate.
 */
export function eventLogJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(eventLogSchema, { target: 'draft-07', io: 'input' }) as Record<string, unknown>;
  const { $schema, ...body } = generated;
  return {
    $schema,
    $id: `urn:dialogue-panel:event-log:v${SCHEMA_VERSION}`,
    title: 'Dialogue Panel session log (event-log.json)',
    description:
      `A session folder's event log, format version ${SCHEMA_VERSION}: either an interactive panel session (mode "interactive") ` +
      'or the older two-actor batch log (no mode, or mode "batch"). Generated from src/engine/store/sessionSchema.ts by ' +
      'scripts/genSchema.ts; documented in docs/session-format.md. Unknown fields are allowed and must be ignored by readers.',
    ...body,
  };
}

/** The file's exact text: 2-space JSON and a final newline. */
export function eventLogJsonSchemaText(): string {
  return `${JSON.stringify(eventLogJsonSchema(), null, 2)}\n`;
}
