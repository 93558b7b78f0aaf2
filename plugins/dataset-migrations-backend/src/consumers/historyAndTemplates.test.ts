import type { DatasetField } from '@dataset-migrations/plugin-dataset-migrations-common';
import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';
import { assessConsumer, rewriteConsumerFiles } from './impact';
import { loadSqlParser } from '../sql/sqlParser';
import { renamedRelation } from './sql/datasetTarget';
import { consumerMapping } from './sql/fieldMapping';

// Found by the twenty-ninth round: migration history rewritten in place, and
// SQL templates outside dbt whose relation Jinja binds, or whose text Jinja
// takes in from elsewhere, called unaffected or rewritten.
const fields: DatasetField[] = [
  { name: 'id', type: 'bigint', nullable: false, primaryKey: true },
  { name: 'customer_id', type: 'bigint', nullable: false, primaryKey: false },
  { name: 'amount', type: 'integer', nullable: false, primaryKey: false },
  { name: 'status', type: 'text', nullable: true, primaryKey: false },
];
const orders = {
  schema: 'raw',
  table: 'orders',
  fields: fields.map(f => f.name),
};
const migrations = {
  'a renamed field': consumerMapping(fields, [
    { renameField: { from: 'amount', to: 'amount_cents' } },
  ]),
  'a retyped field': consumerMapping(fields, [
    { changeType: { field: 'amount', type: 'numeric' } },
  ]),
  'a dropped field': consumerMapping(fields, [
    { dropField: { name: 'amount' } },
  ]),
  'a renamed dataset': consumerMapping(
    fields,
    [],
    renamedRelation(orders, 'raw.purchases'),
  ),
};
const all = Object.entries(migrations);

/** The file at `path` as assessing the consumer and previewing its rewrite see it. */
function outcomes(files: ChangedFile[], path: string) {
  return all.map(([name, mapping]) => {
    const assessed = assessConsumer(files, orders, mapping);
    const previewed = rewriteConsumerFiles(files, orders, mapping);
    const file = assessed.results.find(r => r.path === path);
    const preview = previewed.find(r => r.path === path);
    return {
      name,
      consumer: assessed.impact.status,
      status: file?.status ?? 'not listed',
      preview: preview?.status,
      unchanged: file?.content === files.find(f => f.path === path)!.content,
      previewUnchanged:
        preview?.content === files.find(f => f.path === path)!.content,
      problem: file?.impact.problem?.message ?? '',
    };
  });
}

beforeAll(() => loadSqlParser());

const VIEW =
  'CREATE VIEW order_totals AS SELECT customer_id, amount FROM raw.orders;\n';
/** A later migration of the same tool that the change breaks too. */
const LATER =
  'CREATE VIEW order_report AS SELECT id, amount FROM raw.orders;\n';

describe('versioned migration history is never rewritten (found by the twenty-ninth round)', () => {
  // Each was rewritten in place (`amount_cents AS amount`, `raw.purchases`):
  // an applied migration never runs again, and Flyway, Liquibase and Prisma
  // refuse to migrate once its checksum changes.
  const history: [string, ChangedFile[], ChangedFile][] = [
    [
      'Flyway',
      [{ path: 'db/migration/V2__order_totals.sql', content: VIEW }],
      { path: 'db/migration/V3__order_report.sql', content: LATER },
    ],
    [
      'Flyway, dotted version under resources',
      [
        {
          path: 'src/main/resources/db/migration/V1_2_1__order_totals.sql',
          content: VIEW,
        },
      ],
      {
        path: 'src/main/resources/db/migration/V1_10__order_report.sql',
        content: LATER,
      },
    ],
    [
      'Liquibase formatted SQL',
      [
        {
          path: 'db/changelog/001-order-totals.sql',
          content: `--liquibase formatted sql\n--changeset ana:1\n${VIEW}`,
        },
      ],
      {
        path: 'db/changelog/002-order-report.sql',
        content: `--liquibase formatted sql\n--changeset ana:2\n${LATER}`,
      },
    ],
    [
      'a SQL file a Liquibase changelog runs',
      [
        {
          path: 'db/changelog/master.xml',
          content:
            '<databaseChangeLog>\n  <changeSet id="1" author="ana">\n    <sqlFile path="sql/order_totals.sql" relativeToChangelogFile="true"/>\n  </changeSet>\n  <changeSet id="2" author="ana">\n    <sqlFile path="sql/order_report.sql" relativeToChangelogFile="true"/>\n  </changeSet>\n</databaseChangeLog>\n',
        },
        { path: 'db/changelog/sql/order_totals.sql', content: VIEW },
      ],
      { path: 'db/changelog/sql/order_report.sql', content: LATER },
    ],
    [
      'golang-migrate up',
      [{ path: 'migrations/000007_order_totals.up.sql', content: VIEW }],
      { path: 'migrations/000008_order_report.up.sql', content: LATER },
    ],
    // A probe (round 37): memos' release folders, data updates too.
    [
      'release folders of numbered scripts',
      [
        {
          path: 'store/migration/postgres/0.23/00__order_totals.sql',
          content: VIEW,
        },
        {
          path: 'store/migration/postgres/0.23/01__statuses.sql',
          content: "UPDATE raw.orders SET amount = 0 WHERE status = 'void';\n",
        },
      ],
      {
        path: 'store/migration/postgres/0.31/00__order_report.sql',
        content: LATER,
      },
    ],
    [
      'Prisma',
      [
        {
          path: 'prisma/migrations/20240101000000_order_totals/migration.sql',
          content: VIEW,
        },
      ],
      {
        path: 'prisma/migrations/20240201000000_order_report/migration.sql',
        content: LATER,
      },
    ],
    [
      'dbmate',
      [
        {
          path: 'db/migrations/20240101000000_order_totals.sql',
          content: `-- migrate:up\n${VIEW}\n-- migrate:down\nDROP VIEW order_totals;\n`,
        },
      ],
      {
        path: 'db/migrations/20240201000000_order_report.sql',
        content: `-- migrate:up\n${LATER}`,
      },
    ],
    [
      'goose, by its header',
      [
        {
          path: 'sql/schema/00042_totals.sql',
          content: `-- +goose Up\n${VIEW}`,
        },
      ],
      {
        path: 'sql/schema/00043_report.sql',
        content: `-- +goose Up\n${LATER}`,
      },
    ],
    [
      'Sqitch',
      [
        {
          path: 'sqitch.plan',
          content:
            '%project=shop\norder_totals 2024-01-01T00:00:00Z ana # v\norder_report 2024-02-01T00:00:00Z ana # r\n',
        },
        {
          path: 'deploy/order_totals.sql',
          content: `-- Deploy shop:order_totals to pg\nBEGIN;\n${VIEW}COMMIT;\n`,
        },
      ],
      {
        path: 'deploy/order_report.sql',
        content: `-- Deploy shop:order_report to pg\nBEGIN;\n${LATER}COMMIT;\n`,
      },
    ],
  ];

  // With a later migration of its own the change breaks too: the newest is
  // what may still be pending (see the tests of pending migrations below).
  it.each(history)('%s', (_, files, later) => {
    const path = files[files.length - 1].path;
    for (const o of outcomes([...files, later], path)) {
      // The consumer waits on the later one, which goes to a person.
      expect({ ...o, problem: undefined }).toEqual({
        name: o.name,
        consumer: o.name === 'a retyped field' ? o.consumer : 'needs-decision',
        status: 'unaffected',
        preview: 'unaffected',
        unchanged: true,
        previewUnchanged: true,
        problem: undefined,
      });
      // The impact report says why it is left as it is.
      expect(o.problem).toMatch(/not rewritten: .*history, not a reader/);
    }
  });

  // Alone, the newest of its tool's migrations may not have run yet (merged,
  // not deployed): it would run after the dataset moved, and was called
  // unaffected (found by a review, 2026-12-06).
  it.each(history)('%s, the newest, goes to a person', (_, files) => {
    const path = files[files.length - 1].path;
    for (const o of outcomes(files, path).filter(
      x => x.name !== 'a retyped field',
    )) {
      expect({ name: o.name, status: o.status, preview: o.preview }).toEqual({
        name: o.name,
        status: 'needs-decision',
        preview: 'needs-decision',
      });
      expect([o.unchanged, o.previewUnchanged]).toEqual([true, true]);
      expect(o.problem).toMatch(
        /nothing in the repository shows it ran before .* newest of its migrations the change breaks/,
      );
    }
  });

  it('recognises migrations in other languages and changelog formats', () => {
    const sql = VIEW.trim();
    const later = LATER.trim();
    // Each with what shows it ran: a later migration the change breaks too,
    // or Rails' schema dump.
    for (const [path, content, evidence] of [
      [
        'alembic/versions/3f2a_order_totals.py',
        `revision = "3f2a"\ndown_revision = "1c0d"\n\ndef upgrade():\n    op.execute("${sql}")\n`,
        {
          path: 'alembic/versions/0b9e_order_report.py',
          content: `revision = "0b9e"\ndown_revision = "3f2a"\n\ndef upgrade():\n    op.execute("${later}")\n`,
        },
      ],
      [
        'db/migrate/20240101120000_order_totals.rb',
        `class OrderTotals < ActiveRecord::Migration[7.1]\n  def up\n    execute "${sql}"\n  end\nend\n`,
        {
          path: 'db/migrate/20240201120000_order_report.rb',
          content: `class OrderReport < ActiveRecord::Migration[7.1]\n  def up\n    execute "${LATER.trim()}"\n  end\nend\n`,
        },
      ],
      [
        'shop/migrations/0002_order_totals.py',
        `from django.db import migrations\n\nclass Migration(migrations.Migration):\n    operations = [migrations.RunSQL("${sql}")]\n`,
        {
          path: 'shop/migrations/0003_order_report.py',
          content: `from django.db import migrations\n\nclass Migration(migrations.Migration):\n    operations = [migrations.RunSQL("${later}")]\n`,
        },
      ],
      [
        'migrations/20240101120000_order_totals.js',
        `exports.up = knex => knex.raw("${sql}");\n`,
        {
          path: 'migrations/20240201120000_order_report.js',
          content: `exports.up = knex => knex.raw("${later}");\n`,
        },
      ],
      [
        'src/migrations/1700000000000-OrderTotals.ts',
        `export class OrderTotals1700000000000 implements MigrationInterface {\n  async up(q: QueryRunner) { await q.query("${sql}"); }\n}\n`,
        {
          path: 'src/migrations/1700000000001-OrderReport.ts',
          content: `export class OrderReport1700000000001 implements MigrationInterface {\n  async up(q: QueryRunner) { await q.query("${later}"); }\n}\n`,
        },
      ],
      [
        'db/changelog/001-order-totals.xml',
        `<databaseChangeLog>\n  <changeSet id="1" author="ana">\n    <sql>${sql}</sql>\n  </changeSet>\n</databaseChangeLog>\n`,
        {
          path: 'db/changelog/002-order-report.xml',
          content: `<databaseChangeLog>\n  <changeSet id="2" author="ana">\n    <sql>${later}</sql>\n  </changeSet>\n</databaseChangeLog>\n`,
        },
      ],
      [
        'db/changelog/001-order-totals.yaml',
        `databaseChangeLog:\n  - changeSet:\n      id: 1\n      author: ana\n      changes:\n        - sql:\n            sql: ${sql}\n`,
        {
          path: 'db/changelog/002-order-report.yaml',
          content: `databaseChangeLog:\n  - changeSet:\n      id: 2\n      author: ana\n      changes:\n        - sql:\n            sql: ${later}\n`,
        },
      ],
    ] as const)
      for (const o of outcomes([{ path, content }, evidence], path))
        expect({ path, name: o.name, status: o.status }).toEqual({
          path,
          name: o.name,
          status: 'unaffected',
        });
  });

  it('treats repeatable migrations, re-run when they change, as live code', () => {
    // Flyway's R__ and Liquibase's runOnChange are applied again with the
    // rewrite, so they are read as any SQL file.
    for (const [path, content] of [
      ['db/migration/R__order_totals.sql', VIEW],
      [
        'db/changelog/views.sql',
        `--liquibase formatted sql\n--changeset ana:views runOnChange:true\n${VIEW}`,
      ],
      ['sql/views/order_totals.sql', VIEW],
    ]) {
      const [rename, , drop, renamedDataset] = outcomes(
        [{ path, content }],
        path,
      );
      expect([rename.status, drop.status, renamedDataset.status]).toEqual([
        'rewritten',
        'needs-decision',
        'rewritten',
      ]);
    }
  });

  it('sends a Liquibase file mixing run-once and run-on-change changesets to a person', () => {
    const path = 'db/changelog/002.sql';
    const content = `--liquibase formatted sql\n--changeset ana:1\nCREATE TABLE t (id int);\n--changeset ana:2 runOnChange:true\n${VIEW}`;
    const [rename, , , renamedDataset] = outcomes([{ path, content }], path);
    for (const o of [rename, renamedDataset]) {
      expect([o.status, o.unchanged]).toEqual(['needs-decision', true]);
      expect(o.problem).toMatch(/run once beside ones that run again/);
    }
  });
});

describe('migration history that runs again goes to a person (found by a review, 2026-12-06)', () => {
  const sql = VIEW.trim();
  const drop = 'DROP VIEW order_totals';
  /** The file at `path` for the renamed field and the renamed dataset. */
  const judged = (files: ChangedFile[], path: string) =>
    outcomes(files, path).filter(o =>
      ['a renamed field', 'a renamed dataset'].includes(o.name),
    );

  // A rollback runs a down migration, applied or not, against the dataset's
  // new shape: each was called unaffected as history. Each comes with what
  // shows it ran (a later migration the change breaks too, a schema dump),
  // so the rollback is what sends it to a person.
  const downs: [string, ChangedFile[]][] = [
    [
      'golang-migrate down',
      [
        { path: 'migrations/000008_drop_totals.down.sql', content: VIEW },
        { path: 'migrations/000009_order_report.up.sql', content: LATER },
      ],
    ],
    [
      'Flyway undo',
      [
        { path: 'db/migration/U2__drop_totals.sql', content: VIEW },
        { path: 'db/migration/V3__order_report.sql', content: LATER },
      ],
    ],
    [
      'Diesel down.sql',
      [
        {
          path: 'migrations/2024-01-01-120000_drop_totals/down.sql',
          content: VIEW,
        },
        {
          path: 'migrations/2024-02-01-120000_order_report/up.sql',
          content: LATER,
        },
      ],
    ],
    [
      'Rails def down',
      [
        {
          path: 'db/migrate/20240101120000_drop_totals.rb',
          content: `class DropTotals < ActiveRecord::Migration[7.1]\n  def up\n    execute "${drop}"\n  end\n\n  def down\n    execute "${sql}"\n  end\nend\n`,
        },
        {
          path: 'db/migrate/20240201120000_order_report.rb',
          content: `class OrderReport < ActiveRecord::Migration[7.1]\n  def up\n    execute "${LATER.trim()}"\n  end\nend\n`,
        },
      ],
    ],
    [
      'Rails reversible change',
      [
        {
          path: 'db/migrate/20240101120000_drop_totals.rb',
          content: `class DropTotals < ActiveRecord::Migration[7.1]\n  def change\n    reversible do |dir|\n      dir.up { execute "${drop}" }\n      dir.down { execute "${sql}" }\n    end\n  end\nend\n`,
        },
        {
          path: 'db/migrate/20240201120000_order_report.rb',
          content: `class OrderReport < ActiveRecord::Migration[7.1]\n  def up\n    execute "${LATER.trim()}"\n  end\nend\n`,
        },
      ],
    ],
    [
      'Alembic downgrade',
      [
        {
          path: 'alembic/versions/3f2a_drop_totals.py',
          content: `revision = "3f2a"\ndown_revision = "1c0d"\n\ndef upgrade():\n    op.execute("${drop}")\n\n\ndef downgrade():\n    op.execute("${sql}")\n`,
        },
        {
          path: 'alembic/versions/0b9e_order_report.py',
          content: `revision = "0b9e"\ndown_revision = "3f2a"\n\ndef upgrade():\n    op.execute("${LATER.trim()}")\n`,
        },
      ],
    ],
    [
      'knex exports.down',
      [
        {
          path: 'migrations/20240101120000_drop_totals.js',
          content: `exports.up = knex => knex.raw("${drop}");\nexports.down = knex => knex.raw("${sql}");\n`,
        },
        {
          path: 'migrations/20240201120000_order_report.js',
          content: `exports.up = knex => knex.raw("${LATER.trim()}");\n`,
        },
      ],
    ],
    [
      'Django reverse_sql',
      [
        {
          path: 'shop/migrations/0002_drop_totals.py',
          content: `from django.db import migrations\n\nclass Migration(migrations.Migration):\n    operations = [migrations.RunSQL("${drop}", reverse_sql="${sql}")]\n`,
        },
        {
          path: 'shop/migrations/0003_order_report.py',
          content: `from django.db import migrations\n\nclass Migration(migrations.Migration):\n    operations = [migrations.RunSQL("${LATER.trim()}")]\n`,
        },
      ],
    ],
    [
      'Liquibase <rollback>',
      [
        {
          path: 'db/changelog/001-drop-totals.xml',
          content: `<databaseChangeLog>\n  <changeSet id="1" author="ana">\n    <sql>${drop}</sql>\n    <rollback>${sql}</rollback>\n  </changeSet>\n</databaseChangeLog>\n`,
        },
        {
          path: 'db/changelog/002-order-report.xml',
          content: `<databaseChangeLog>\n  <changeSet id="2" author="ana">\n    <sql>${LATER.trim()}</sql>\n  </changeSet>\n</databaseChangeLog>\n`,
        },
      ],
    ],
    [
      'Liquibase formatted SQL --rollback',
      [
        {
          path: 'db/changelog/001-drop-totals.sql',
          content: `--liquibase formatted sql\n--changeset ana:1\n${drop};\n--rollback ${sql}\n`,
        },
        {
          path: 'db/changelog/002-order-report.sql',
          content: `--liquibase formatted sql\n--changeset ana:2\n${LATER}`,
        },
      ],
    ],
  ];

  // Round 35: a rollback of one step undoes the newest migration of its
  // sequence; an older one's down part runs only when several steps are
  // rolled back, and then fails on the view rather than misreads. Sending each
  // to a person held every migration of an app's own tables.
  it.each(downs)(
    'an older migration’s down part is history: %s',
    (_, files) => {
      for (const o of judged(files, files[0].path)) {
        expect({ name: o.name, status: o.status }).toEqual({
          name: o.name,
          status: 'unaffected',
        });
        expect(o.problem).toMatch(/not rewritten: .*history, not a reader/);
      }
    },
  );

  /** The same two migrations, the one with the down part now the newer. */
  const newestFirst = (files: ChangedFile[]): ChangedFile[] => {
    const version = /(?<=\/)([VUB]?)(\d[\d-]*)(?=_{1,2}[a-z]|-[a-z])/i;
    const [a, b] = files.map(f => version.exec(f.path)?.[2]);
    if (a !== undefined && b !== undefined)
      return files.map((f, i) => ({
        ...f,
        path: f.path.replace(version, `$1${i === 0 ? b : a}`),
      }));
    // Alembic: by down_revision.
    return [
      {
        ...files[0],
        content: files[0].content.replace(
          'down_revision = "1c0d"',
          'down_revision = "0b9e"',
        ),
      },
      {
        ...files[1],
        content: files[1].content.replace(
          'down_revision = "3f2a"',
          'down_revision = "1c0d"',
        ),
      },
    ];
  };

  it.each(downs)(
    'the newest migration’s down part goes to a person: %s',
    (_, older) => {
      const files = newestFirst(older);
      expect(files).not.toEqual(older);
      const path = files[0].path;
      for (const o of judged(files, path)) {
        expect({ name: o.name, status: o.status, preview: o.preview }).toEqual({
          name: o.name,
          status: 'needs-decision',
          preview: 'needs-decision',
        });
        // Never edited: an applied migration keeps its checksum.
        expect([o.unchanged, o.previewUnchanged]).toEqual([true, true]);
        expect(o.problem).toMatch(/a rollback of its step.* runs it again/);
      }
    },
  );

  it('keeps a schema change of a down part needing a table as such', () => {
    // `remove_index` on a rollback of `change`: refused once orders is a view.
    const files = [
      {
        path: 'db/migrate/20240301120000_index_orders.rb',
        content:
          'class IndexOrders < ActiveRecord::Migration[7.1]\n  def change\n    add_index :orders, :status\n  end\nend\n',
      },
      {
        path: 'db/migrate/20240201120000_order_report.rb',
        content: `class OrderReport < ActiveRecord::Migration[7.1]\n  def up\n    execute "${LATER.trim()}"\n  end\nend\n`,
      },
    ];
    const assessed = assessConsumer(
      files,
      orders,
      migrations['a renamed field'],
    );
    expect(assessed.results[0]).toMatchObject({
      status: 'needs-decision',
      impact: { needsTable: true },
    });
    expect(assessed.results[0].impact.problem?.message).toMatch(/rollback/);
  });

  it.each([
    [
      'Rails, down dropping what up made',
      [
        {
          path: 'db/migrate/20240101120000_order_totals.rb',
          content: `class OrderTotals < ActiveRecord::Migration[7.1]\n  def up\n    execute "${sql}"\n  end\n\n  def down\n    execute "${drop}"\n  end\nend\n`,
        },
        {
          path: 'db/migrate/20240201120000_order_report.rb',
          content: `class OrderReport < ActiveRecord::Migration[7.1]\n  def up\n    execute "${LATER.trim()}"\n  end\nend\n`,
        },
      ],
    ],
    [
      'Alembic, downgrade dropping it',
      [
        {
          path: 'alembic/versions/3f2a_order_totals.py',
          content: `revision = "3f2a"\ndown_revision = "1c0d"\n\ndef upgrade():\n    op.execute("${sql}")\n\n\ndef downgrade():\n    op.execute("${drop}")\n`,
        },
        {
          path: 'alembic/versions/0b9e_order_report.py',
          content: `revision = "0b9e"\ndown_revision = "3f2a"\n\ndef upgrade():\n    op.execute("${LATER.trim()}")\n`,
        },
      ],
    ],
    [
      'knex, down dropping it',
      [
        {
          path: 'migrations/20240101120000_order_totals.js',
          content: `exports.up = knex => knex.raw("${sql}");\nexports.down = knex => knex.raw("${drop}");\n`,
        },
        {
          path: 'migrations/20240201120000_order_report.js',
          content: `exports.up = knex => knex.raw("${LATER.trim()}");\n`,
        },
      ],
    ],
    [
      'Django RunSQL, reverse dropping it (by keyword and by position)',
      [
        {
          path: 'shop/migrations/0002_order_totals.py',
          content: `from django.db import migrations\n\nclass Migration(migrations.Migration):\n    operations = [\n        migrations.RunSQL("${sql}", reverse_sql="${drop}"),\n        migrations.RunSQL("${sql}", "${drop}"),\n    ]\n`,
        },
        {
          path: 'shop/migrations/0003_order_report.py',
          content: `from django.db import migrations\n\nclass Migration(migrations.Migration):\n    operations = [migrations.RunSQL("${LATER.trim()}")]\n`,
        },
      ],
    ],
    [
      'Liquibase, rollback dropping it',
      [
        {
          path: 'db/changelog/001-order-totals.xml',
          content: `<databaseChangeLog>\n  <changeSet id="1" author="ana">\n    <sql>${sql}</sql>\n    <rollback>${drop}</rollback>\n  </changeSet>\n</databaseChangeLog>\n`,
        },
        {
          path: 'db/changelog/002-order-report.xml',
          content: `<databaseChangeLog>\n  <changeSet id="2" author="ana">\n    <sql>${LATER.trim()}</sql>\n  </changeSet>\n</databaseChangeLog>\n`,
        },
      ],
    ],
  ] as [string, ChangedFile[]][])(
    'keeps an applied up migration whose down part names nothing of the dataset history: %s',
    (_, files) => {
      for (const o of judged(files, files[0].path)) {
        expect({ name: o.name, status: o.status, preview: o.preview }).toEqual({
          name: o.name,
          status: 'unaffected',
          preview: 'unaffected',
        });
        expect(o.problem).toMatch(/not rewritten: .*history, not a reader/);
      }
    },
  );
});

describe('a migration nothing shows to have run is not history (found by a review, 2026-12-06)', () => {
  const rails = (version: string, body: string): ChangedFile => ({
    path: `db/migrate/${version}_change_orders.rb`,
    content: `class ChangeOrders < ActiveRecord::Migration[7.1]\n  def up\n    ${body}\n  end\nend\n`,
  });
  const person = (files: ChangedFile[], path: string, reason: RegExp) => {
    for (const o of outcomes(files, path).filter(
      x => x.name !== 'a retyped field',
    )) {
      expect({ name: o.name, status: o.status, preview: o.preview }).toEqual({
        name: o.name,
        status: 'needs-decision',
        preview: 'needs-decision',
      });
      expect([o.unchanged, o.previewUnchanged]).toEqual([true, true]);
      expect(o.problem).toMatch(reason);
    }
  };

  it('sends a Rails migration newer than the schema dump to a person', () => {
    expect.hasAssertions();
    // Pending: schema.rb, dumped after the last migration run, is older.
    const file = rails('20240301000000', 'add_index :orders, :amount');
    person(
      [
        rails('20240101000000', 'add_index :orders, :amount'),
        file,
        {
          path: 'db/schema.rb',
          content:
            'ActiveRecord::Schema[7.1].define(version: 2024_02_01_000000) do\n  create_table "orders" do |t|\n  end\nend\n',
        },
      ],
      file.path,
      /db\/schema\.rb is at version 2024_02_01_000000, before 20240301000000/,
    );
  });

  it.each([
    [
      'one INSERT of every version',
      "CREATE TABLE public.orders (id bigint);\n\nINSERT INTO \"schema_migrations\" (version) VALUES\n('20240101000000'),\n('20240601000000');\n",
    ],
    // Older Rails, read as listing only its first (a probe, round 37).
    [
      'one INSERT per version',
      "CREATE TABLE public.orders (id bigint);\n\nINSERT INTO schema_migrations (version) VALUES ('20231201000000');\n\nINSERT INTO schema_migrations (version) VALUES ('20240101000000');\n\nINSERT INTO schema_migrations (version) VALUES ('20240201000000');\n",
    ],
  ])(
    'sends a Rails migration structure.sql does not list to a person, and keeps one it lists (%s)',
    (_, dump) => {
      const applied = rails('20240101000000', 'add_index :orders, :amount');
      const pending = rails('20240301000000', 'add_index :orders, :amount');
      const files = [
        applied,
        pending,
        { path: 'db/structure.sql', content: dump },
      ];
      person(files, pending.path, /db\/structure\.sql does not list/);
      // Listed, and older than the newest: applied, whatever came after.
      for (const o of outcomes(files, applied.path))
        expect({ name: o.name, status: o.status }).toEqual({
          name: o.name,
          status: 'unaffected',
        });
    },
  );

  it('sends the newest Rails migration to a person though the schema dump names it', () => {
    // The dump was made where it ran, a developer's database: committed with
    // it, a migration is just the one not yet deployed.
    expect.hasAssertions();
    const file = rails('20240301000000', 'add_index :orders, :amount');
    person(
      [
        file,
        {
          path: 'db/schema.rb',
          content:
            'ActiveRecord::Schema[7.1].define(version: 2024_03_01_000000) do\nend\n',
        },
      ],
      file.path,
      /newest of its migrations the change breaks/,
    );
  });

  it('sends the newest Alembic revision altering the table to a person, not the one before it', () => {
    const head: ChangedFile = {
      path: 'alembic/versions/0b9e_nullable_amount.py',
      content:
        'revision = "0b9e"\ndown_revision = "3f2a"\n\ndef upgrade():\n    op.alter_column("orders", "amount", nullable=True)\n',
    };
    const before: ChangedFile = {
      path: 'alembic/versions/3f2a_amount_default.py',
      content:
        'revision = "3f2a"\ndown_revision = "1c0d"\n\ndef upgrade():\n    op.alter_column("orders", "amount", server_default="0")\n',
    };
    person([before, head], head.path, /newest of its migrations/);
    expect(outcomes([before, head], before.path)[0].status).toBe('unaffected');
  });

  it('sends a Django migration on a model of the table to a person when it is the newest', () => {
    expect.hasAssertions();
    const files: ChangedFile[] = [
      {
        path: 'shop/migrations/0002_order_totals.py',
        content: `from django.db import migrations\n\nclass Migration(migrations.Migration):\n    operations = [migrations.RunSQL("${VIEW.trim()}")]\n`,
      },
    ];
    person(files, files[0].path, /newest of its migrations/);
  });
});

describe('live code that only looks like migration history (found by a review)', () => {
  it.each([
    // Numbered scripts a scheduler runs, in folders named like migrations.
    [
      'warehouse/migration/2024.5/01__nightly_export.sql',
      'SELECT id, amount FROM raw.orders;\n',
    ],
    [
      'warehouse/migration/01_nightly_export.sql',
      'SELECT id, amount FROM raw.orders;\n',
    ],
    [
      'airflow/dags/sql/migrations/01_refresh.sql',
      'SELECT id, amount FROM raw.orders;\n',
    ],
    [
      'analytics/migrations/002_report.sql',
      'SELECT id, amount FROM raw.orders;\n',
    ],
    // A Flyway-like name outside a migration folder, changing no schema.
    ['reports/V2__monthly.sql', 'SELECT id, amount FROM raw.orders;\n'],
    // Words of a migration framework in a comment.
    [
      'shop/maintenance.py',
      '# unlike a migrations.Migration, this runs nightly\ncur.execute("SELECT id, amount FROM raw.orders")\n',
    ],
    // Sqitch runs verify scripts again on every verify.
    [
      'verify/orders_view.sql',
      '-- Verify shop:orders_view on pg\nBEGIN;\nSELECT id, amount FROM raw.orders WHERE FALSE;\nROLLBACK;\n',
    ],
  ])('%s is read as live code', (path, content) => {
    for (const outcome of outcomes(
      [
        { path, content },
        { path: 'sqitch.plan', content: '%project=shop\n' },
      ],
      path,
    ).filter(o => o.name === 'a renamed field'))
      expect({ path, status: outcome.status }).not.toEqual({
        path,
        status: 'unaffected',
      });
  });

  it('takes a SQL file as a Liquibase changeset only by the path its changelog gives', () => {
    const files = [
      {
        path: 'db/changelog.yaml',
        content:
          'databaseChangeLog:\n  - changeSet:\n      id: 1\n      changes:\n        - sqlFile:\n            path: legacy/report.sql\n  - changeSet:\n      id: 2\n      changes:\n        - sqlFile:\n            path: legacy/report_v2.sql\n',
      },
      // A later changeset the change breaks too: the one that may be pending.
      {
        path: 'db/legacy/report_v2.sql',
        content: 'SELECT id, amount FROM raw.orders;\n',
      },
      {
        path: 'sql/report.sql',
        content: 'SELECT id, amount FROM raw.orders;\n',
      },
      {
        path: 'db/legacy/report.sql',
        content: 'SELECT id, amount FROM raw.orders;\n',
      },
    ];
    const [live] = outcomes(files, 'sql/report.sql');
    expect(live.status).not.toBe('unaffected');
    const [history] = outcomes(files, 'db/legacy/report.sql');
    expect(history.status).toBe('unaffected');
  });
});

describe('SQL templates outside dbt whose relation Jinja names (found by the twenty-ninth round)', () => {
  const dag = (content: string): ChangedFile[] => [
    { path: 'dags/sql/q.sql', content },
  ];

  it.each([
    [
      'a {% set %} to the dataset',
      "{% set tbl = 'raw.orders' %}SELECT id, amount / 100 AS d FROM {{ tbl }};\n",
    ],
    [
      'a {% set %} to the dataset, reading *',
      "{% set tbl = 'raw.orders' %}SELECT * FROM {{ tbl }};\n",
    ],
    [
      'a {% set %} to an Airflow Variable',
      '{% set tbl = var.value.orders_table %}SELECT id, amount / 100 AS d FROM {{ tbl }};\n',
    ],
    ['params', 'SELECT id, amount / 100 AS d FROM {{ params.tbl }};\n'],
  ])('%s', (_, content) => {
    const outcome = outcomes(dag(content), 'dags/sql/q.sql');
    for (const o of outcome) {
      // Widening does not change what `*` reads.
      if (o.name === 'a retyped field' && /\*/.test(content)) continue;
      expect({ name: o.name, status: o.status, preview: o.preview }).toEqual({
        name: o.name,
        status: 'needs-decision',
        preview: 'needs-decision',
      });
      expect([o.unchanged, o.previewUnchanged]).toEqual([true, true]);
    }
  });

  it('keeps a relation bound to another table, and one reading nothing changed, unaffected', () => {
    for (const content of [
      "{% set tbl = 'raw.customers' %}SELECT id, amount FROM {{ tbl }};\n",
      '{% set tbl = var.value.orders_table %}SELECT id, status FROM {{ tbl }};\n',
    ])
      for (const o of outcomes(dag(content), 'dags/sql/q.sql').slice(0, 3))
        expect({
          content,
          name: o.name,
          status: o.status,
          p: o.preview,
        }).toEqual({
          content,
          name: o.name,
          status: 'not listed',
          p: 'unaffected',
        });
  });
});

describe('SQL whose Jinja takes in text the file does not hold (found by the twenty-ninth round)', () => {
  const cte: ChangedFile = {
    path: 'dags/sql/cte_orders.sql',
    content:
      "WITH orders AS (SELECT id, status, amount FROM raw.orders WHERE status <> 'void')\n",
  };

  it.each([
    ["{% include 'sql/cte_orders.sql' %}"],
    ["{% from 'sql/ctes.sql' import orders_cte %}\n{{ orders_cte() }}"],
    ["{% import 'sql/ctes.sql' as ctes %}\n{{ ctes.orders() }}"],
    ["{% extends 'sql/base.sql' %}"],
    ['{{ orders_cte() }}'],
  ])('%s', head => {
    // report.sql was rewritten to sum(amount_cents) over the included CTE,
    // which still exposes amount.
    const report: ChangedFile = {
      path: 'dags/sql/report.sql',
      content: `${head}\nSELECT status, sum(amount) AS total FROM orders GROUP BY 1;\n`,
    };
    // A macro called where a clause starts does not parse, which is no
    // rewrite either.
    const person = /^\{\{/m.test(head) ? 'unparseable' : 'needs-decision';
    for (const o of outcomes([cte, report], report.path)) {
      // An include naming a file of the repository is read with its text in
      // place (round 29): under a retype, the CTE passes amount on as it is
      // and the sum reads it as the dataset's own would.
      const expected =
        head.startsWith('{% include') && o.name === 'a retyped field'
          ? 'unaffected'
          : person;
      expect({ name: o.name, status: o.status, preview: o.preview }).toEqual({
        name: o.name,
        status: expected,
        preview: expected,
      });
      expect([o.unchanged, o.previewUnchanged]).toEqual([true, true]);
    }
  });

  it('still rewrites a file with no such Jinja, and leaves one reading nothing changed', () => {
    const plain: ChangedFile = {
      path: 'dags/sql/report.sql',
      content:
        'SELECT status, sum(amount) AS total FROM raw.orders GROUP BY 1;\n',
    };
    expect(outcomes([plain], plain.path)[0].status).toBe('rewritten');
    const counts: ChangedFile = {
      path: 'dags/sql/report.sql',
      content:
        "{% include 'sql/cte_orders.sql' %}\nSELECT status, count(*) AS n FROM orders GROUP BY 1;\n",
    };
    const [rename, retype, drop] = outcomes([counts], counts.path);
    expect([rename.status, retype.status, drop.status]).toEqual([
      'unaffected',
      'unaffected',
      'unaffected',
    ]);
  });
});
