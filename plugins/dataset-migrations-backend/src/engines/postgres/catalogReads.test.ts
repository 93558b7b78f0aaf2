/**
 * Catalog reads are prepared once per connection (see catalogRead): a request
 * reads the catalogs a dozen times to plan, and planning those joins cost more
 * than running them. A prepared read must still see the catalogs as they are now.
 */
import type { Knex } from 'knex';
import { Pool } from 'pg';
import {
  planFieldChanges,
  type FieldChange,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  connectionUrlOf,
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { Connections } from './connection';
import { introspect } from './introspection';

describe('catalog reads', () => {
  const { init } = createTestDatabases();
  let knex: Knex;

  beforeEach(async () => {
    knex = await init();
    await knex.raw(
      'CREATE TABLE public.orders (id bigint PRIMARY KEY, title text)',
    );
  });

  afterEach(async () => {
    await knex.destroy();
  });

  it('are prepared once on a connection and reused by the next read', async () => {
    const db = new Connections(
      new Pool({ connectionString: connectionUrlOf(knex), max: 1 }),
    );
    try {
      await introspect(db, { table: 'public.orders' });
      const prepared = () =>
        db.withClient(async client =>
          (
            await client.query<{ name: string }>(
              'SELECT name FROM pg_prepared_statements ORDER BY name',
            )
          ).rows.map(r => r.name),
        );
      const first = await prepared();
      // The relation, its fields, indexes and size.
      expect(first).toHaveLength(4);
      expect(first.every(name => name.startsWith('dsm_catalog_'))).toBe(true);
      await introspect(db, { table: 'public.orders' });
      expect(await prepared()).toEqual(first);
    } finally {
      await db.close();
    }
  });

  describe('on an engine with one connection', () => {
    let engine: DatasetEngine;

    beforeEach(async () => {
      engine = await createTestEngine(knex, { config: { maxConnections: 1 } });
    });

    afterEach(async () => {
      await engine.close?.();
    });

    const planOf = async (changes: FieldChange[]) => {
      const { fields } = await engine.introspect({ table: 'public.orders' });
      return engine.plan({
        migrationId: '00000000-0000-4000-8000-000000000001',
        entityRef: 'resource:default/orders',
        dataset: { table: 'public.orders' },
        fromVersion: 1,
        targetVersion: 2,
        targetFields: planFieldChanges(fields, changes).fields,
      });
    };

    it('see a column, a view and a grant added after they were prepared and reused', async () => {
      const change: FieldChange[] = [
        { addField: { name: 'note', type: 'text' } },
      ];
      // Past the five runs after which Postgres may keep a generic plan.
      for (let i = 0; i < 7; i++) await planOf(change);

      await knex.raw('ALTER TABLE public.orders ADD COLUMN amount numeric');
      const { fields } = await engine.introspect({ table: 'public.orders' });
      expect(fields.map(f => f.name)).toEqual(['id', 'title', 'amount']);

      await knex.raw('DROP ROLE IF EXISTS dsm_catalog_reader');
      await knex.raw('CREATE ROLE dsm_catalog_reader');
      try {
        await knex.raw('GRANT SELECT ON public.orders TO dsm_catalog_reader');
        const cutOver = (await planOf(change)).find(
          s => s.name === 'cut-over',
        )!;
        expect(cutOver.sql.join('\n')).toContain('TO dsm_catalog_reader');
      } finally {
        await knex.raw('DROP OWNED BY dsm_catalog_reader');
        await knex.raw('DROP ROLE dsm_catalog_reader');
      }

      await knex.raw(
        'CREATE VIEW public.recent_orders AS SELECT id FROM public.orders',
      );
      await expect(planOf(change)).rejects.toThrow(
        'public.orders cannot move to a new version while view recent_orders depend on its current table',
      );
    });
  });
});
