import type { Knex } from 'knex';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  connectionUrlOf,
  createTestDatabases,
  createTestEngine,
} from '../../../__testUtils__/testDatabases';
import { engineRun } from '../../../__testUtils__/engineRun';

jest.setTimeout(120_000);

/** The engine's own schema and its record of contracts, on a real PostgreSQL. */
describe("the engine's record of contracts", () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  const engines: DatasetEngine[] = [];

  beforeAll(async () => {
    knex = await init();
  });

  afterAll(async () => {
    for (const engine of engines) await engine.close?.();
  });

  const regclass = async (name: string) =>
    (await knex.raw(`SELECT to_regclass(?)::text AS r`, [name])).rows[0].r;

  async function engineAs(
    user: string,
    config: Record<string, unknown> = {},
  ): Promise<DatasetEngine> {
    const url = new URL(connectionUrlOf(knex));
    url.username = user;
    url.password = 'secret';
    const engine = await createTestEngine(url.toString(), { config });
    engines.push(engine);
    return engine;
  }

  it('needs no CREATE on the database when its role owns a schema made for it beforehand', async () => {
    await knex.raw(`CREATE ROLE dsm_owner LOGIN PASSWORD 'secret'`);
    const { rows } = await knex.raw(
      `SELECT has_database_privilege('dsm_owner', current_database(), 'CREATE') AS c`,
    );
    expect(rows[0].c).toBe(false);
    await knex.raw(`CREATE SCHEMA owned_data AUTHORIZATION dsm_owner`);
    await knex.raw(`CREATE SCHEMA owned_books AUTHORIZATION dsm_owner`);
    await knex.raw(`SET ROLE dsm_owner`);
    await knex.raw(`CREATE TABLE owned_data.orders (
      id bigint PRIMARY KEY, customer text NOT NULL)`);
    await knex.raw(`INSERT INTO owned_data.orders
      SELECT g, 'c' || g FROM generate_series(1, 20) g`);
    await knex.raw(`RESET ROLE`);

    const engine = await engineAs('dsm_owner', {
      bookkeepingSchema: 'owned_books',
    });
    const { run } = await engineRun(engine, 'owned_data.orders', [
      { renameField: { from: 'customer', to: 'customer_name' } },
    ]);
    await engine.migrate(run);
    await engine.contract(run);

    expect(await regclass('owned_data.orders_v1')).toBeNull();
    expect(
      (
        await knex.raw(
          `SELECT count(customer_name)::int AS n FROM owned_data.orders`,
        )
      ).rows[0].n,
    ).toBe(20);
    expect(
      (await knex('owned_books.dsm_contracts').select('migration_id')).map(
        r => r.migration_id,
      ),
    ).toEqual([run.migrationId]);
  });

  it('refuses a relation of its name in a shared schema that is not its record, dropping nothing', async () => {
    await knex.raw(`CREATE SCHEMA shared_books`);
    await knex.raw(
      `CREATE VIEW shared_books.dsm_contracts AS SELECT 1 AS migration_id`,
    );
    await knex.raw(`CREATE TABLE public.parcels (
      id bigint PRIMARY KEY, weight text NOT NULL)`);
    await knex.raw(`INSERT INTO public.parcels VALUES (1, '3')`);
    const engine = await createTestEngine(knex, {
      config: { bookkeepingSchema: 'shared_books' },
    });
    engines.push(engine);
    const { run } = await engineRun(engine, 'public.parcels', [
      { renameField: { from: 'weight', to: 'weight_kg' } },
    ]);
    await engine.migrate(run);

    await expect(engine.contract(run)).rejects.toThrow(
      "shared_books.dsm_contracts is not the engine's record of contracts; rename it or set another bookkeepingSchema",
    );
    expect(await regclass('public.parcels_v1')).toBe('parcels_v1');
  });

  it('keeps the record in the schema the run pinned, not the one configured later', async () => {
    await knex.raw(`CREATE TABLE public.crates (
      id bigint PRIMARY KEY, label text NOT NULL)`);
    const first = await createTestEngine(knex, {
      config: { bookkeepingSchema: 'books_then' },
    });
    engines.push(first);
    const { run } = await engineRun(
      first,
      'public.crates',
      [{ renameField: { from: 'label', to: 'title' } }],
      { migrationId: '00000000-0000-4000-8000-000000000009' },
    );
    await first.migrate(run);
    await first.contract(run);

    // Reconfigured since: a retry still finds the contract it committed.
    const later = await createTestEngine(knex, {
      config: { bookkeepingSchema: 'books_now' },
    });
    engines.push(later);
    expect(await later.readsOfPreviousShape!(run)).toBeUndefined();
    await later.contract(run);
    expect(await regclass('books_then.dsm_contracts')).toBe(
      'books_then.dsm_contracts',
    );
    // Found where the run pinned it: nothing was looked up, or made, in the new one.
    expect(await regclass('books_now.dsm_contracts')).toBeNull();
  });
});
