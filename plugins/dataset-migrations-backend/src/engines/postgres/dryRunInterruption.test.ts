/**
 * A dry run interrupted while it records its outcome (the plugin's store lost under
 * the log line) is an interruption, not a failed transform: it does not search the
 * whole table for failing rows before answering.
 */
import type { Knex } from 'knex';
import {
  MigrationInterruptedError,
  type DatasetEngine,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { engineRun } from '../../__testUtils__/engineRun';

describe('a dry run interrupted while it logs', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;

  beforeEach(async () => {
    knex = await init();
    await knex.raw(
      `CREATE TABLE public.events AS
       SELECT g::bigint AS id, (g % 300)::text AS duration FROM generate_series(1, 2000) AS g`,
    );
    await knex.raw('ALTER TABLE public.events ADD PRIMARY KEY (id)');
    engine = await createTestEngine(knex);
  });

  afterEach(async () => {
    await engine.close?.();
    await knex.destroy();
  });

  it('answers the interruption without searching the table for failing rows', async () => {
    let renamed: Promise<unknown> | undefined;
    const { run } = await engineRun(
      engine,
      'public.events',
      [{ changeType: { field: 'duration', type: 'integer' } }],
      {
        dryRun: true,
        log: async message => {
          if (!message.startsWith('transformed')) return;
          // Queued behind the dry run's read: once its transaction ends, the
          // table is gone, so a search for failing rows would fail on it.
          renamed = knex
            .raw('ALTER TABLE public.events RENAME TO events_gone')
            .then(() => undefined); // knex sends a query only once asked for its result
          throw new MigrationInterruptedError('the store was lost');
        },
      },
    );
    const outcome = engine.migrate(run);
    await expect(outcome).rejects.toBeInstanceOf(MigrationInterruptedError);
    await expect(outcome).rejects.toThrow('the store was lost');
    await renamed;
  });
});
