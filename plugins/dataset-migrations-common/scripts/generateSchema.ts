// Writes the published JSON Schema of the migration spec from its zod schema.
//   yarn workspace @dataset-migrations/plugin-dataset-migrations-common generate:schema
import fs from 'node:fs';
import path from 'node:path';
import { SPEC_JSON_SCHEMA_PATH } from '../src/schemas';
import { specJsonSchema } from '../src/specJsonSchema';

const file = path.resolve(__dirname, '..', SPEC_JSON_SCHEMA_PATH);
fs.writeFileSync(file, `${JSON.stringify(specJsonSchema(), null, 2)}\n`);
console.log(`wrote ${file}`);
