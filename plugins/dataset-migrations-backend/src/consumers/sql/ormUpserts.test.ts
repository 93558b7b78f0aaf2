import type { DatasetField } from '@dataset-migrations/plugin-dataset-migrations-common';
import { consumerMapping } from './fieldMapping';
import { assessConsumer } from '../impact';
import { loadSqlParser } from '../../sql/sqlParser';

/*
 * Query builders' and ORMs' upserts run `INSERT … ON CONFLICT` on the table
 * they name, which fails through the dataset's name while its view has an
 * INSTEAD OF trigger ("there is no unique or exclusion constraint matching the
 * ON CONFLICT specification", checked on PostgreSQL 18 by round 33b with the
 * statements Knex and Objection generate). Each was unaffected.
 */
const source: DatasetField[] = [
  { name: 'id', type: 'bigint', nullable: false, primaryKey: true },
  { name: 'status', type: 'text', nullable: true, primaryKey: false },
  { name: 'amount', type: 'integer', nullable: false, primaryKey: false },
];
const target = {
  schema: 'public',
  table: 'orders',
  fields: source.map(f => f.name),
};
const drop = consumerMapping(source, [{ dropField: { name: 'status' } }]);
const widen = consumerMapping(source, [
  { changeType: { field: 'amount', type: 'bigint' } },
]);
/** A plain view: PostgreSQL writes through it, ON CONFLICT included. */
const add = consumerMapping(source, [
  { addField: { name: 'note', type: 'text' } },
]);

type Files = Array<{ path: string; content: string }>;
const cases: Array<[string, (table: string) => Files]> = [
  [
    "Knex's onConflict().ignore()",
    t => [
      {
        path: 'src/load.js',
        content: `export async function load(knex, rows) {\n  await knex('${t}').insert(rows).onConflict('id').ignore();\n}\n`,
      },
    ],
  ],
  [
    "Knex's into() … onConflict().merge()",
    t => [
      {
        path: 'src/load.js',
        content: `export const load = (trx, rows) =>\n  trx\n    .into("${t}")\n    .insert(rows)\n    .onConflict(['id'])\n    .merge();\n`,
      },
    ],
  ],
  [
    "Objection's model query",
    t => [
      {
        path: 'src/models/Purchase.js',
        content: `const { Model } = require('objection');\n\nclass Purchase extends Model {\n  static get tableName() {\n    return '${t}';\n  }\n}\nmodule.exports = { Purchase };\n`,
      },
      {
        path: 'src/save.js',
        content:
          "const { Purchase } = require('./models/Purchase');\n\nasync function save(o) {\n  return Purchase.query().insert(o).onConflict('id').merge();\n}\n",
      },
    ],
  ],
  [
    "Kysely's onConflict",
    t => [
      {
        path: 'src/upsert.ts',
        content: `export async function upsert(db, o) {\n  await db\n    .insertInto('${t}')\n    .values(o)\n    .onConflict(oc => oc.column('id').doUpdateSet({ amount: o.amount }))\n    .execute();\n}\n`,
      },
    ],
  ],
  [
    "MikroORM's em.upsert",
    t => [
      {
        path: 'src/Purchase.ts',
        content: `@Entity({ tableName: '${t}' })\nexport class Purchase {\n  @PrimaryKey() id!: number;\n  @Property() amount!: number;\n}\n`,
      },
      {
        path: 'src/save.ts',
        content:
          "import { Purchase } from './Purchase';\n\nexport async function save(em, data) {\n  return em.upsert(Purchase, data);\n}\n",
      },
    ],
  ],
  [
    "supabase-js's upsert",
    t => [
      {
        path: 'src/sync.ts',
        content: `export async function sync(supabase, rows) {\n  const { error } = await supabase.from('${t}').upsert(rows, { onConflict: 'id' });\n  if (error) throw error;\n}\n`,
      },
    ],
  ],
  [
    "Sequel's insert_conflict on a dataset",
    t => [
      {
        path: 'lib/sync.rb',
        content: `def sync(row)\n  DB[:${t}].insert_conflict(target: :id, update: { amount: Sequel[:excluded][:amount] }).insert(row)\nend\n`,
      },
    ],
  ],
];
const upserting = (files: Files, mapping = drop) =>
  assessConsumer(files, target, mapping).results.find(
    r => r.path === files[files.length - 1].path,
  );

beforeAll(() => loadSqlParser());

describe('upserts of query builders and ORMs, ON CONFLICT never spelled (round 33b)', () => {
  it.each(cases)(
    '%s goes to a person under a drop and a widening',
    (_, files) => {
      for (const mapping of [drop, widen]) {
        const result = upserting(files('orders'), mapping);
        expect(result?.status).toBe('needs-decision');
        expect(result?.impact.needsTable).toBe(true);
        expect(result?.impact.problem?.message).toContain(
          'ON CONFLICT fails: use MERGE',
        );
      }
    },
  );

  it.each(cases)('%s of another table stays unaffected', (_, files) => {
    expect(upserting(files('customers'))?.status ?? 'unaffected').toBe(
      'unaffected',
    );
  });

  it.each(cases)('%s through a plain view needs no table', (_, files) => {
    expect(upserting(files('orders'), add)?.impact.needsTable).toBeUndefined();
  });
});
