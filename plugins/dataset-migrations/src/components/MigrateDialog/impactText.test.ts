import type { ImpactPreview } from '@dataset-migrations/plugin-dataset-migrations-common';
import { describeImpact } from './impactText';

const none: ImpactPreview['byStatus'] = {
  unaffected: 0,
  affected: 0,
  'needs-decision': 0,
  unparseable: 0,
  'no-repository': 0,
  'repository-not-registered': 0,
  unreachable: 0,
  'behind-previous-version': 0,
  'assessment-stopped': 0,
};

describe('describeImpact', () => {
  it('names only the statuses some consumer is in, worst first', () => {
    expect(
      describeImpact({
        consumers: 4,
        byStatus: { ...none, affected: 2, 'needs-decision': 1, unaffected: 1 },
        affected: [],
      }),
    ).toBe(
      '4 consumers read this dataset: 2 affected, 1 needs a decision, 1 unaffected.',
    );
  });

  it('counts consumers behind an earlier migration apart from the unaffected', () => {
    expect(
      describeImpact({
        consumers: 3,
        byStatus: { ...none, 'behind-previous-version': 1, unaffected: 2 },
        affected: [],
      }),
    ).toBe(
      '3 consumers read this dataset: 1 still behind an earlier migration, 2 unaffected.',
    );
  });

  it('says which consumers could not be read, and why', () => {
    expect(
      describeImpact({
        consumers: 3,
        byStatus: {
          ...none,
          'needs-decision': 2,
          'no-repository': 1,
        },
        affected: [],
      }),
    ).toBe(
      '3 consumers read this dataset: 2 need a decision, 1 without a repository.',
    );
    expect(
      describeImpact({
        consumers: 1,
        byStatus: { ...none, unreachable: 1 },
        affected: [],
      }),
    ).toBe('1 consumer reads this dataset: 1 with an unreachable repository.');
    expect(
      describeImpact({
        consumers: 2,
        byStatus: { ...none, 'assessment-stopped': 1, affected: 1 },
        affected: [],
      }),
    ).toBe(
      '2 consumers read this dataset: 1 affected, 1 whose code could not be read within its limits (not known).',
    );
    expect(
      describeImpact({
        consumers: 3,
        byStatus: { ...none, 'repository-not-registered': 2, unaffected: 1 },
        affected: [],
      }),
    ).toBe(
      '3 consumers read this dataset: 2 not registered from the repositories they name, 1 unaffected.',
    );
  });

  it('says so when nothing reads the dataset', () => {
    expect(describeImpact({ consumers: 0, byStatus: none, affected: [] })).toBe(
      'No consumers read this dataset.',
    );
  });
});
