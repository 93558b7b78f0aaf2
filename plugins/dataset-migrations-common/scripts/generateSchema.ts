// Writes the published JSON Schemas of the migration spec and the campaign document from its zod schema.
//   yarn workspace @dataset-migrations/plugin-dataset-migrations-common generate:schema
import fs from 'node:fs';
import path from 'node:path';
import { SPEC_JSON_SCHEMA_PATH } from '../src/schemas';
import { CAMPAIGN_JSON_SCHEMA_PATH } from '../src/campaigns';
import { campaignJsonSchema, specJsonSchema } from './specJsonSchema';

const file = path.resolve(__dirname, '..', SPEC_JSON_SCHEMA_PATH);
fs.writeFileSync(file, `${JSON.stringify(specJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${file}\n`);
const campaignFile = path.resolve(__dirname, '..', CAMPAIGN_JSON_SCHEMA_PATH);
fs.writeFileSync(
  campaignFile,
  `${JSON.stringify(campaignJsonSchema(), null, 2)}\n`,
);
process.stdout.write(`wrote ${campaignFile}\n`);
