/**
 * PostgreSQL 18's constraint forms that `pg_get_constraintdef` prints outside the
 * pieces the engine rebuilds a constraint from: a CHECK or foreign key `NOT
 * ENFORCED` (its expression alone read as an enforced one), and a foreign key
 * over a period (`FOREIGN KEY (product_id, PERIOD valid_at)`, its column list
 * read without `PERIOD`). Before, such a table planned, was copied in full, and
 * failed at the indexes stage (`cannot validate NOT ENFORCED constraint`; `foreign
 * key uses PERIOD on the referenced table but not the referencing table`), found
 * by a probe, 2026-12-06. They are carried as they are.
 */
import type { Knex } from 'knex';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { engineRun, outcomeOf } from '../../__testUtils__/engineRun';

describe('PostgresDatasetEngine on NOT ENFORCED and PERIOD constraints', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;

  beforeEach(async () => {
    knex = await init();
    engine = await createTestEngine(knex);
    await knex.raw(`
      CREATE EXTENSION IF NOT EXISTS btree_gist;
      CREATE TABLE public.customers (id int PRIMARY KEY);
      CREATE TABLE public.products (id int, valid_at daterange, PRIMARY KEY (id, valid_at WITHOUT OVERLAPS));
      INSERT INTO public.products VALUES (1, '[2020-01-01,2030-01-01)');
      CREATE TABLE public.lines (
        id int PRIMARY KEY, customer_id int, product_id int, valid_at daterange,
        qty int, note text,
        CONSTRAINT lines_customer_fk FOREIGN KEY (customer_id) REFERENCES public.customers (id) NOT ENFORCED,
        CONSTRAINT lines_qty_positive CHECK (qty > 0) NOT ENFORCED,
        CONSTRAINT lines_product_fk FOREIGN KEY (product_id, PERIOD valid_at)
          REFERENCES public.products (id, PERIOD valid_at)
      );
      -- A customer that does not exist and a quantity below 1: what the
      -- constraints NOT ENFORCED let in.
      INSERT INTO public.lines VALUES (1, 77, 1, '[2021-01-01,2022-01-01)', -5, 'a')`);
  });

  afterEach(async () => {
    await engine.close?.();
    await knex.destroy();
  });

  it('carries them as they are, and writes they let in before go on through the name', async () => {
    const { run } = await engineRun(engine, 'public.lines', [
      { renameField: { from: 'note', to: 'memo' } },
      { changeType: { field: 'id', type: 'bigint' } },
    ]);
    await engine.plan(run);
    expect(await outcomeOf(engine.migrate(run))).toBe('done');
    expect(
      (
        await knex.raw(
          `SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint
            WHERE conrelid = 'public.lines_v2'::regclass AND contype IN ('c', 'f') ORDER BY conname`,
        )
      ).rows,
    ).toEqual([
      {
        name: 'lines_customer_fk',
        definition:
          'FOREIGN KEY (customer_id) REFERENCES customers(id) NOT ENFORCED',
      },
      {
        name: 'lines_product_fk',
        definition:
          'FOREIGN KEY (product_id, PERIOD valid_at) REFERENCES products(id, PERIOD valid_at)',
      },
      {
        name: 'lines_qty_positive',
        definition: 'CHECK ((qty > 0)) NOT ENFORCED',
      },
    ]);
    await knex.raw(
      `INSERT INTO public.lines (id, customer_id, product_id, valid_at, qty) VALUES (2, 88, 1, '[2021-01-01,2021-02-01)', -1)`,
    );
    // A period the product does not cover is refused, as it was.
    expect(
      await outcomeOf(
        knex.raw(
          `INSERT INTO public.lines (id, product_id, valid_at, qty) VALUES (3, 1, '[2019-01-01,2021-01-01)', 1)`,
        ),
      ),
    ).toMatch(/violates foreign key constraint "lines_product_fk"/);
    expect(await outcomeOf(engine.contract(run))).toBe('done');
  });
});
