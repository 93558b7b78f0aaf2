/**
 * A foreign key the new version does not carry (one referencing the dataset
 * itself, over a dropped field, or over a field retyped past what its operators
 * compare) stays on the previous version, where PostgreSQL goes on applying its
 * action: from cut-over, `ON DELETE CASCADE` deleted rows there only. Found by a
 * probe (2026-12-06): deleting a comment through the name (or a customer, whose
 * orders' `customer_id` the migration drops) left the rows the table would have
 * deleted served by the name, and kept in the new version after contract. Such a
 * key is refused before anything is made; one whose action the new version does
 * carry, or that only changes a field read from the previous version, is taken.
 * A self-referencing one over fields the new version keeps is carried, as one
 * of the new version to itself.
 */
import type { Knex } from 'knex';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import type { FieldChange } from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { engineRun, outcomeOf } from '../../__testUtils__/engineRun';

describe('PostgresDatasetEngine on foreign keys whose actions change rows', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;

  beforeEach(async () => {
    knex = await init();
    engine = await createTestEngine(knex);
    await knex.raw(`
      CREATE TABLE public.customers (id int PRIMARY KEY);
      INSERT INTO public.customers VALUES (1), (2)`);
  });

  afterEach(async () => {
    await engine.close?.();
    await knex.destroy();
  });

  const rows = async (table: string) =>
    (await knex.raw(`SELECT * FROM ${table} ORDER BY id`)).rows;
  const kind = async (table: string) =>
    (
      await knex.raw(`SELECT relkind FROM pg_class WHERE oid = ?::regclass`, [
        table,
      ])
    ).rows[0].relkind;

  let runs = 0;
  /** Plan and migrate, each refused (or not) alike: what they said. */
  async function attempt(table: string, changes: FieldChange[]) {
    // A run of its own per table, so that two runs' objects never share names.
    const { run } = await engineRun(engine, table, changes, {
      migrationId: `00000000-0000-4000-8000-${String(++runs).padStart(
        12,
        '0',
      )}`,
    });
    return {
      run,
      plan: await outcomeOf(engine.plan(run)),
      migrate: await outcomeOf(engine.migrate(run)),
    };
  }

  it('carries a self-referencing key that cascades: the replies of a comment deleted through the name go with it', async () => {
    await knex.raw(`
      CREATE TABLE public.comments (
        id int PRIMARY KEY,
        parent_id int REFERENCES public.comments ON DELETE CASCADE,
        body varchar(100));
      INSERT INTO public.comments VALUES (1, NULL, 'root'), (2, 1, 'reply'), (3, NULL, 'other'), (4, 2, 'reply to reply')`);
    const { run, plan, migrate } = await attempt('public.comments', [
      { changeType: { field: 'body', type: 'text' } },
    ]);
    expect(plan).toBe('done');
    expect(migrate).toBe('done');
    expect(
      (
        await knex.raw(
          `SELECT pg_get_constraintdef(oid) AS def, convalidated FROM pg_constraint
            WHERE conrelid = 'public.comments_v2'::regclass AND contype = 'f'`,
        )
      ).rows,
    ).toEqual([
      {
        def: 'FOREIGN KEY (parent_id) REFERENCES comments_v2(id) ON DELETE CASCADE',
        convalidated: true,
      },
    ]);
    // Before 2026-12-06 the key stayed on the previous version alone, and the
    // replies stayed served by the name; then the key was refused.
    await knex.raw(`DELETE FROM public.comments WHERE id = 1`);
    expect(await rows('public.comments')).toEqual([
      { id: 3, parent_id: null, body: 'other' },
    ]);
    expect(await rows('public.comments_v1')).toEqual([
      { id: 3, parent_id: null, body: 'other' },
    ]);
    // A reply to a comment the table does not have is refused, as it was.
    await expect(
      knex.raw(`INSERT INTO public.comments VALUES (5, 99, 'orphan')`),
    ).rejects.toThrow(/foreign key/);
    await engine.contract(run);
    await knex.raw(`INSERT INTO public.comments VALUES (6, 3, 'late reply')`);
    await knex.raw(`DELETE FROM public.comments WHERE id = 3`);
    expect(await rows('public.comments')).toEqual([]);
  });

  it('carries one whose action names a renamed column (ON DELETE SET NULL (parent_id))', async () => {
    await knex.raw(`
      CREATE TABLE public.folders (
        tenant int NOT NULL,
        id int NOT NULL,
        parent_id int,
        PRIMARY KEY (tenant, id),
        FOREIGN KEY (tenant, parent_id) REFERENCES public.folders (tenant, id)
          ON DELETE SET NULL (parent_id));
      INSERT INTO public.folders VALUES (1, 1, NULL), (1, 2, 1)`);
    // Found by a review of this carry: the column list kept the old name, and
    // the run failed once the copy was done.
    const { migrate } = await attempt('public.folders', [
      { renameField: { from: 'parent_id', to: 'parent' } },
      { changeType: { field: 'id', type: 'bigint' } },
    ]);
    expect(migrate).toBe('done');
    await knex.raw(`DELETE FROM public.folders WHERE id = 1`);
    expect(
      (await knex.raw(`SELECT tenant, id::int, parent FROM public.folders_v2`))
        .rows,
    ).toEqual([{ tenant: 1, id: 2, parent: null }]);
  });

  it('refuses a self-referencing key over a field it does not copy unchanged', async () => {
    await knex.raw(`
      CREATE TABLE public.nodes (
        id int PRIMARY KEY,
        parent_id int REFERENCES public.nodes ON DELETE CASCADE);`);
    const { migrate } = await attempt('public.nodes', [
      { changeType: { field: 'parent_id', type: 'text' } },
    ]);
    expect(migrate).toContain(
      'public.nodes has foreign-key nodes_parent_id_fkey (ON DELETE CASCADE), which the new version does not carry',
    );
    expect(await kind('public.nodes')).toBe('r');
  });

  it('refuses one over a dropped field that cascades, and one that sets a field the name reads from the new version', async () => {
    await knex.raw(`
      CREATE TABLE public.orders (
        id int PRIMARY KEY,
        customer_id int REFERENCES public.customers ON DELETE CASCADE,
        total smallint);
      CREATE TABLE public.tickets (
        id int PRIMARY KEY,
        customer_id int REFERENCES public.customers ON UPDATE SET NULL,
        note text);`);
    expect(
      (await attempt('public.orders', [{ dropField: { name: 'customer_id' } }]))
        .migrate,
    ).toContain('foreign-key orders_customer_id_fkey (ON DELETE CASCADE)');
    expect(
      (
        await attempt('public.tickets', [
          { changeType: { field: 'customer_id', type: 'numeric' } },
        ])
      ).migrate,
    ).toContain('foreign-key tickets_customer_id_fkey (ON UPDATE SET NULL)');
    expect(await kind('public.orders')).toBe('r');
    expect(await kind('public.tickets')).toBe('r');
  });

  it('takes one it carries, and one that sets a dropped field, which the name reads from the previous version', async () => {
    await knex.raw(`
      CREATE TABLE public.orders (
        id int PRIMARY KEY,
        customer_id int REFERENCES public.customers ON DELETE CASCADE,
        total smallint);
      CREATE TABLE public.tickets (
        id int PRIMARY KEY,
        customer_id int REFERENCES public.customers ON DELETE SET NULL,
        note varchar(10));
      INSERT INTO public.orders VALUES (1, 1, 10), (2, 2, 20);
      INSERT INTO public.tickets VALUES (1, 1, 'a'), (2, 2, 'b')`);
    expect(
      (
        await attempt('public.orders', [
          { changeType: { field: 'total', type: 'integer' } },
        ])
      ).migrate,
    ).toBe('done');
    const { migrate } = await attempt('public.tickets', [
      { dropField: { name: 'customer_id' } },
      { changeType: { field: 'note', type: 'text' } },
    ]);
    expect(migrate).toBe('done');
    await knex.raw(`DELETE FROM public.customers WHERE id = 1`);
    // As the tables did: customer 1's order gone, its ticket kept without it.
    expect(await rows('public.orders')).toEqual([
      { id: 2, customer_id: 2, total: 20 },
    ]);
    expect(await rows('public.orders_v2')).toEqual([
      { id: 2, customer_id: 2, total: 20 },
    ]);
    expect(await rows('public.tickets')).toEqual([
      { id: 1, customer_id: null, note: 'a' },
      { id: 2, customer_id: 2, note: 'b' },
    ]);
  });
});
