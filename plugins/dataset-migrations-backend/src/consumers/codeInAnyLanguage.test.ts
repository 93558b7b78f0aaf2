import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DatasetField } from '@dataset-migrations/plugin-dataset-migrations-common';
import { createRepository } from '../__testUtils__/gitRepos';
import { LocalGitRepositoryReader } from './repositories/LocalGitRepositoryReader';
import { LocalRepositoryRoots } from './repositories/LocalRepositoryRoots';
import { assessConsumer } from './impact';
import { consumerMapping } from './sql/fieldMapping';
import { loadSqlParser } from '../sql/sqlParser';

/**
 * A consumer's code in whatever language it is written in reaches the rules
 * that read it. Until 2026-12-07 the repository readers passed on SQL, Python,
 * YAML, JVM, TypeScript, JavaScript, R and notebooks only: a service in Go,
 * Ruby, PHP or C#, or a Makefile running psql, was never seen, and a consumer
 * made of them was said unaffected by a field dropped under its queries.
 */
const fields: DatasetField[] = [
  { name: 'id', type: 'bigint', nullable: false, primaryKey: true },
  { name: 'customer', type: 'text', nullable: false, primaryKey: false },
  { name: 'amount', type: 'integer', nullable: false, primaryKey: false },
];
const orders = {
  schema: 'public',
  table: 'orders',
  fields: fields.map(f => f.name),
};
const dropAmount = consumerMapping(fields, [{ dropField: { name: 'amount' } }]);
const renameAmount = consumerMapping(fields, [
  { renameField: { from: 'amount', to: 'amount_cents' } },
]);

const services: Record<string, string> = {
  'cmd/totals/main.go':
    'rows, err := db.Query("SELECT customer, amount FROM orders WHERE id > $1", after)\n',
  'app/jobs/refund_job.rb':
    'conn.exec_params("UPDATE orders SET amount = 0 WHERE id = $1", [id])\n',
  'src/Report.php':
    '$rows = $pdo->query("SELECT customer, amount FROM orders")->fetchAll();\n',
  'app/views/orders/index.rss.builder':
    'xml.amount connection.select_value("SELECT sum(amount) FROM orders")\n',
  'src/services/product-bundle.js':
    'const q = "SELECT customer, amount FROM orders";\n',
  'Reports/Totals.cs':
    'var cmd = new NpgsqlCommand("SELECT sum(amount) FROM orders", conn);\n',
  'lib/totals.ex':
    'Repo.query!("SELECT customer, amount FROM orders WHERE id = $1", [id])\n',
  'src/main.rs':
    'let rows = client.query("SELECT customer, amount FROM orders", &[])?;\n',
  Makefile:
    'totals:\n\tpsql "$$DATABASE_URL" -c "SELECT customer, amount FROM orders"\n',
  Jenkinsfile:
    'sh \'psql "$DATABASE_URL" -c "SELECT customer, amount FROM orders"\'\n',
  'grafana/orders.json':
    '{"targets": [{"rawSql": "SELECT customer, amount FROM orders"}]}\n',
};
const notCode: Record<string, string> = {
  'README.md': 'Reads `SELECT customer, amount FROM orders` every night.\n',
  'fixtures/orders.csv': 'id,customer,amount\n1,ada,10\n',
  'package-lock.json': '{"name": "orders", "amount": 1}\n',
  'pnpm-lock.yaml': 'orders: {amount: 1}\n',
  'vendor/github.com/acme/orm/query.go': 'q := "SELECT amount FROM orders"\n',
  'web/dist/app.bundle.js': 'const q = "SELECT amount FROM orders";\n',
  // dbt's artifacts (a probe, round 37).
  'docs/manifest.json':
    '{"nodes": {"model.shop.m": {"compiled_code": "select customer, amount from orders\\n-- c\\ngroup by 1"}}}\n',
  'target/compiled/shop/models/m.sql': 'select customer, amount from orders\n',
};

describe('a consumer written in any language', () => {
  let work: string;
  let url: string;
  const reader = () =>
    new LocalGitRepositoryReader(new LocalRepositoryRoots([work]));

  beforeAll(async () => {
    await loadSqlParser();
    work = mkdtempSync(join(tmpdir(), 'dsm-any-language-'));
    url = pathToFileURL(
      createRepository(join(work, 'billing'), { ...services, ...notCode }),
    ).href;
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('is read whole, code and configuration, not its documentation, data or lock files', async () => {
    const { files } = await reader().read(url);
    expect(files.map(f => f.path).sort()).toEqual(Object.keys(services).sort());
  });

  it.each([
    ['a dropped field', dropAmount],
    ['a renamed field', renameAmount],
  ])(
    'has each of its files that read %s looked at, and is not said unaffected',
    async (_, mapping) => {
      const { files } = await reader().read(url);
      const { impact, results } = assessConsumer(files, orders, mapping);
      expect(impact.status).not.toBe('unaffected');
      for (const path of Object.keys(services))
        expect(results.find(r => r.path === path)?.status).toMatch(
          /^(?:needs-decision|unparseable|rewritten)$/,
        );
    },
  );
});

describe('a consumer file larger than the rewriter reads', () => {
  // Past 1 MiB the readers left a file out, and a consumer whose only reader
  // of a dropped field was such a file was said unaffected.
  const filler = `-- ${'x'.repeat(70)}\n`.repeat(16_000);
  let work: string;
  let url: string;

  beforeAll(async () => {
    await loadSqlParser();
    work = mkdtempSync(join(tmpdir(), 'dsm-large-file-'));
    url = pathToFileURL(
      createRepository(join(work, 'reports'), {
        'reports/generated.sql': `${filler}SELECT customer, amount FROM orders;\n`,
        'reports/other.sql': `${filler}SELECT name FROM customers;\n`,
      }),
    ).href;
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('counts its size in bytes, as the readers do', () => {
    // 600,000 characters of two and three bytes: 1.4 MiB.
    const wide = `-- ${'é'.repeat(300_000)}${'日'.repeat(
      300_000,
    )}\nSELECT customer, amount FROM orders;\n`;
    expect(wide.length).toBeLessThan(1024 * 1024);
    const { impact, results } = assessConsumer(
      [{ path: 'reports/wide.sql', content: wide }],
      orders,
      dropAmount,
    );
    expect(impact.status).toBe('needs-decision');
    expect(results[0].impact.problem?.message).toMatch(/is 1\.4 MiB/);
  });

  it('goes to a person where it names the dataset, and is left out where it does not', async () => {
    const { files } = await new LocalGitRepositoryReader(
      new LocalRepositoryRoots([work]),
    ).read(url);
    expect(files.every(f => f.content.length > 1024 * 1024)).toBe(true);
    const { impact, results } = assessConsumer(files, orders, dropAmount);
    expect(impact.status).toBe('needs-decision');
    expect(results.map(r => r.path)).toEqual(['reports/generated.sql']);
    expect(results[0].impact.problem?.message).toMatch(
      /names orders and is 1\.\d MiB, more than the 1 MiB the rewriter reads/,
    );
  });
});
