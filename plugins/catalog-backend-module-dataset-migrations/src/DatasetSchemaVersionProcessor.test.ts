import type { Entity } from '@backstage/catalog-model';
import type { DatasetSchemaVersionService } from '@dataset-migrations/plugin-dataset-migrations-node';
import { DatasetSchemaVersionProcessor } from './DatasetSchemaVersionProcessor';

const ANNOTATION = 'dataset-migrations.io/schema-version';

function dataset(
  annotations: Record<string, string> = { [ANNOTATION]: '1' },
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: 'events',
      namespace: 'analytics',
      annotations: {
        'dataset-migrations.io/table': 'public.events',
        ...annotations,
      },
      labels: { tier: 'gold' },
    },
    spec: { type: 'dataset', owner: 'group:default/data' },
  };
}

describe('DatasetSchemaVersionProcessor', () => {
  const getMigratedDataset: jest.MockedFunction<
    DatasetSchemaVersionService['getMigratedDataset']
  > = jest.fn();
  const processor = new DatasetSchemaVersionProcessor({ getMigratedDataset });
  const preProcess = (entity: Entity) => processor.preProcessEntity(entity);

  beforeEach(() => {
    getMigratedDataset.mockReset();
  });

  it('writes the migrated version onto a dataset, keeping everything else', async () => {
    getMigratedDataset.mockResolvedValue({ schemaVersion: 3 });
    const entity = dataset();
    const before = JSON.parse(JSON.stringify(entity));

    const result = await preProcess(entity);

    expect(getMigratedDataset).toHaveBeenCalledWith(
      'resource:analytics/events',
    );
    expect(result).toEqual({
      ...before,
      metadata: {
        ...before.metadata,
        annotations: { ...before.metadata.annotations, [ANNOTATION]: '3' },
      },
    });
    // The input entity is not mutated.
    expect(entity).toEqual(before);
  });

  it('writes the table a migration moved the dataset to', async () => {
    getMigratedDataset.mockResolvedValue({
      schemaVersion: 4,
      table: 'analytics.plays',
    });
    const result = await preProcess(dataset());
    expect(result.metadata.annotations).toMatchObject({
      [ANNOTATION]: '4',
      'dataset-migrations.io/table': 'analytics.plays',
    });
  });

  it('adds the annotation to a dataset that declared none', async () => {
    getMigratedDataset.mockResolvedValue({ schemaVersion: 2 });
    const result = await preProcess({
      ...dataset(),
      metadata: { name: 'bare', namespace: 'default' },
    });
    expect(result.metadata.annotations).toEqual({ [ANNOTATION]: '2' });
    expect(getMigratedDataset).toHaveBeenCalledWith('resource:default/bare');
  });

  it('leaves a dataset that was never migrated unchanged', async () => {
    getMigratedDataset.mockResolvedValue(undefined);
    const entity = dataset({ [ANNOTATION]: '5' });
    expect(await preProcess(entity)).toBe(entity);
  });

  it('leaves entities that are not datasets alone without asking', async () => {
    const component: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'player', annotations: { [ANNOTATION]: '1' } },
      spec: { type: 'dataset' },
    };
    const database: Entity = { ...dataset(), spec: { type: 'database' } };
    expect(await preProcess(component)).toBe(component);
    expect(await preProcess(database)).toBe(database);
    expect(getMigratedDataset).not.toHaveBeenCalled();
  });

  it('lets a failure to read the version fail the processing round', async () => {
    getMigratedDataset.mockRejectedValue(
      new Error('dataset-migrations is down'),
    );
    await expect(preProcess(dataset())).rejects.toThrow(
      'dataset-migrations is down',
    );
  });
});
