import path from 'node:path';
import type { Knex } from 'knex';
import { createTestDatabases } from '../../../__testUtils__/testDatabases';
import { loadSqlParser } from '../../../sql/sqlParser';
import {
  countOutcomes,
  proveSource,
  type CorpusSource,
  type FileOutcome,
} from './proveCorpus';

/**
 * SQL written by others (see README.md here), each file run before and after each
 * migration on real Postgres. A rewrite that reads anything else than the
 * original did, or a file called unaffected that breaks, fails this test.
 */
const SOURCES: CorpusSource[] = [
  {
    name: 'tpch',
    dir: path.join(__dirname, 'tpch'),
    migrations: [
      {
        name: 'orders.o_custkey renamed to the key it references (c_custkey)',
        dataset: 'orders',
        changes: [{ renameField: { from: 'o_custkey', to: 'c_custkey' } }],
      },
      {
        name: 'lineitem.l_orderkey renamed to the key it references (o_orderkey)',
        dataset: 'lineitem',
        changes: [{ renameField: { from: 'l_orderkey', to: 'o_orderkey' } }],
      },
      {
        name: 'partsupp.ps_suppkey renamed to the key it references (s_suppkey)',
        dataset: 'partsupp',
        changes: [{ renameField: { from: 'ps_suppkey', to: 's_suppkey' } }],
      },
      {
        name: 'nation.n_regionkey renamed to the key it references (r_regionkey)',
        dataset: 'nation',
        changes: [{ renameField: { from: 'n_regionkey', to: 'r_regionkey' } }],
      },
      {
        name: 'orders.o_shippriority widened integer -> bigint',
        dataset: 'orders',
        changes: [{ changeType: { field: 'o_shippriority', type: 'bigint' } }],
      },
      {
        name: 'part.p_size widened integer -> numeric',
        dataset: 'part',
        changes: [{ changeType: { field: 'p_size', type: 'numeric' } }],
      },
      {
        name: 'lineitem.l_quantity widened numeric(15,2) -> numeric',
        dataset: 'lineitem',
        changes: [{ changeType: { field: 'l_quantity', type: 'numeric' } }],
      },
      {
        name: 'customer.c_acctbal retyped numeric(15,2) -> double precision',
        dataset: 'customer',
        changes: [
          { changeType: { field: 'c_acctbal', type: 'double precision' } },
        ],
      },
      {
        name: 'supplier.s_comment dropped',
        dataset: 'supplier',
        changes: [{ dropField: { name: 's_comment' } }],
      },
      {
        name: 'orders gains o_channel (SELECT * in EXISTS)',
        dataset: 'orders',
        changes: [
          { addField: { name: 'o_channel', type: 'text', default: "'web'" } },
        ],
      },
      {
        name: 'nation.n_name renamed to name, part.p_name untouched',
        dataset: 'nation',
        changes: [{ renameField: { from: 'n_name', to: 'nation_name' } }],
      },
      {
        name: 'customer renamed to customers',
        dataset: 'customer',
        changes: [],
        renameTo: 'customers',
      },
    ],
  },
  {
    name: 'jaffle_shop',
    dir: path.join(__dirname, 'jaffle_shop'),
    migrations: [
      {
        name: 'raw_orders.user_id renamed to customer_id',
        dataset: 'raw_orders',
        changes: [{ renameField: { from: 'user_id', to: 'customer_id' } }],
      },
      {
        name: 'raw_customers.first_name renamed to given_name',
        dataset: 'raw_customers',
        changes: [{ renameField: { from: 'first_name', to: 'given_name' } }],
      },
      {
        name: 'raw_payments.amount widened integer -> bigint',
        dataset: 'raw_payments',
        changes: [{ changeType: { field: 'amount', type: 'bigint' } }],
      },
      {
        name: 'raw_payments.amount widened integer -> numeric (amount / 100)',
        dataset: 'raw_payments',
        changes: [{ changeType: { field: 'amount', type: 'numeric' } }],
      },
      {
        name: 'raw_orders.id retyped integer -> text',
        dataset: 'raw_orders',
        changes: [{ changeType: { field: 'id', type: 'text' } }],
      },
      {
        name: 'raw_customers.id widened integer -> bigint',
        dataset: 'raw_customers',
        changes: [{ changeType: { field: 'id', type: 'bigint' } }],
      },
      {
        name: 'raw_orders.order_date retyped date -> timestamp',
        dataset: 'raw_orders',
        changes: [{ changeType: { field: 'order_date', type: 'timestamp' } }],
      },
      {
        name: 'raw_customers.last_name dropped',
        dataset: 'raw_customers',
        changes: [{ dropField: { name: 'last_name' } }],
      },
      {
        name: 'raw_orders gains channel (SELECT *)',
        dataset: 'raw_orders',
        changes: [
          { addField: { name: 'channel', type: 'text', default: "'web'" } },
        ],
      },
      {
        name: 'raw_payments renamed to payments_raw',
        dataset: 'raw_payments',
        changes: [],
        renameTo: 'payments_raw',
      },
    ],
  },
];

describe('the rewrite corpus (SQL written by others, proven on Postgres)', () => {
  const { init } = createTestDatabases();
  let db: Knex;

  beforeAll(async () => {
    await loadSqlParser();
    db = await init();
  }, 120_000);

  it('rewrites nothing wrong and calls nothing unaffected that breaks', async () => {
    const outcomes: FileOutcome[] = [];
    for (const source of SOURCES)
      outcomes.push(...(await proveSource(db, source)));
    const lines = SOURCES.map(source => {
      const counts = countOutcomes(
        outcomes.filter(o => o.source === source.name),
      );
      return `${source.name}: ${JSON.stringify(counts)}`;
    });
    const bad = outcomes.filter(
      o => o.outcome === 'wrong' || o.outcome === 'unaffected-but-broken',
    );
    const notes = outcomes
      .filter(o => o.outcome !== 'correct' && o.outcome !== 'unaffected')
      .map(
        o => `${o.outcome} ${o.source} [${o.migration}] ${o.path}: ${o.detail}`,
      );
    // eslint-disable-next-line no-console
    console.log(['Rewrite corpus', ...lines, ...notes].join('\n'));
    expect(bad).toEqual([]);
    // Every query the corpus proves reads rows on the old layout.
    const proven = outcomes.filter(o => o.rows !== undefined);
    expect(proven.filter(o => o.rows === 0).map(o => o.path)).toEqual([]);
    expect(
      outcomes.filter(o => o.outcome === 'correct').length,
    ).toBeGreaterThan(0);
  }, 120_000);
});
