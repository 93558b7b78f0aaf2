import { zodToJsonSchema } from 'zod-to-json-schema';
import { campaignDocumentSchema } from '../src/campaigns';
import {
  createMigrationRequestSchema,
  MIGRATION_SPEC_API_VERSION,
} from '../src/schemas';

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

/** The campaign document as JSON Schema. */
export function campaignJsonSchema(): object {
  return {
    ...zodToJsonSchema(campaignDocumentSchema, {
      name: 'Campaign',
      $refStrategy: 'none',
    }),
    $id: `https://${MIGRATION_SPEC_API_VERSION}/campaign.schema.json`,
    title: 'Dataset migration campaign (v1)',
  };
}
