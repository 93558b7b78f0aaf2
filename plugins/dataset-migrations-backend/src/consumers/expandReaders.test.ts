import type { Knex } from 'knex';
import { escapeIdentifier } from 'pg';
import type { FieldChange } from '@dataset-migrations/plugin-dataset-migrations-common';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
// The demo's own world and consumers: the README's try-it flow must never break them.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import { DEMO_DATASETS } from '../../../../packages/backend/src/demoWorld';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import { DEMO_CONSUMERS } from '../../../../packages/backend/src/demoConsumers';
import { engineRun } from '../__testUtils__/engineRun';
import {
  createTestDatabases,
  createTestEngine,
} from '../__testUtils__/testDatabases';
import { loadSqlParser } from '../sql/sqlParser';
import { datasetTarget } from './sql/datasetTarget';
import { consumerMapping } from './sql/fieldMapping';
import { rewriteSqlFile } from './sql/rewriteSql';

const TABLE = 'public.listening_events';

/** Every demo consumer's SQL and dbt model, plus readers the demo does not have. */
const PROJECTS: Array<{ name: string; files: Record<string, string> }> = [
  ...DEMO_CONSUMERS.filter(c => c.files).map(c => ({
    name: c.name,
    files: c.files!,
  })),
  {
    name: 'generated',
    files: {
      'star.sql': 'SELECT * FROM listening_events WHERE event_id < 50',
      'join.sql': `SELECT t.title, e.track_id, e.duration_ms * 2 AS twice
        FROM public.listening_events AS e JOIN public.tracks t USING (track_id)
        WHERE e.event_id % 1000 = 0`,
      'cte.sql': `WITH recent AS (
          SELECT user_id, track_id, duration_ms FROM listening_events WHERE event_id > 199000)
        SELECT track_id, max(duration_ms) AS longest FROM recent GROUP BY track_id`,
      'correlated.sql': `SELECT e.event_id, (SELECT count(*) FROM listening_events i
          WHERE i.track_id = e.track_id AND i.event_id < 1000) AS same_track
        FROM listening_events e WHERE e.event_id < 20`,
      'legacy.sql':
        'SELECT country, count(*) FILTER (WHERE legacy_flag) AS legacy FROM listening_events GROUP BY country',
      'models/dbt_star.sql': `select * from {{ source('warehouse', 'listening_events') }} where event_id <= 10`,
    },
  },
];

/** Renders the little dbt the demo uses: source() to its table, ref() to the model, no config. */
function render(files: Record<string, string>, path: string): string {
  return files[path]
    .replace(/\{\{\s*config\([^)]*\)\s*\}\}/g, '')
    .replace(
      /\{\{\s*source\(\s*'[^']+'\s*,\s*'([^']+)'\s*\)\s*\}\}/g,
      (_m, table) => `public.${table}`,
    )
    .replace(/\{\{\s*ref\(\s*'([^']+)'\s*\)\s*\}\}/g, (_m, model) => {
      const file = Object.keys(files).find(f => f.endsWith(`/${model}.sql`))!;
      return `(${render(files, file)})`;
    })
    .replace(/;\s*$/, '');
}

/**
 * A result as readers see it: column names, and every row's text, in any order.
 * Given the columns a reader had, `SELECT *` may have gained new ones after them:
 * the reader's columns must come first, and their rows are compared.
 */
async function resultOf(knex: Knex, sql: string, had?: string[]) {
  const { fields } = await knex.raw(`SELECT * FROM (${sql}\n) q LIMIT 0`);
  const columns: string[] = fields.map((f: { name: string }) => f.name);
  const kept =
    had && columns.slice(0, had.length).join() === had.join() ? had : columns;
  const { rows } = await knex.raw(
    `SELECT coalesce(array_agg(q::text ORDER BY q::text), '{}') AS rows
       FROM (SELECT ${kept
         .map(c => `q.${escapeIdentifier(c)}`)
         .join(', ')} FROM (${sql}\n) q) q`,
  );
  return { columns: kept, rows: rows[0].rows as string[] };
}

const sqlFiles = (files: Record<string, string>) =>
  Object.keys(files).filter(f => f.endsWith('.sql'));

// Migrates the demo's 200,000-row table twice and runs every reader in three phases.
jest.setTimeout(240_000);

describe('readers of a migrated dataset through its name', () => {
  const { init } = createTestDatabases();
  let warehouse: Knex;
  let engine: DatasetEngine;

  beforeAll(async () => {
    await loadSqlParser();
  });

  beforeEach(async () => {
    warehouse = await init();
    for (const dataset of DEMO_DATASETS) {
      await warehouse.raw(dataset.ddl);
      await warehouse.raw(dataset.fill);
    }
    engine = await createTestEngine(warehouse);
  });

  afterEach(async () => {
    await engine.close?.();
    await warehouse.destroy();
  });

  /** A writer's inserts, updates and deletes through the name, undone afterwards. */
  async function expectWritesThroughName(rows: Array<Record<string, unknown>>) {
    try {
      await warehouse.transaction(async trx => {
        for (const row of rows) {
          await trx('listening_events').insert(row);
          await trx('listening_events')
            .where({ event_id: row.event_id })
            .update({ country: 'NO' });
          expect(
            await trx('listening_events')
              .where({ event_id: row.event_id })
              .first('country'),
          ).toEqual({ country: 'NO' });
          expect(
            await trx('listening_events')
              .where({ event_id: row.event_id })
              .delete(),
          ).toBe(1);
        }
        throw new Error('undo');
      });
    } catch (error) {
      if ((error as Error).message !== 'undo') throw error;
    }
  }

  it.each<[string, FieldChange[], string[], number]>([
    [
      'the README flow: rename track_id, widen duration_ms, add a field',
      [
        { renameField: { from: 'track_id', to: 'track_uri' } },
        { changeType: { field: 'duration_ms', type: 'bigint' } },
        { addField: { name: 'source', type: 'text', default: 'app' } },
      ],
      ['track_uri'],
      // Files reading only the widened duration_ms need no change.
      7,
    ],
    [
      'a drop and a rename: the dropped field stays readable until contract',
      [
        { dropField: { name: 'legacy_flag' } },
        { renameField: { from: 'country', to: 'country_code' } },
      ],
      ['country_code'],
      // Most readers here read the dropped field (SELECT * too): a person decides.
      1,
    ],
  ])(
    '%s: every reader gets the same rows before, during expand, and after contract with its rewrite',
    async (_title, changes, newNames, minRewrites) => {
      const { fields } = await engine.introspect({ table: TABLE });
      const target = datasetTarget(TABLE, fields);
      const mapping = consumerMapping(fields, changes);
      const oldRow = {
        event_id: 900_001,
        user_id: 1,
        track_id: 'trk_00001',
        duration_ms: 1000,
        country: 'SE',
        legacy_flag: true,
      };

      const before = new Map<string, Awaited<ReturnType<typeof resultOf>>>();
      for (const project of PROJECTS)
        for (const path of sqlFiles(project.files))
          before.set(
            `${project.name}/${path}`,
            await resultOf(warehouse, render(project.files, path)),
          );
      await expectWritesThroughName([oldRow]);

      const { run } = await engineRun(engine, TABLE, changes);
      await engine.migrate(run);

      // Expand: every reader's current code, unchanged, reads what it read.
      const rewritten: typeof PROJECTS = [];
      // Files a person decides on (needs-decision) keep their code and block contract.
      const decided = new Set<string>();
      let rewrites = 0;
      for (const project of PROJECTS) {
        const files = { ...project.files };
        for (const path of sqlFiles(project.files)) {
          const key = `${project.name}/${path}`;
          expect([
            key,
            await resultOf(
              warehouse,
              render(project.files, path),
              before.get(key)!.columns,
            ),
          ]).toEqual([key, before.get(key)]);
          const result = rewriteSqlFile(
            { path, content: project.files[path] },
            target,
            mapping,
          );
          expect([key, result.status]).not.toEqual([key, 'unparseable']);
          if (result.status === 'rewritten') {
            files[path] = result.content;
            rewrites++;
          }
          if (result.status === 'needs-decision') decided.add(key);
        }
        rewritten.push({ name: project.name, files });
      }
      /** Every rewrite a pull request would carry reads what its original read. */
      async function expectRewritesRead() {
        for (const project of rewritten)
          for (const path of sqlFiles(project.files)) {
            const key = `${project.name}/${path}`;
            if (decided.has(key)) continue;
            expect([
              key,
              await resultOf(
                warehouse,
                render(project.files, path),
                before.get(key)!.columns,
              ),
            ]).toEqual([key, before.get(key)]);
          }
      }
      // …and so does every rewrite, before its pull request is merged.
      await expectRewritesRead();
      expect(rewrites).toBeGreaterThanOrEqual(minRewrites);
      // Writers of either shape keep writing through the name.
      await expectWritesThroughName([
        oldRow,
        Object.fromEntries(
          Object.entries({ ...oldRow, event_id: 900_002 }).map(([k, v]) => [
            mapping.byField.get(k)?.kind === 'renamed'
              ? (mapping.byField.get(k) as { to: string }).to
              : k,
            v,
          ]),
        ),
      ]);

      // Contract: the name is the new version exactly; merged rewrites read the same.
      await engine.contract(run);
      const { rows: columns } = await warehouse.raw(
        `SELECT column_name FROM information_schema.columns
          WHERE table_schema = 'public' AND table_name = 'listening_events'`,
      );
      for (const name of newNames)
        expect(
          columns.map((c: { column_name: string }) => c.column_name),
        ).toContain(name);
      await expectRewritesRead();
    },
  );
});
