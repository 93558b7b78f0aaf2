/**
 * A transaction holding a snapshot from before the copy was complete (a
 * `REPEATABLE READ` report begun before the run) that reads the name only after
 * the cut-over would read the new version without the rows copied after its
 * snapshot: all of them, for one begun before the run. The cut-over waits for
 * such transactions, as `CREATE INDEX CONCURRENTLY` waits for older snapshots,
 * and not for a `READ COMMITTED` one idle between statements.
 */
import type { Knex } from 'knex';
import type { PoolClient } from 'pg';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { engineRun } from '../../__testUtils__/engineRun';

describe('PostgresDatasetEngine: transactions with a snapshot older than the copy', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;
  let session: PoolClient;

  beforeEach(async () => {
    knex = await init();
    engine = await createTestEngine(knex);
    await knex.raw(`
      CREATE TABLE public.items (id int PRIMARY KEY, n int);
      INSERT INTO public.items SELECT i, i FROM generate_series(1, 1000) i`);
    session = await knex.client.acquireConnection();
  });

  afterEach(async () => {
    await session.query('ROLLBACK').catch(() => {});
    await knex.client.releaseConnection(session);
    await engine.close?.();
    await knex.destroy();
  });

  const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

  /** Starts the run; answers once it is done or its cut-over has run for a second. */
  async function migrateUntilCutOver() {
    const { run, steps } = await engineRun(engine, 'public.items', [
      { changeType: { field: 'n', type: 'bigint' } },
    ]);
    await engine.plan(run);
    let finished = false;
    const done = engine.migrate(run).finally(() => {
      finished = true;
    });
    done.catch(() => {});
    let cutOverSince: number | undefined;
    for (let i = 0; i < 400 && !finished; i++) {
      if (!cutOverSince && steps.some(s => s.name === 'cut-over'))
        cutOverSince = Date.now();
      if (cutOverSince && Date.now() - cutOverSince > 1000) break;
      await sleep(50);
    }
    return { done, steps };
  }

  it('waits for a REPEATABLE READ transaction begun before the run, which reads every row', async () => {
    await session.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await session.query('SELECT 1');
    const { done } = await migrateUntilCutOver();
    const read = await session.query(
      'SELECT count(*)::int AS rows FROM public.items',
    );
    await session.query('COMMIT');
    await done;
    expect(read.rows).toEqual([{ rows: 1000 }]);
    expect(
      (
        await knex.raw(
          `SELECT relkind FROM pg_class WHERE oid = 'public.items'::regclass`,
        )
      ).rows,
    ).toEqual([{ relkind: 'v' }]);
  });

  it('waits too for a transaction that imported, during the wait, a snapshot exported before the run', async () => {
    // As pg_dump -j: one transaction exports its snapshot, others import it.
    await session.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    const snapshot = (await session.query('SELECT pg_export_snapshot() AS id'))
      .rows[0].id;
    const importer = await knex.client.acquireConnection();
    try {
      const { done } = await migrateUntilCutOver();
      await importer.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await importer.query(`SET TRANSACTION SNAPSHOT '${snapshot}'`);
      await session.query('COMMIT');
      // The exporter gone, the importer still reads the rows as they were then.
      await sleep(500);
      const read = await importer.query(
        'SELECT count(*)::int AS rows FROM public.items',
      );
      await importer.query('COMMIT');
      await done;
      expect(read.rows).toEqual([{ rows: 1000 }]);
    } finally {
      await importer.query('ROLLBACK').catch(() => {});
      await knex.client.releaseConnection(importer);
    }
  });

  it('does not wait for a READ COMMITTED transaction idle between statements', async () => {
    await knex.raw(`CREATE TABLE public.other (id int)`);
    await session.query('BEGIN');
    await session.query(`INSERT INTO public.other VALUES (1)`);
    const { done, steps } = await migrateUntilCutOver();
    // Done, not waiting: the session's next statement reads a snapshot of its own.
    await done;
    expect(steps.map(s => `${s.name}:${s.status}`)).toContain(
      'cut-over:succeeded',
    );
    await session.query('COMMIT');
  });
});
