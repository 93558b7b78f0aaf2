import { zodToJsonSchema } from 'zod-to-json-schema';
import {
  createMigrationRequestSchema,
  MIGRATION_SPEC_API_VERSION,
} from './schemas';

/** The migration spec as JSON Schema, for editors and for tooling outside Backstage. */
export function specJsonSchema(): object {
  return {
    ...zodToJsonSchema(createMigrationRequestSchema, {
      name: 'MigrationSpec',
      $refStrategy: 'none',
    }),
    $id: `https://${MIGRATION_SPEC_API_VERSION}/migration-spec.schema.json`,
    title: 'Dataset migration spec (v1)',
  };
}
