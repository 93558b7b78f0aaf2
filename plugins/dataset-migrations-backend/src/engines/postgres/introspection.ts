/** What a dataset looks like now: its fields, indexes and size. */
import type {
  DatasetLocation,
  DatasetSchema,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import { interruptible, type Connections } from './connection';
import {
  estimateRows,
  parseRelationName,
  readFields,
  readIndexes,
  resolveDataset,
} from './relations';

export async function introspect(
  db: Connections,
  dataset: DatasetLocation,
): Promise<DatasetSchema> {
  // An unreachable database interrupts a run's plan step, as it does every stage.
  return interruptible(() =>
    db.withClient(async client => {
      const { storage } = await resolveDataset(
        client,
        parseRelationName(dataset.table),
      );
      return {
        fields: await readFields(client, storage),
        indexes: (await readIndexes(client, storage)).map(index => ({
          name: index.name,
          unique: index.unique,
          definition: index.definition,
        })),
        rowEstimate: await estimateRows(client, storage),
      };
    }),
  );
}
