/**
 * A table a logical replication subscription writes: from cut-over its name is
 * a view, which the apply worker cannot write, so the subscription would stop at
 * its next change. The run is refused before anything is made, naming the
 * subscription. Needs `wal_level = logical`: on a server of the test's own.
 */
import knexFactory, { type Knex } from 'knex';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  startRestartablePostgres,
  type RestartablePostgres,
} from '../../__testUtils__/postgresServer';
import { createTestEngine } from '../../__testUtils__/testDatabases';
import { engineRun, outcomeOf } from '../../__testUtils__/engineRun';

describe('PostgresDatasetEngine: a table a subscription writes', () => {
  let server: RestartablePostgres;
  let publisher: Knex;
  let subscriber: Knex;
  let engine: DatasetEngine;
  const urlOf = (database: string) => {
    const url = new URL(server.url);
    url.pathname = `/${database}`;
    return url;
  };
  const connect = (database: string) =>
    knexFactory({
      client: 'pg',
      connection: urlOf(database).toString(),
      pool: { min: 0, max: 2 },
    });

  beforeAll(async () => {
    server = await startRestartablePostgres();
    const admin = connect('postgres');
    await admin.raw(`ALTER SYSTEM SET wal_level = logical`);
    await admin.raw(`CREATE DATABASE pub`);
    await admin.raw(`CREATE DATABASE sub`);
    await admin.destroy();
    await server.stop();
    await server.start();
    publisher = connect('pub');
    subscriber = connect('sub');
  }, 120_000);

  afterAll(async () => {
    await engine?.close?.();
    await subscriber?.raw(`DROP SUBSCRIPTION IF EXISTS orders_in`);
    await subscriber?.destroy();
    await publisher?.destroy();
    await server?.destroy();
  }, 60_000);

  it('refuses the run naming the subscription, and changes nothing', async () => {
    await publisher.raw(`
      CREATE TABLE public.orders (id int PRIMARY KEY, amount int);
      INSERT INTO public.orders SELECT i, i FROM generate_series(1, 100) i;
      CREATE PUBLICATION orders_out FOR TABLE public.orders`);
    // A subscription to the same server cannot make its slot itself: made first.
    await publisher.raw(
      `SELECT pg_create_logical_replication_slot('orders_in', 'pgoutput')`,
    );
    await subscriber.raw(
      `CREATE TABLE public.orders (id int PRIMARY KEY, amount int)`,
    );
    const pub = urlOf('pub');
    await subscriber.raw(
      `CREATE SUBSCRIPTION orders_in CONNECTION '${[
        `host=${pub.hostname}`,
        `port=${pub.port}`,
        `user=${decodeURIComponent(pub.username)}`,
        `password=${decodeURIComponent(pub.password)}`,
        'dbname=pub',
      ].join(' ')}' PUBLICATION orders_out
         WITH (create_slot = false, slot_name = 'orders_in')`,
    );
    engine = await createTestEngine(urlOf('sub').toString());
    const { run } = await engineRun(engine, 'public.orders', [
      { renameField: { from: 'amount', to: 'amount_cents' } },
    ]);
    const outcome = await outcomeOf(engine.migrate(run));
    expect(outcome).toContain(
      'public.orders is written by subscription "orders_in"; after cut-over its name is a view',
    );
    const { rows } = await subscriber.raw(
      `SELECT relname, relkind FROM pg_class
        WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'v') ORDER BY 1`,
    );
    expect(rows).toEqual([{ relname: 'orders', relkind: 'r' }]);
  }, 120_000);
});
