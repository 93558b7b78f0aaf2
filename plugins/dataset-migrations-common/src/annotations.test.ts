import type { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_SCHEMA_VERSION,
  declaredSchemaVersionProblem,
  getDeclaredSchemaVersion,
  isDatasetConsumerEntity,
  isDatasetEntity,
} from './annotations';
import { isActiveMigrationStatus } from './types';

function entity(kind: string, type: string, version?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: {
      name: 'events',
      annotations:
        version === undefined ? {} : { [ANNOTATION_SCHEMA_VERSION]: version },
    },
    spec: { type },
  };
}

describe('isDatasetEntity', () => {
  it('recognises Resources of spec.type dataset, whatever the kind casing', () => {
    expect(isDatasetEntity(entity('Resource', 'dataset'))).toBe(true);
    expect(isDatasetEntity(entity('resource', 'dataset'))).toBe(true);
    expect(isDatasetEntity(entity('Resource', 'database'))).toBe(false);
    expect(isDatasetEntity(entity('Component', 'dataset'))).toBe(false);
    expect(
      isDatasetEntity({ ...entity('Resource', 'dataset'), spec: undefined }),
    ).toBe(false);
  });
});

describe('getDeclaredSchemaVersion', () => {
  it('reads the annotation and falls back to 1 for missing or invalid values', () => {
    expect(getDeclaredSchemaVersion(entity('Resource', 'dataset', '7'))).toBe(
      7,
    );
    expect(getDeclaredSchemaVersion(entity('Resource', 'dataset'))).toBe(1);
    expect(getDeclaredSchemaVersion(entity('Resource', 'dataset', 'two'))).toBe(
      1,
    );
    expect(getDeclaredSchemaVersion(entity('Resource', 'dataset', '0'))).toBe(
      1,
    );
    expect(getDeclaredSchemaVersion(entity('Resource', 'dataset', '2.5'))).toBe(
      1,
    );
  });
});

describe('declaredSchemaVersionProblem', () => {
  it('names a version that is not a whole number of 1 or more, and none for a good or missing one', () => {
    const problem = (version?: string) =>
      declaredSchemaVersionProblem(entity('Resource', 'dataset', version));
    expect(problem()).toBeUndefined();
    expect(problem('7')).toBeUndefined();
    expect(problem('two')).toBe(
      'has the annotation dataset-migrations.io/schema-version "two", which is not a whole number of 1 or more',
    );
    for (const bad of ['0', '2.5', '', ' ', '-1'])
      expect(problem(bad)).toContain(JSON.stringify(bad));
  });
});

describe('isActiveMigrationStatus', () => {
  it('treats only queued and running as active', () => {
    expect(isActiveMigrationStatus('queued')).toBe(true);
    expect(isActiveMigrationStatus('running')).toBe(true);
    expect(isActiveMigrationStatus('succeeded')).toBe(false);
    expect(isActiveMigrationStatus('failed')).toBe(false);
    expect(isActiveMigrationStatus('cancelled')).toBe(false);
  });
});

describe('isDatasetConsumerEntity', () => {
  const reader = (...relations: Entity['relations'] & object) => ({
    ...entity('Component', 'pipeline'),
    relations,
  });
  it('recognises an entity that depends on a Resource, as lineage records it', () => {
    expect(
      isDatasetConsumerEntity(
        reader({ type: 'dependsOn', targetRef: 'resource:default/events' }),
      ),
    ).toBe(true);
    expect(
      isDatasetConsumerEntity(
        reader({ type: 'dependsOn', targetRef: 'Resource:default/events' }),
      ),
    ).toBe(true);
  });
  it('leaves out entities that depend on no Resource, or are only depended on', () => {
    expect(isDatasetConsumerEntity(entity('Component', 'service'))).toBe(false);
    expect(
      isDatasetConsumerEntity(
        reader({ type: 'dependsOn', targetRef: 'component:default/api' }),
      ),
    ).toBe(false);
    expect(
      isDatasetConsumerEntity(
        reader({ type: 'dependencyOf', targetRef: 'resource:default/events' }),
      ),
    ).toBe(false);
  });
});
