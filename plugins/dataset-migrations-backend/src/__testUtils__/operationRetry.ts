import type { Knex } from 'knex';
import { Client } from 'pg';
import type {
  DatasetEngine,
  DatasetMigrationRun,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import type { MigrationStore } from '../database/MigrationStore';
import type { OperationJob } from '../queue/JobQueue';
import { engineRun } from './engineRun';
import { newMigration, pinPlan } from './fixtures';
import { connectionUrlOf, waitFor } from './testDatabases';

/**
 * What the tests of a rollback or contract retried after its worker died share:
 * the worker's death, its retry, and a run migrated for real to retry on.
 */

/** Runs `job` on `runner` as graphile-worker's retry would, once the dead worker's lease ran out. */
export async function runOnceLeaseRunsOut(
  runner: { run(job: OperationJob): Promise<void> },
  job: OperationJob,
): Promise<void> {
  await waitFor(
    () =>
      runner.run(job).then(
        () => true,
        error => {
          if (/is leased to another worker/.test(String(error))) throw error;
          throw new Error(`the retry failed: ${error}`);
        },
      ),
    { timeoutMs: 20_000, intervalMs: 250, what: 'the retry to run' },
  );
}

/**
 * `store` as a worker named `workerId` sees it, the worker dying the moment
 * `diesAt` first holds for a call (not made): from then on nothing it asks of the
 * plugin's database happens (no step, record, answer or lease release).
 */
export function dyingStore<S extends MigrationStore>(
  store: S,
  workerId: string,
  diesAt: (key: string | symbol, args: unknown[]) => boolean = () => false,
): MigrationStore {
  let dead = false;
  const killed = () => new Error(`${workerId} was killed`);
  return new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (dead) return Promise.reject(killed());
        if (diesAt(key, args)) {
          dead = true;
          return Promise.reject(killed());
        }
        return value.apply(target, args);
      };
    },
  }) as MigrationStore;
}

/**
 * `public.<table>` (50 rows) migrated for real by `migrate` (a field renamed),
 * its run succeeded with its checkpoints and plan pinned; `beforeFinish` runs
 * just before the run is marked succeeded. Answers the run's id.
 */
export async function migratedRun(options: {
  knex: Knex;
  store: MigrationStore;
  engine: DatasetEngine;
  table: string;
  migrate?: (run: DatasetMigrationRun) => Promise<void>;
  beforeFinish?: (run: DatasetMigrationRun) => Promise<void>;
}): Promise<string> {
  const { knex, store, engine, table } = options;
  const writer = new Client(connectionUrlOf(knex));
  await writer.connect();
  await writer.query(`CREATE TABLE public.${table} (
    id bigint PRIMARY KEY, customer text NOT NULL)`);
  await writer.query(`INSERT INTO public.${table}
    SELECT g, 'c' || g FROM generate_series(1, 50) g`);
  await writer.end();
  const migration = newMigration({
    entityRef: `resource:default/${table}`,
    changes: [{ renameField: { from: 'customer', to: 'customer_name' } }],
  });
  await store.createMigration(migration, async () => {});
  const lease = { owner: 'test-runner', durationMs: 60_000 };
  await store.claimMigration(migration.id, lease);
  const { run, checkpoints } = await engineRun(
    engine,
    `public.${table}`,
    migration.changes,
    { migrationId: migration.id, entityRef: migration.entityRef },
  );
  await (options.migrate ?? (r => engine.migrate(r)))(run);
  for (const [name, value] of checkpoints)
    await store.setCheckpoint(migration.id, name, value, lease.owner);
  await pinPlan(
    store,
    migration.id,
    { table: `public.${table}`, targetFields: run.targetFields },
    lease.owner,
  );
  await options.beforeFinish?.(run);
  await store.finishMigration(
    migration.id,
    { status: 'succeeded' },
    lease.owner,
  );
  return migration.id;
}
