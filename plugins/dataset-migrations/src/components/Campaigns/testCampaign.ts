import type {
  Campaign,
  CampaignPlan,
} from '@dataset-migrations/plugin-dataset-migrations-common';

/** A plan of three datasets: a canary of one, a wave of two; one skipped. */
export const plan = {
  document: {} as CampaignPlan['document'],
  waves: [
    {
      index: 1,
      kind: 'wave',
      datasets: [
        {
          entityRef: 'resource:default/orders',
          owner: 'group:default/payments',
          criticality: 'high',
          fromVersion: 3,
          targetVersion: 4,
          compatibility: 'breaking',
          consumers: 4,
          pullRequests: 3,
          upstream: ['resource:default/events'],
        },
        {
          entityRef: 'resource:default/refunds',
          owner: 'group:default/payments',
          criticality: 'medium',
          fromVersion: 1,
          targetVersion: 2,
          compatibility: 'full',
          consumers: 1,
          pullRequests: 1,
          upstream: [],
        },
      ],
      consumers: 5,
      pullRequests: 4,
    },
    {
      index: 0,
      kind: 'canary',
      datasets: [
        {
          entityRef: 'resource:default/events',
          title: 'Events',
          owner: 'group:default/data-platform',
          criticality: 'low',
          fromVersion: 1,
          targetVersion: 2,
          compatibility: 'forward',
          consumers: 2,
          pullRequests: 2,
          upstream: [],
        },
      ],
      consumers: 2,
      pullRequests: 2,
    },
  ],
  skipped: [
    {
      entityRef: 'resource:default/ledger',
      reason: 'has no primary key',
    },
  ],
  byOwner: [
    {
      owner: 'group:default/payments',
      datasets: 2,
      consumers: 5,
      pullRequests: 4,
    },
    {
      owner: 'group:default/data-platform',
      datasets: 1,
      consumers: 2,
      pullRequests: 2,
    },
  ],
  totals: { datasets: 3, consumers: 7, pullRequests: 6 },
} satisfies CampaignPlan;

/** A campaign paused after its canary, mid-way through wave 1. */
export function pausedCampaign(overrides: Partial<Campaign> = {}): Campaign {
  return {
    id: 'c1',
    name: 'rename-country',
    title: 'Rename country',
    owner: 'group:default/data-platform',
    deadline: '2027-03-31T00:00:00.000Z',
    state: 'paused',
    stateReason: 'wave 1: 1 of 2 failed, over 20%',
    createdBy: 'user:default/ada',
    createdAt: '2026-11-20T09:00:00.000Z',
    startedAt: '2026-11-20T10:00:00.000Z',
    counts: { datasets: 3, done: 1, failed: 1, rolledBack: 0 },
    document: {
      description: 'Every country field becomes country_code.',
    } as Campaign['document'],
    plan,
    waves: [
      {
        index: 0,
        kind: 'canary',
        state: 'healthy',
        datasets: 1,
        done: 1,
        failed: 0,
        rolledBack: 0,
      },
      {
        index: 1,
        kind: 'wave',
        state: 'failed',
        datasets: 2,
        done: 0,
        failed: 1,
        rolledBack: 0,
      },
    ],
    datasets: [
      {
        entityRef: 'resource:default/orders',
        wave: 1,
        position: 2,
        owner: 'group:default/payments',
        criticality: 'high',
        state: 'failed',
        migrationId: 'm-orders',
        migrationStatus: 'failed',
        reason: 'verification failed: "total", off by 2',
        startedAt: '2026-11-20T11:00:00.000Z',
        finishedAt: '2026-11-20T11:05:00.000Z',
        consumersMoved: 1,
        consumersOutstanding: 3,
      },
      {
        entityRef: 'resource:default/events',
        wave: 0,
        position: 1,
        owner: 'group:default/data-platform',
        criticality: 'low',
        state: 'migrated',
        migrationId: 'm-events',
        migrationStatus: 'succeeded',
        startedAt: '2026-11-20T10:00:00.000Z',
        finishedAt: '2026-11-20T10:02:00.000Z',
        consumersMoved: 2,
        consumersOutstanding: 0,
      },
      {
        entityRef: 'resource:default/refunds',
        wave: 1,
        position: 3,
        owner: 'group:default/payments',
        criticality: 'medium',
        state: 'pending',
        consumersMoved: 0,
        consumersOutstanding: 1,
      },
    ],
    burndown: [
      {
        at: '2026-11-20T10:00:00.000Z',
        datasetsOutstanding: 3,
        consumersOutstanding: 7,
      },
      {
        at: '2026-11-20T10:02:00.000Z',
        datasetsOutstanding: 2,
        consumersOutstanding: 4,
      },
    ],
    stuck: [
      {
        entityRef: 'resource:default/orders',
        migrationId: 'm-orders',
        kind: 'failed',
        detail: 'verification failed',
        since: '2026-11-20T11:05:00.000Z',
      },
    ],
    ...overrides,
  };
}
