import { z } from 'zod';
import { experimentFileSchema } from './experimentFile';

/** Where the generated schema is committed, relative to the repository root (contributed for *.yaml editing). */
export const EXPERIMENT_SCHEMA_FILE = 'schemas/experiment.schema.json';

/** The JSON Schema of the experiment file, generated from the zod schema `run` validates with (draft-07 for editors). */
export function experimentJsonSchemaText(): string {
  const generated = z.toJSONSchema(experimentFileSchema, { target: 'draft-07', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const { $schema, ...body } = generated;
  const schema = {
    $schema,
    $id: 'urn:dialogue-panel:experiment:v1',
    title: 'Dialogue Panel experiment file',
    ...body,
    description:
      'A matrix of conditions × replicates for `node dist/cli.js run` (SPEC §11; docs/experiments.md). Each singular key has a plural twin ' +
      'that multiplies the matrix; give one or the other. Generated from src/engine/experiments/experimentFile.ts by scripts/genSchema.ts.',
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
