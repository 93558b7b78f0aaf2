import type { ConsumerVerification } from '@dataset-migrations/plugin-dataset-migrations-common';
import { pullRequestBody } from '../pullRequestBody';
import { describeMismatches, withoutFigures } from './shadowCheck';

const FIGURES =
  'the original returned 1 rows (checksum -6831739021581989647), the rewrite 0 (checksum 0)';

describe('what a shadow check tells beyond who may see the dataset’s rows', () => {
  it('tells a mismatch as a difference, without counts or checksums, and no engine error', () => {
    const told = describeMismatches([
      { path: 'probe.sql', statement: 1, outcome: 'mismatch', detail: FIGURES },
      {
        path: 'probe.sql',
        statement: 2,
        outcome: 'mismatch',
        detail:
          'the check failed: invalid input syntax for type integer: "123-45-6789"',
      },
    ]);
    expect(told).toBe(
      'probe.sql statement 1: the original and the rewrite returned different results; its counts, checksums and sample rows are in its shadow checks; probe.sql statement 2: the check failed; its error is in its shadow checks',
    );
    expect(told).not.toMatch(/6831739021581989647|123-45/);
  });

  it('leaves the figures out of a failure recorded with them, and nothing else', () => {
    expect(
      withoutFigures(`q.sql statement 3: ${FIGURES}; 1 sample rows…`),
    ).toBe(
      'q.sql statement 3: the original and the rewrite returned different results; 1 sample rows…',
    );
    expect(withoutFigures('no repository in the catalog')).toBe(
      'no repository in the catalog',
    );
  });

  it('writes no count or checksum into the pull request, which the consumer’s repository shows', () => {
    const verification: ConsumerVerification = {
      patchedBy: 'rewriter',
      shadowChecks: [
        {
          path: 'top.sql',
          statement: 1,
          outcome: 'match',
          before: { rows: 100, checksum: '23769196695873092003' },
          after: { rows: 100, checksum: '23769196695873092003' },
        },
        {
          path: 'mine.sql',
          statement: 1,
          outcome: 'skipped',
          detail: 'it cannot run here: relation "x4" does not exist',
        },
        {
          path: 'mine.sql',
          statement: 2,
          outcome: 'skipped',
          detail: 'uses dbt Jinja other than the dataset’s source() or ref()',
        },
      ],
    };
    const body = pullRequestBody({
      datasetRef: 'resource:default/listening-events',
      fromVersion: 1,
      targetVersion: 2,
      migrationId: 'm1',
      changes: [],
      impact: { status: 'affected', fields: [], files: [] },
      verification,
    });
    expect(body).toContain(
      '- Shadow check `top.sql` statement 1: match (the same rows on both versions)',
    );
    // PostgreSQL's words may name what the rows made ('x' || …)::regclass.
    expect(body).toContain(
      "- Shadow check `mine.sql` statement 1: skipped — it cannot run here: PostgreSQL refused it (the migration's run says why, to who may see the dataset's rows)",
    );
    expect(body).toContain(
      '- Shadow check `mine.sql` statement 2: skipped — uses dbt Jinja other than the dataset’s source() or ref()',
    );
    expect(body).not.toMatch(/23769196695873092003|100 rows|x4/);
  });
});
