import knexFactory, { type Knex } from 'knex';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  connectionUrlOf,
  createTestDatabases,
  createTestEngine,
} from './testDatabases';

/** The `application_name` of the engine's sessions: the ones a test terminates. */
export const ENGINE_APP = 'dsm-engine-under-test';

/**
 * For each test of the describe block that calls it: a fresh database whose
 * `public.events` holds `rows` rows (keys 1 to `rows`), the engine on it (its
 * sessions named {@link ENGINE_APP}, backfill batches of at most `maxBatchRows`),
 * and the test's own sessions (`harness`), which the terminations spare. Its
 * fields are set once the tests run.
 */
export function eventsUnderTerminations(options: {
  rows: number;
  maxBatchRows: number;
  /** Batches by key, which mark verify's ranges (see BackfillSettings). */
  batchesByKey?: boolean;
}) {
  const { init } = createTestDatabases();
  const setup = {} as { knex: Knex; harness: Knex; engine: DatasetEngine };

  beforeEach(async () => {
    setup.knex = await init();
    // The test's own sessions, which the terminations spare.
    setup.harness = knexFactory({
      client: 'pg',
      connection: `${connectionUrlOf(setup.knex)}?application_name=harness`,
      pool: { min: 0, max: 3 },
    });
    await setup.knex.raw(`
      CREATE TABLE public.events (id bigint PRIMARY KEY, user_id text NOT NULL, duration text);
      INSERT INTO public.events
        SELECT g, 'user' || g, (g % 300)::text FROM generate_series(1, ${options.rows}) AS g;
      ANALYZE public.events;`);
    setup.engine = await createTestEngine(
      `${connectionUrlOf(setup.knex)}?application_name=${ENGINE_APP}`,
      {
        config: {
          maxConnections: 4,
          backfill: {
            maxBatchRows: options.maxBatchRows,
            batchesByKey: options.batchesByKey ?? false,
            // Always in ranges, as a table too big for one pass goes.
            verifyOnePassUpTo: '0s',
          },
        },
      },
    );
  });

  afterEach(async () => {
    await setup.engine.close?.();
    await setup.harness.destroy();
    await setup.knex.destroy();
  });

  return setup;
}
