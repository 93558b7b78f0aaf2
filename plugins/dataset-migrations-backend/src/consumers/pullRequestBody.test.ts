import type { DatasetField } from '@dataset-migrations/plugin-dataset-migrations-common';
import { pullRequestBody } from './pullRequestBody';
import { boundedCastBacks, consumerMapping } from './sql/fieldMapping';

const fields: DatasetField[] = [
  { name: 'id', type: 'integer', nullable: false, primaryKey: true },
  {
    name: 'status',
    type: 'character varying(20)',
    nullable: true,
    primaryKey: false,
  },
  { name: 'price', type: 'numeric(10,2)', nullable: true, primaryKey: false },
  { name: 'qty', type: 'integer', nullable: true, primaryKey: false },
];

const bodyFor = (
  changes: Parameters<typeof consumerMapping>[1],
  read: string[],
) =>
  pullRequestBody({
    datasetRef: 'resource:default/orders',
    fromVersion: 1,
    targetVersion: 2,
    migrationId: 'm1',
    changes,
    impact: { status: 'affected', fields: read, files: [] },
    verification: { patchedBy: 'rewriter', shadowChecks: [] },
    castBack: boundedCastBacks(consumerMapping(fields, changes)),
  });

describe("a pull request's body", () => {
  // Round 31b: `WHERE CAST(status AS varchar(20)) = 'awaiting_customer_confirmation'`
  // matched nothing once the contracted text column held the whole value.
  it('tells the owner that a cast back to a bounded type cuts values short after contract', () => {
    const body = bodyFor(
      [
        { changeType: { field: 'status', type: 'text' } },
        { changeType: { field: 'price', type: 'numeric' } },
      ],
      ['status', 'price'],
    );
    expect(body).toContain(
      '**After contract:** `status` is read cast back to character varying(20)',
    );
    expect(body).toContain(
      '**After contract:** `price` is read cast back to numeric(10,2)',
    );
    expect(body).toMatch(/this cast cuts a longer text short without an error/);
    expect(body).toMatch(
      /this cast rounds away extra decimals without an error/,
    );
  });

  it('says nothing of a field the consumer does not read, nor of a widening read as it is', () => {
    expect(
      bodyFor([{ changeType: { field: 'status', type: 'text' } }], ['qty']),
    ).not.toContain('After contract');
    expect(
      bodyFor([{ changeType: { field: 'qty', type: 'bigint' } }], ['qty']),
    ).not.toContain('After contract');
    // Nor of a bound the new type does not lift: a cast of an integer's
    // digits to varchar(20) cuts nothing (found by a review).
    expect(
      bodyFor(
        [{ changeType: { field: 'status', type: 'integer' } }],
        ['status'],
      ),
    ).not.toContain('After contract');
  });
});
