import type { DatasetField } from '@dataset-migrations/plugin-dataset-migrations-common';
import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';
import { assessConsumer, rewriteConsumerFiles } from '../impact';
import { loadSqlParser } from '../../sql/sqlParser';
import { consumerMapping } from './fieldMapping';
import { migrationHistoryOf, unprovenHistory } from './migrationHistory';

const fields: DatasetField[] = [
  { name: 'id', type: 'bigint', nullable: false, primaryKey: true },
  { name: 'amount', type: 'integer', nullable: false, primaryKey: false },
];
const orders = {
  schema: 'raw',
  table: 'orders',
  fields: fields.map(f => f.name),
};
const renamed = consumerMapping(fields, [
  { renameField: { from: 'amount', to: 'amount_cents' } },
]);

beforeAll(() => loadSqlParser());

// Found by a review: each down start took the text to the next up start, so
// down starts with no up between them took it again and again: 3,000
// `def down` lines made a 40 MB rollback part, 12,000 threw a RangeError out
// of the rewrite.
describe('the down part of a migration with many down starts', () => {
  const lines = 'def down\n'.repeat(12_000);
  const cases: ChangedFile[] = [
    {
      path: 'db/migrate/20240101120000_drop_totals.rb',
      content: `class DropTotals < ActiveRecord::Migration[7.1]\n  def up\n    execute "DROP VIEW order_totals"\n  end\n\n${lines}  def down\n    execute "CREATE VIEW order_totals AS SELECT id, amount FROM raw.orders"\n  end\nend\n`,
    },
    {
      path: 'alembic/versions/3f2a_drop_totals.py',
      content: `revision = "3f2a"\ndown_revision = "1c0d"\n\ndef upgrade():\n    op.execute("DROP VIEW order_totals")\n\n${'def downgrade(\n'.repeat(
        12_000,
      )}def downgrade():\n    op.execute("CREATE VIEW order_totals AS SELECT id, amount FROM raw.orders")\n`,
    },
    {
      path: 'migrations/20240101120000_drop_totals.js',
      content: `exports.up = knex => knex.raw("DROP VIEW order_totals");\n${'exports.down\n'.repeat(
        12_000,
      )}exports.down = knex => knex.raw("CREATE VIEW order_totals AS SELECT id, amount FROM raw.orders");\n`,
    },
  ];

  it.each(cases.map(c => [c.path, c] as const))(
    'reads each line of %s into it at most once',
    (_, file) => {
      const rollback = migrationHistoryOf(file, [file])?.rollback;
      expect(rollback).toContain('FROM raw.orders');
      expect(rollback!.length).toBeLessThanOrEqual(file.content.length);
    },
  );

  it('still sends the migration to a person for its rollback', () => {
    const file = cases[0];
    // An earlier migration the change breaks: the file is the newest, the one
    // a rollback of one step undoes.
    const later: ChangedFile = {
      path: 'db/migrate/20231201120000_order_report.rb',
      content:
        'class OrderReport < ActiveRecord::Migration[7.1]\n  def up\n    execute "CREATE VIEW order_report AS SELECT id, amount FROM raw.orders"\n  end\nend\n',
    };
    const assessed = assessConsumer(
      [file, later],
      orders,
      renamed,
    ).results.find(r => r.path === file.path);
    const previewed = rewriteConsumerFiles([file, later], orders, renamed).find(
      r => r.path === file.path,
    );
    expect(assessed?.status).toBe('needs-decision');
    expect(previewed?.status).toBe('needs-decision');
    expect(assessed?.content).toBe(file.content);
    expect(assessed?.impact.problem?.message).toMatch(
      /a rollback of its step.* runs it again/,
    );
  });
});

// Found by a review: each pair of a sequence's migrations compared read every
// file of the repository again (the Alembic revisions, the changelogs): 100
// migrations among 2,000 files took 25 s. Each file is read a few times now,
// however many migrations the change breaks.
describe('ordering the migrations a change breaks', () => {
  /** `file`, counting how often its content is read. */
  const counted = (path: string, content: string) => {
    const file = { path, reads: 0 } as ChangedFile & { reads: number };
    Object.defineProperty(file, 'content', {
      get: () => {
        file.reads++;
        return content;
      },
    });
    return file;
  };
  const pad = '# a line of application code\n'.repeat(20);
  const others = Array.from({ length: 50 }, (_, i) =>
    counted(`app/module${i}.py`, pad),
  );

  it('reads each file a bounded number of times for an Alembic chain', () => {
    const chain = Array.from({ length: 30 }, (_, i) =>
      counted(
        `alembic/versions/r${i}_change.py`,
        `revision = 'r${i}'\ndown_revision = ${
          i ? `'r${i - 1}'` : 'None'
        }\n\ndef upgrade():\n    op.alter_column("orders", "amount", nullable=True)\n`,
      ),
    );
    const unproven = unprovenHistory(chain, [...chain, ...others]);
    expect([...unproven.keys()]).toEqual(['alembic/versions/r29_change.py']);
    expect(Math.max(...others.map(f => f.reads))).toBeLessThanOrEqual(2);
  });

  it('reads each file a bounded number of times for versioned SQL', () => {
    for (const f of others) f.reads = 0;
    const versions = Array.from({ length: 30 }, (_, i) => ({
      path: `db/migration/V${i + 1}__change.sql`,
      content: `ALTER TABLE raw.orders ADD COLUMN x${i} int;\n`,
    }));
    const unproven = unprovenHistory(versions, [...versions, ...others]);
    expect([...unproven.keys()]).toEqual(['db/migration/V30__change.sql']);
    expect(Math.max(...others.map(f => f.reads))).toBeLessThanOrEqual(2);
  });
});

// Found by round 31c: anchors made to keep to their own line's blanks no
// longer took a byte-order mark, so a marked goose or dbmate migration was
// rewritten as live SQL (`SELECT amount_cents AS amount`), which fails when
// the history is replayed on a fresh database.
describe('a migration beginning with a byte-order mark', () => {
  it.each([
    ['sql/schema/001_orders.sql', '-- +goose Up\n'],
    ['sql/schema/20240101_orders.sql', '-- migrate:up\n'],
  ])('%s is history as it is without the mark', (path, header) => {
    const content = `\uFEFF${header}CREATE VIEW order_amounts AS SELECT amount FROM raw.orders;\n`;
    expect(migrationHistoryOf({ path, content })).toBeDefined();
    const { impact } = assessConsumer([{ path, content }], orders, renamed);
    expect(impact.files[0].status).not.toBe('rewritten');
  });
});
