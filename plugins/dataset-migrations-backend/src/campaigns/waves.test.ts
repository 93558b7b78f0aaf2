import type {
  CampaignPlannedDataset,
  Criticality,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { assignWaves, startOrder, waveSizeOf } from './waves';

function planned(
  name: string,
  options: {
    criticality?: Criticality;
    consumers?: number;
    upstream?: string[];
  } = {},
): CampaignPlannedDataset {
  return {
    entityRef: name,
    criticality: options.criticality ?? 'medium',
    fromVersion: 1,
    targetVersion: 2,
    compatibility: 'breaking',
    consumers: options.consumers ?? 0,
    pullRequests: 0,
    upstream: options.upstream ?? [],
  };
}

const names = (datasets: CampaignPlannedDataset[]) =>
  datasets.map(d => d.entityRef);

describe('campaign order and waves', () => {
  it('orders by lineage, then criticality, then fewest consumers, then ref', () => {
    const order = startOrder([
      planned('d', { criticality: 'critical' }),
      planned('c', { criticality: 'low', consumers: 3 }),
      planned('b', { criticality: 'low', consumers: 1 }),
      planned('a', { criticality: 'low', consumers: 1 }),
      planned('derived', { criticality: 'low', upstream: ['d'] }),
    ]);
    expect(names(order)).toEqual(['a', 'b', 'c', 'd', 'derived']);
  });

  it('breaks a lineage cycle at one of its datasets, deterministically, and never loops', () => {
    // x waits on a; a and b wait on each other. The cycle is broken at a (x's
    // wait is kept), and x, less critical than b, follows a at once.
    const datasets = [
      planned('x', { criticality: 'low', upstream: ['a'] }),
      planned('a', { criticality: 'high', upstream: ['b'] }),
      planned('b', { criticality: 'critical', upstream: ['a'] }),
    ];
    const ordered = startOrder(datasets);
    const order = names(ordered);
    expect(order).toEqual(['a', 'x', 'b']);
    expect(names(startOrder([...datasets].reverse()))).toEqual(order);
    // a no longer waits for b, which starts after it (the runner would wait for
    // ever, b waiting for a); the other waits stand.
    expect(ordered.map(d => [d.entityRef, d.upstream])).toEqual([
      ['a', []],
      ['x', ['a']],
      ['b', ['a']],
    ]);
    // Only cycles: the canary is still a dataset, and every dataset is placed once.
    const waves = assignWaves(
      [planned('p', { upstream: ['q'] }), planned('q', { upstream: ['p'] })],
      { canary: { datasets: 1 }, waveSize: 1 },
    );
    expect(waves.map(w => names(w.datasets))).toEqual([['p'], ['q']]);
    expect(waves.map(w => w.datasets[0].upstream)).toEqual([[], ['p']]);
  });

  it('ignores upstreams that are not selected, and a dataset naming itself', () => {
    const waves = assignWaves(
      [planned('a', { upstream: ['elsewhere', 'a'] }), planned('b')],
      { canary: { datasets: 1 }, waveSize: '100%' },
    );
    expect(waves.map(w => names(w.datasets))).toEqual([['a'], ['b']]);
  });

  it('sizes waves by count or by percent of the selection, rounded up, at least one', () => {
    expect(waveSizeOf(3, 100)).toBe(3);
    expect(waveSizeOf('25%', 10)).toBe(3);
    expect(waveSizeOf('1%', 5)).toBe(1);
    expect(waveSizeOf('100%', 7)).toBe(7);
  });
});
