/**
 * The name, a view from cut-over, shows its table's column defaults in the
 * catalog: after cut-over of a migration whose view PostgreSQL writes through
 * itself (add-only, rename-only), after contract of any migration, and after a
 * rollback. Before, those views showed none, and ORMs that read defaults from
 * the catalog and name every column in an insert (Active Record from Rails 7.0)
 * sent NULL: `status text NOT NULL DEFAULT 'new'` refused every insert (found
 * by a probe, 2026-12-07).
 */
import type { Knex } from 'knex';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { engineRun, outcomeOf } from '../../__testUtils__/engineRun';

describe('PostgresDatasetEngine: the name shows its table column defaults', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;

  beforeEach(async () => {
    knex = await init();
    engine = await createTestEngine(knex);
    await knex.raw(`
      CREATE TABLE public.orders (
        id serial PRIMARY KEY,
        amount integer NOT NULL,
        status text NOT NULL DEFAULT 'new',
        note text DEFAULT 'none',
        created_at timestamptz NOT NULL DEFAULT now(),
        price numeric(10, 2) DEFAULT (1.5)::numeric(10, 2));
      INSERT INTO public.orders (amount) VALUES (100)`);
  });

  afterEach(async () => {
    await engine.close?.();
    await knex.destroy();
  });

  /** column_default of each column of `relation` in public, by name. */
  async function defaultsOf(relation: string) {
    const { rows } = await knex.raw(
      `SELECT column_name AS name, column_default AS value
         FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = ?
        ORDER BY ordinal_position`,
      [relation],
    );
    return Object.fromEntries(
      (rows as Array<{ name: string; value: string | null }>).map(r => [
        r.name,
        r.value,
      ]),
    );
  }

  /**
   * An insert as Active Record with `partial_inserts = false` makes it: every
   * column but the key named, with the default the catalog shows for it, or
   * NULL where it shows none.
   */
  async function insertAsAnOrm(values: Record<string, string>) {
    const defaults = await defaultsOf('orders');
    const columns = Object.keys(defaults).filter(c => c !== 'id');
    const { rows } = await knex.raw(
      `INSERT INTO public.orders (${columns
        .map(c => `"${c}"`)
        .join(', ')}) VALUES (${columns
        .map(c => values[c] ?? defaults[c] ?? 'NULL')
        .join(', ')}) RETURNING id`,
    );
    return rows[0].id as number;
  }

  /** What writers that leave columns out, or name them NULL, store. */
  async function expectSqlWritersUnchanged(first: number) {
    await knex.raw(`
      INSERT INTO public.orders (id, amount) VALUES (${first}, 1);
      INSERT INTO public.orders (id, amount, status, note, price)
        VALUES (${first + 1}, 2, DEFAULT, NULL, NULL);
      INSERT INTO public.orders (id, amount, status, note) VALUES (${
        first + 2
      }, 3, 'paid', 'n')`);
    await expect(
      knex.raw(
        `INSERT INTO public.orders (id, amount, status) VALUES (${
          first + 3
        }, 4, NULL)`,
      ),
    ).rejects.toThrow(/null value in column "status"/);
    expect(
      (
        await knex.raw(
          `SELECT id, status, note, price::text AS price,
                  created_at IS NOT NULL AS stamped
             FROM public.orders WHERE id >= ? ORDER BY id`,
          [first],
        )
      ).rows,
    ).toEqual([
      { id: first, status: 'new', note: 'none', price: '1.50', stamped: true },
      { id: first + 1, status: 'new', note: null, price: null, stamped: true },
      {
        id: first + 2,
        status: 'paid',
        note: 'n',
        price: '1.50',
        stamped: true,
      },
    ]);
  }

  it('after cut-over of an add-only migration, and after its contract', async () => {
    const { run } = await engineRun(engine, 'public.orders', [
      { addField: { name: 'country', type: 'text', default: 'SE' } },
    ]);
    await engine.plan(run);
    expect(await outcomeOf(engine.migrate(run))).toBe('done');

    const table = await defaultsOf('orders_v2');
    expect(table).toEqual({
      id: "nextval('orders_id_seq'::regclass)",
      amount: null,
      status: "'new'::text",
      note: "'none'::text",
      created_at: 'now()',
      price: '1.5::numeric(10,2)',
      country: "'SE'::text",
    });
    expect(await defaultsOf('orders')).toEqual(table);

    const id = await insertAsAnOrm({ amount: '5' });
    expect(
      (
        await knex.raw(
          `SELECT status, note, price::text AS price, country,
                  created_at IS NOT NULL AS stamped
             FROM public.orders WHERE id = ?`,
          [id],
        )
      ).rows,
    ).toEqual([
      {
        status: 'new',
        note: 'none',
        price: '1.50',
        country: 'SE',
        stamped: true,
      },
    ]);
    await expectSqlWritersUnchanged(100);
    expect(
      (
        await knex.raw(
          `SELECT country FROM public.orders WHERE id IN (100, 101) ORDER BY id`,
        )
      ).rows,
    ).toEqual([{ country: 'SE' }, { country: 'SE' }]);

    expect(await outcomeOf(engine.contract(run))).toBe('done');
    expect(await defaultsOf('orders')).toEqual(table);
    await insertAsAnOrm({ amount: '6' });
    await expectSqlWritersUnchanged(200);
  });

  it('after contract of a migration whose view has a trigger, and none for a generated column', async () => {
    const { run } = await engineRun(engine, 'public.orders', [
      { changeType: { field: 'amount', type: 'bigint' } },
    ]);
    await engine.plan(run);
    expect(await outcomeOf(engine.migrate(run))).toBe('done');
    // Added to the new version by hand before contract: the name shows it then.
    await knex.raw(
      `ALTER TABLE public.orders_v2 ADD COLUMN doubled bigint GENERATED ALWAYS AS (amount * 2) STORED`,
    );
    expect(await outcomeOf(engine.contract(run))).toBe('done');

    const table = await defaultsOf('orders_v2');
    expect(table).toEqual({
      id: "nextval('orders_id_seq'::regclass)",
      amount: null,
      status: "'new'::text",
      note: "'none'::text",
      created_at: 'now()',
      price: '1.5::numeric(10,2)',
      doubled: null,
    });
    expect(await defaultsOf('orders')).toEqual(table);
    expect(
      (
        await knex.raw(
          `SELECT count(*)::int AS n FROM pg_attrdef
            WHERE adrelid = 'public.orders'::regclass`,
        )
      ).rows,
    ).toEqual([{ n: 5 }]);

    const id = await insertAsAnOrm({ amount: '7', doubled: 'DEFAULT' });
    expect(
      (
        await knex.raw(
          `SELECT status, note, doubled::int AS doubled FROM public.orders WHERE id = ?`,
          [id],
        )
      ).rows,
    ).toEqual([{ status: 'new', note: 'none', doubled: 14 }]);
    await expectSqlWritersUnchanged(100);
  });

  it('after cut-over of a rename-only migration: one default, stored once, under whichever name an insert gives', async () => {
    const { run } = await engineRun(engine, 'public.orders', [
      { renameField: { from: 'note', to: 'remark' } },
    ]);
    await engine.plan(run);
    expect(await outcomeOf(engine.migrate(run))).toBe('done');

    const table = await defaultsOf('orders_v2');
    expect(table.remark).toBe("'none'::text");
    // Both names of the renamed field have none: a default on the one an
    // insert leaves out would assign the column twice.
    expect(await defaultsOf('orders')).toEqual({
      id: table.id,
      amount: null,
      status: table.status,
      note: null,
      created_at: table.created_at,
      price: table.price,
      remark: null,
    });
    await knex.raw(`
      INSERT INTO public.orders (id, amount) VALUES (10, 1);
      INSERT INTO public.orders (id, amount, note) VALUES (11, 1, 'a');
      INSERT INTO public.orders (id, amount, remark) VALUES (12, 1, 'b');
      INSERT INTO public.orders (id, amount, note) VALUES (13, 1, NULL);
      INSERT INTO public.orders (id, amount, remark) VALUES (14, 1, NULL)`);
    expect(
      (
        await knex.raw(
          `SELECT id, status, note, remark FROM public.orders WHERE id >= 10 ORDER BY id`,
        )
      ).rows,
    ).toEqual([
      { id: 10, status: 'new', note: 'none', remark: 'none' },
      { id: 11, status: 'new', note: 'a', remark: 'a' },
      { id: 12, status: 'new', note: 'b', remark: 'b' },
      { id: 13, status: 'new', note: null, remark: null },
      { id: 14, status: 'new', note: null, remark: null },
    ]);

    expect(await outcomeOf(engine.contract(run))).toBe('done');
    expect(await defaultsOf('orders')).toEqual(table);
  });

  it('under both names of a dataset rename, and under the old name after its rollback', async () => {
    const table = await defaultsOf('orders');
    const { run } = await engineRun(
      engine,
      'public.orders',
      [{ addField: { name: 'country', type: 'text', default: 'SE' } }],
      { renamedTo: { table: 'public.purchases' } },
    );
    await engine.plan(run);
    expect(await outcomeOf(engine.migrate(run))).toBe('done');
    expect(await defaultsOf('purchases')).toEqual(
      await defaultsOf('purchases_v2'),
    );
    expect(await defaultsOf('orders')).toEqual(table);
    expect(await outcomeOf(engine.rollback(run))).toBe('done');
    expect(await defaultsOf('orders')).toEqual(table);
    await insertAsAnOrm({ amount: '9' });
    await expectSqlWritersUnchanged(100);
  });

  it('after a rollback, the previous version defaults', async () => {
    const table = await defaultsOf('orders');
    const { run } = await engineRun(engine, 'public.orders', [
      { addField: { name: 'country', type: 'text', default: 'SE' } },
    ]);
    await engine.plan(run);
    expect(await outcomeOf(engine.migrate(run))).toBe('done');
    expect(await outcomeOf(engine.rollback(run))).toBe('done');
    expect(await defaultsOf('orders')).toEqual(table);
    await insertAsAnOrm({ amount: '8' });
    await expectSqlWritersUnchanged(100);
  });
});
