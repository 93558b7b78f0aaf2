import { campaignDocumentSchema } from '@dataset-migrations/plugin-dataset-migrations-common';
import type { CampaignRunDataset } from '../database/CampaignStore';
import {
  policyTrip,
  stateFromMigration,
  upstreamHold,
  waveRollbackInWords,
} from './CampaignRunner';

const policy = (overrides: object = {}) =>
  campaignDocumentSchema.shape.rollout.parse({ failurePolicy: overrides })
    .failurePolicy;

function dataset(
  overrides: Partial<CampaignRunDataset> = {},
): CampaignRunDataset {
  return {
    entityRef: 'resource:default/a',
    wave: 1,
    position: 0,
    state: 'migrating',
    targetVersion: 2,
    starterMayStart: true,
    starterMayApprove: false,
    upstream: [],
    starterMayContract: false,
    starterMayRollBack: false,
    consumersMoving: 0,
    consumersUnchecked: 0,
    migrationId: 'm1',
    migrationStatus: 'running',
    contracted: false,
    ...overrides,
  };
}

describe('the failure policy', () => {
  const wave = { index: 1, kind: 'wave' as const, failuresAccepted: 0 };
  const states = (...list: CampaignRunDataset['state'][]) =>
    list.map((state, position) => ({ state, position }));

  it('trips on a failed share over maxFailureRate of the wave, saying exactly why', () => {
    expect(
      policyTrip(
        { index: 0, kind: 'canary', failuresAccepted: 0 },
        states('failed'),
        policy(),
      ),
    ).toBe('wave 0 (canary): 1 of 1 failed (100% > 20%)');
    // 1 of 5 is 20%: not over 20%.
    expect(
      policyTrip(
        wave,
        states('failed', 'migrated', 'migrated', 'pending', 'pending'),
        policy(),
      ),
    ).toBeUndefined();
    expect(
      policyTrip(wave, states('failed', 'migrated', 'rolled-back'), policy()),
    ).toBe('wave 1: 2 of 3 failed (66.7% > 20%)');
  });

  it('counts the share of the datasets the wave tried: skipped ones never ran', () => {
    // 1 of 10 would be 10%; of the 2 that ran, 1 failed.
    expect(
      policyTrip(
        wave,
        states('failed', 'migrated', ...Array(8).fill('skipped')),
        policy(),
      ),
    ).toBe('wave 1: 1 of 2 failed (50% > 20%)');
  });

  it('trips on maxConsecutiveFailures in a row in start order, skipping what has not finished', () => {
    const wide = policy({ maxFailureRate: 0.9, maxConsecutiveFailures: 2 });
    expect(
      policyTrip(
        wave,
        states('failed', 'migrated', 'failed', 'migrating', 'failed'),
        wide,
      ),
    ).toBe('wave 1: 2 failed in a row (limit 2)');
    expect(
      policyTrip(wave, states('failed', 'migrated', 'failed', 'pending'), wide),
    ).toBeUndefined();
  });

  it('trips again only on failures beyond those a person accepted by resuming', () => {
    expect(
      policyTrip(
        { ...wave, failuresAccepted: 1 },
        states('failed', 'migrated'),
        policy(),
      ),
    ).toBeUndefined();
    expect(
      policyTrip(
        { ...wave, failuresAccepted: 1 },
        states('failed', 'failed'),
        policy(),
      ),
    ).toBe('wave 1: 2 of 2 failed (100% > 20%)');
  });
});

describe('what rolling a wave back does, in words', () => {
  const succeeded = (
    name: string,
    overrides: Partial<CampaignRunDataset> = {},
  ) =>
    dataset({
      entityRef: `resource:default/${name}`,
      state: 'migrated',
      migrationStatus: 'succeeded',
      starterMayRollBack: true,
      ...overrides,
    });

  it('counts the rollbacks the campaign asks apart from the failures, and says what it leaves, waits for and skips', () => {
    const run = {
      startedBy: 'user:default/starter',
      datasets: [
        succeeded('a'),
        // Failed for a consumer: its migration succeeded, and is rolled back.
        succeeded('b', { state: 'failed' }),
        succeeded('c', { starterMayRollBack: false }),
        succeeded('d', { contracted: true, state: 'contracted' }),
        dataset({
          entityRef: 'resource:default/e',
          state: 'failed',
          migrationStatus: 'failed',
        }),
        dataset({ entityRef: 'resource:default/f' }),
        dataset({
          entityRef: 'resource:default/g',
          state: 'pending',
          migrationId: undefined,
          migrationStatus: undefined,
        }),
        dataset({
          entityRef: 'resource:default/h',
          state: 'pending',
          migrationId: undefined,
          migrationStatus: undefined,
        }),
        succeeded('other-wave', { wave: 0 }),
      ],
    };
    expect(waveRollbackInWords(run, 1)).toBe(
      'the wave is rolled back: the campaign rolls back 2 succeeded migrations, leaves 1 succeeded to its owners (its starter may not roll it back), waits for 1 migration still running, skips 2 not started',
    );
    expect(
      waveRollbackInWords(
        {
          startedBy: 'user:default/starter',
          datasets: [dataset({ state: 'failed', migrationStatus: 'failed' })],
        },
        1,
      ),
    ).toBe(
      'the wave is rolled back: the campaign rolls back no migration (none of its own had succeeded)',
    );
  });

  it('says, at a look after the trip, what is rolled back by then, what is still asked, and the datasets the trip skipped', () => {
    const notStarted = (name: string) =>
      dataset({
        entityRef: `resource:default/${name}`,
        state: 'skipped',
        migrationId: undefined,
        migrationStatus: undefined,
      });
    const rolledBack = (name: string) =>
      succeeded(name, { state: 'rolled-back', migrationStatus: 'rolled-back' });
    const datasets = [
      rolledBack('a'),
      succeeded('b'),
      dataset({
        entityRef: 'resource:default/e',
        state: 'failed',
        migrationStatus: 'failed',
      }),
      notStarted('g'),
      notStarted('h'),
    ];
    const starter = 'user:default/starter';
    expect(waveRollbackInWords({ startedBy: starter, datasets }, 1)).toBe(
      'the wave is rolled back: 1 migration rolled back, the campaign rolls back 1 succeeded migration, skips 2 not started',
    );
    // Every rollback done: none is said to be still asked.
    expect(
      waveRollbackInWords(
        {
          startedBy: starter,
          datasets: [rolledBack('a'), rolledBack('b'), notStarted('g')],
        },
        1,
      ),
    ).toBe(
      'the wave is rolled back: 2 migrations rolled back, skips 1 not started',
    );
  });
});

describe("a dataset's state from its migration", () => {
  it('follows the status, and counts a consumer failing verification as a failure when the policy says so', () => {
    expect(stateFromMigration(dataset(), true)).toEqual({ state: 'migrating' });
    expect(
      stateFromMigration(
        dataset({ migrationStatus: 'failed', migrationFailure: 'boom' }),
        true,
      ),
    ).toEqual({ state: 'failed', reason: 'migration m1 failed' });
    // A rejection's reason is a person's words, not the engine's: kept.
    expect(
      stateFromMigration(
        dataset({
          migrationStatus: 'rejected',
          migrationFailure: 'use a view',
        }),
        true,
      ),
    ).toEqual({
      state: 'failed',
      reason: 'migration m1 was rejected: use a view',
    });
    expect(
      stateFromMigration(dataset({ migrationStatus: 'rejected' }), true),
    ).toEqual({ state: 'failed', reason: 'migration m1 was rejected' });
    expect(
      stateFromMigration(dataset({ migrationStatus: 'rolled-back' }), true),
    ).toEqual({ state: 'rolled-back', reason: 'migration m1 was rolled back' });
    const shadowFailed = dataset({
      migrationStatus: 'succeeded',
      consumerFailure: 'component:default/x (shadow-mismatch)',
    });
    expect(stateFromMigration(shadowFailed, true)).toEqual({
      state: 'failed',
      reason:
        'migration m1 succeeded, but consumer component:default/x (shadow-mismatch) failed',
    });
    expect(stateFromMigration(shadowFailed, false)).toEqual({
      state: 'migrated',
    });
    expect(
      stateFromMigration(
        dataset({ migrationStatus: 'succeeded', contracted: true }),
        true,
      ),
    ).toEqual({ state: 'contracted' });
  });
});

describe('a dataset derived from another of the campaign', () => {
  const hold = (
    d: Pick<CampaignRunDataset, 'upstream'>,
    datasets: CampaignRunDataset[],
  ) => upstreamHold(d, new Map(datasets.map(x => [x.entityRef, x])));
  const up = (overrides: Partial<CampaignRunDataset>) =>
    dataset({ entityRef: 'resource:default/up', ...overrides });
  const down = dataset({
    entityRef: 'resource:default/down',
    state: 'pending',
    upstream: ['resource:default/up'],
  });

  it('waits while its upstream is still to move', () => {
    for (const state of ['pending', 'migrating'] as const)
      expect(
        hold(down, [
          up({
            state,
            migrationStatus: state === 'pending' ? undefined : 'running',
          }),
        ]),
      ).toBe('wait');
  });

  it('starts once its upstream’s migration succeeded, or when the upstream is not in the campaign', () => {
    expect(
      hold(down, [up({ state: 'migrated', migrationStatus: 'succeeded' })]),
    ).toBeUndefined();
    expect(hold(down, [])).toBeUndefined();
  });

  it('is skipped, saying why, when its upstream ended without succeeding', () => {
    expect(
      hold(down, [
        up({ state: 'failed', migrationId: 'm9', migrationStatus: 'failed' }),
      ]),
    ).toBe(
      'its upstream resource:default/up did not migrate (failed, migration m9 failed)',
    );
    expect(
      hold(down, [
        up({
          state: 'skipped',
          migrationId: undefined,
          migrationStatus: undefined,
        }),
      ]),
    ).toBe('its upstream resource:default/up did not migrate (skipped)');
  });
});
