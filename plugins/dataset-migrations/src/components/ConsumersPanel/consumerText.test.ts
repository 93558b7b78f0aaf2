import {
  emptyConsumerStateCounts,
  type ConsumerLedger,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { formatFileLines, formatLines, settledShare } from './consumerText';

describe('formatLines', () => {
  it('folds consecutive lines into ranges and drops repeats', () => {
    expect(formatLines([9, 3, 4, 5, 4, 12])).toBe('3-5,9,12');
    expect(formatLines([])).toBe('');
  });
});

describe('formatFileLines', () => {
  it('names the file with its lines, or alone', () => {
    const file = {
      path: 'models/plays.sql',
      status: 'rewritten' as const,
      fields: ['country'],
    };
    expect(formatFileLines({ ...file, lines: [3, 7] })).toBe(
      'models/plays.sql:3,7',
    );
    expect(formatFileLines({ ...file, lines: [] })).toBe('models/plays.sql');
  });
});

describe('settledShare', () => {
  it('counts unaffected and done consumers as settled, failed ones not, over every consumer (not the page)', () => {
    const ledger = {
      migrationId: 'm1',
      counts: {
        discovered: 0,
        unaffected: 1,
        patched: 0,
        verified: 0,
        'pr-opened': 1,
        merged: 0,
        done: 1,
        failed: 1,
      },
      // A page of one: the share is still of all four.
      consumers: [{}],
    } as ConsumerLedger;
    expect(settledShare(ledger)).toBe(50);
    expect(
      settledShare({ ...ledger, counts: emptyConsumerStateCounts() }),
    ).toBe(100);
  });
});
