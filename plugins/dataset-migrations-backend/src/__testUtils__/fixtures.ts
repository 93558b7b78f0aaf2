import { randomUUID } from 'node:crypto';
import type { Entity } from '@backstage/catalog-model';
import type { MigrationStore, NewMigration } from '../database/MigrationStore';
import { PINNED_PLAN, type PinnedPlan } from '../jobs/runContext';

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

/** A pipeline component owned by `group:default/<name>-team` that depends on `dependsOn`. */
export function consumerComponent(
  name: string,
  annotations: Record<string, string>,
  dependsOn: string[],
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      type: 'pipeline',
      lifecycle: 'production',
      owner: `group:default/${name}-team`,
      dependsOn,
    },
    relations: dependsOn.map(targetRef => ({ type: 'dependsOn', targetRef })),
  };
}

/** A migration request of `resource:default/events`, renaming `user_id`, as a person makes it. */
export function newMigration(
  overrides: Partial<NewMigration> = {},
): NewMigration {
  const id = overrides.id ?? randomUUID();
  return {
    id,
    entityRef: 'resource:default/events',
    fromVersion: 1,
    targetVersion: 2,
    changes: [{ renameField: { from: 'user_id', to: 'listener_id' } }],
    dryRun: false,
    fingerprint: `fp-${id}`,
    requestedBy: 'user:default/tester',
    ...overrides,
  };
}

/** Pins the plan an attempt made (`public.events` on `warehouse`), as the runner does. */
export async function pinPlan(
  store: Pick<MigrationStore, 'setCheckpoint'>,
  id: string,
  plan: Partial<PinnedPlan> = {},
  owner?: string,
): Promise<void> {
  await store.setCheckpoint(
    id,
    PINNED_PLAN,
    { engine: 'warehouse', table: 'public.events', targetFields: [], ...plan },
    owner,
  );
}

/**
 * A migration that ran to success, as a worker leaves it; with `pinned`, its plan
 * pinned too, so rollback and contract can act on it.
 */
export async function succeededMigration(
  store: MigrationStore,
  overrides: Partial<NewMigration> = {},
  options: { pinned?: boolean } = {},
): Promise<string> {
  const migration = newMigration(overrides);
  await store.createMigration(migration, async () => {});
  const lease = { owner: 'test-runner', durationMs: 60_000 };
  await store.claimMigration(migration.id, lease);
  if (options.pinned) await pinPlan(store, migration.id, {}, lease.owner);
  await store.finishMigration(
    migration.id,
    { status: 'succeeded' },
    lease.owner,
  );
  return migration.id;
}
