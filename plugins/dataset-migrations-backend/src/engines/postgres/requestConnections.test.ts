/**
 * What requests read from the engine (a dataset's live schema and a plan, for
 * every migration request) goes through connections of its own: a request never
 * waits for a run's connection, which a stage may hold for minutes.
 */
import type { Knex } from 'knex';
import {
  planFieldChanges,
  type FieldChange,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { engineRun } from '../../__testUtils__/engineRun';

describe('request connections', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;

  beforeEach(async () => {
    knex = await init();
    await knex.raw(
      `CREATE TABLE public.orders (id bigint PRIMARY KEY, title text);
       INSERT INTO public.orders SELECT g, 'o' || g FROM generate_series(1, 100) g`,
    );
    engine = await createTestEngine(knex, {
      config: { maxConnections: 1, requestConnections: 2 },
    });
  });

  afterEach(async () => {
    await engine.close?.();
    await knex.destroy();
  });

  it('answer a live schema and a plan while a run holds every run connection', async () => {
    const changes: FieldChange[] = [
      { addField: { name: 'note', type: 'text' } },
    ];
    const { run } = await engineRun(engine, 'public.orders', changes);
    let migrated: Promise<void> | undefined;
    await knex.transaction(async locker => {
      await locker.raw('LOCK TABLE public.orders IN ACCESS EXCLUSIVE MODE');
      const lockerPid = (await locker.raw('SELECT pg_backend_pid() AS pid'))
        .rows[0].pid;
      // The run takes the engine's only run connection and waits on the table.
      migrated = engine.migrate(run);
      migrated.catch(() => {});
      const waiting = async () =>
        (
          await knex.raw(
            `SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE wait_event_type = 'Lock' AND pid <> ?
                AND datname = current_database()`,
            [lockerPid],
          )
        ).rows[0].n as number;
      while ((await waiting()) === 0)
        await new Promise(resolve => setTimeout(resolve, 20));

      const { fields } = await engine.introspect({ table: 'public.orders' });
      expect(fields.map(f => f.name)).toEqual(['id', 'title']);
      const stages = await engine.plan({
        migrationId: run.migrationId,
        entityRef: run.entityRef,
        dataset: run.dataset,
        fromVersion: 1,
        targetVersion: 2,
        targetFields: planFieldChanges(fields, changes).fields,
      });
      expect(stages.map(s => s.name)).toContain('cut-over');
      // Answered while the run still waits: neither read waited for it.
      expect(await waiting()).toBe(1);
    });
    // The lock released, the run goes on and succeeds.
    await migrated;
    const { fields } = await engine.introspect({ table: 'public.orders' });
    expect(fields.map(f => f.name)).toEqual(['id', 'title', 'note']);
  });
});
