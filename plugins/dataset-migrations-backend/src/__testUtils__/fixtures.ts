import type { Entity } from '@backstage/catalog-model';

/** A dataset entity on engine `warehouse` (or `engine`), table `public.<name>`, at schema version 1. */
export function dataset(
  name: string,
  extra: Partial<Entity['metadata']> = {},
  engine = 'warehouse',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace: 'default',
      ...extra,
      annotations: {
        'dataset-migrations.io/engine': engine,
        'dataset-migrations.io/table': `public.${name}`,
        'dataset-migrations.io/schema-version': '1',
        ...extra.annotations,
      },
    },
    spec: { type: 'dataset', owner: 'group:default/data' },
  };
}
