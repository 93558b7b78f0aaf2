import { setTimeout as sleep } from 'node:timers/promises';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  CAMPAIGN_SIGNAL_CHANNEL,
  DATASET_MIGRATIONS_SIGNAL_CHANNEL,
  type Migration,
  type MigrationStatus,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  BackstageMigrationAnnouncer,
  campaignScope,
  consumerScope,
  consumersScope,
  migrationLink,
  migrationScope,
  NOTIFICATION_TOPICS,
} from './BackstageMigrationAnnouncer';

const ID = '6a0c7d52-0a49-4a3e-9f43-3f0c4a1f2a11';
const DATASET = 'resource:default/events';
const REQUESTER = 'user:default/alice';
const OWNER_MEMBER = 'user:default/olivia';
const PLAYER = 'component:default/player';
const CAMPAIGN = '0b6a3c1e-2f0d-4c8e-9a51-2a7f0d6b9c22';
const NOTICE_WINDOW_MS = 200;

function migration(
  status: MigrationStatus = 'running',
  dryRun = false,
  campaign?: Migration['campaign'],
): Migration {
  return {
    ...(campaign ? { campaign } : {}),
    id: ID,
    entityRef: DATASET,
    status,
    fromVersion: 1,
    targetVersion: 2,
    dryRun,
    changes: [],
    requestedBy: REQUESTER,
    attempts: 1,
    retriedAtAttempt: 0,
    cancelRequested: false,
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:00:00.000Z',
    datasetOwner: 'group:default/data',
  };
}

const created: BackstageMigrationAnnouncer[] = [];
afterEach(async () => {
  await Promise.all(created.splice(0).map(a => a.close()));
});

function setup(
  overrides: {
    send?: jest.Mock;
    signalIntervalMs?: number;
    status?: () => MigrationStatus;
    dryRun?: boolean;
    /** Reads of the run that fail (a lost connection) before one succeeds. */
    failedReads?: number;
    campaign?: Migration['campaign'];
    retryDelaysMs?: number[];
  } = {},
) {
  const logger = {
    error: jest.fn(),
    warn: jest.fn(),
    info: jest.fn(),
    debug: jest.fn(),
    child: jest.fn(),
  } satisfies LoggerService;
  const send = overrides.send ?? jest.fn(async (_: any) => {});
  const publishSignal = jest.fn(async (_: any) => {});
  const publishEvent = jest.fn(async (_: any) => {});
  const reads = jest.fn();
  let failedReads = overrides.failedReads ?? 0;
  const announcer = new BackstageMigrationAnnouncer({
    migrations: {
      listMigrations: async ({ ids }) => {
        reads(ids);
        if (failedReads-- > 0) throw new Error('connection terminated');
        return ids?.includes(ID)
          ? [
              migration(
                overrides.status?.(),
                overrides.dryRun,
                overrides.campaign,
              ),
            ]
          : [];
      },
    },
    campaigns: {
      getHeader: async id =>
        id === CAMPAIGN
          ? {
              name: 'retype-amount',
              title: 'Amounts become integers',
              owner: 'group:default/data',
            }
          : undefined,
    },
    notifications: { send },
    signals: { publish: publishSignal },
    events: { publish: publishEvent },
    logger,
    retryDelaysMs: overrides.retryDelaysMs ?? [1, 1, 1],
    signalIntervalMs: overrides.signalIntervalMs ?? 50,
    noticeWindowMs: NOTICE_WINDOW_MS,
  });
  created.push(announcer);
  return { announcer, logger, send, publishSignal, publishEvent, reads };
}

describe('BackstageMigrationAnnouncer', () => {
  it('notifies the dataset and the requester of an outcome, leaving out the actor, with one scope per run and a link to it', async () => {
    const { announcer, send, publishEvent } = setup();
    await announcer.migrationChanged({
      migrationId: ID,
      outcome: 'failed',
      reason: 'the dataset changed since it was planned',
    });
    await announcer.migrationChanged({
      migrationId: ID,
      outcome: 'rolled-back',
      actor: OWNER_MEMBER,
    });
    await announcer.idle();

    expect(send).toHaveBeenCalledTimes(2);
    const [[failed], [rolledBack]] = send.mock.calls;
    expect(failed).toEqual({
      recipients: { type: 'entity', entityRef: [DATASET, REQUESTER] },
      payload: {
        title: 'events: migration v1 → v2 failed',
        // Why may quote the dataset's rows: the run says, to who may see them.
        description: 'The run says why, to whoever may see the dataset’s data.',
        severity: 'high',
        topic: NOTIFICATION_TOPICS.run,
        scope: `dataset-migrations:migration:${ID}`,
        link: `/catalog/default/resource/events/migration-history?migration=${ID}`,
      },
    });
    expect(rolledBack.recipients).toEqual({
      type: 'entity',
      entityRef: [DATASET, REQUESTER],
      excludeEntityRef: OWNER_MEMBER,
    });
    expect(rolledBack.payload).toMatchObject({
      title: 'events: migration v1 → v2 was rolled back',
      severity: 'normal',
      topic: NOTIFICATION_TOPICS.operation,
      scope: migrationScope(ID),
    });

    expect(publishEvent.mock.calls.map(([e]) => e.topic)).toEqual([
      'dataset-migrations.migration.failed',
      'dataset-migrations.migration.rolled-back',
    ]);
    expect(publishEvent.mock.calls[1][0].eventPayload).toEqual({
      migrationId: ID,
      entityRef: DATASET,
      outcome: 'rolled-back',
      fromVersion: 1,
      targetVersion: 2,
      dryRun: false,
      actor: OWNER_MEMBER,
      occurredAt: expect.any(String),
    });
  });

  it('tells only the requester of a dry run: it changes nothing of the owners', async () => {
    const { announcer, send, publishEvent } = setup({ dryRun: true });
    await announcer.migrationChanged({ migrationId: ID, outcome: 'succeeded' });
    await announcer.idle();
    expect(send.mock.calls[0][0].recipients).toEqual({
      type: 'entity',
      entityRef: REQUESTER,
    });
    expect(send.mock.calls[0][0].payload.title).toBe(
      'events: dry run of the migration v1 → v2 succeeded',
    );
    expect(publishEvent.mock.calls[0][0].eventPayload).toMatchObject({
      dryRun: true,
    });
  });

  it("notifies a consumer's entity under its own scope, and only when there is something to tell", async () => {
    const { announcer, send } = setup();
    await announcer.consumerChanged({ migrationId: ID, consumerRef: PLAYER });
    await announcer.consumerChanged({
      migrationId: ID,
      consumerRef: PLAYER,
      notice: 'needs-decision',
      reason: 'models/plays.sql:3: reads duration, which is recomputed',
    });
    await announcer.idle();

    expect(send).toHaveBeenCalledTimes(1);
    expect(send.mock.calls[0][0]).toEqual({
      recipients: { type: 'entity', entityRef: PLAYER },
      payload: {
        title:
          'player: reads fields of events that v2 drops; decide how it moves',
        description: 'models/plays.sql:3: reads duration, which is recomputed',
        severity: 'high',
        topic: NOTIFICATION_TOPICS.attention,
        scope: `dataset-migrations:migration:${ID}:consumer:${PLAYER}`,
        link: migrationLink(migration()),
      },
    });
    expect(consumerScope(ID, PLAYER)).not.toBe(migrationScope(ID));
  });

  it("tells a consumer's owners that a rollback closed the pull request they were told moves it, updating that notification in place", async () => {
    const { announcer, send } = setup({ status: () => 'rolled-back' });
    await announcer.consumerChanged({
      migrationId: ID,
      consumerRef: PLAYER,
      notice: 'pull-request-opened',
      reason: 'https://github.com/acme/player/pull/4',
    });
    await announcer.idle();
    await announcer.consumerChanged({
      migrationId: ID,
      consumerRef: PLAYER,
      notice: 'pull-request-closed',
      reason: `Migration ${ID} of ${DATASET} (to version 2) was rolled back: readers are on version 1 again. Its pull request is closed unmerged; nothing more is needed.`,
    });
    await announcer.idle();

    expect(send).toHaveBeenCalledTimes(2);
    const [opened, closed] = send.mock.calls.map(([n]) => n);
    expect(closed).toEqual({
      recipients: { type: 'entity', entityRef: PLAYER },
      payload: {
        title:
          'player: its pull request to events v2 was closed; the migration was rolled back',
        description: `Migration ${ID} of events (to version 2) was rolled back: readers are on version 1 again. Its pull request is closed unmerged; nothing more is needed.`,
        severity: 'normal',
        topic: NOTIFICATION_TOPICS.pullRequest,
        scope: consumerScope(ID, PLAYER),
        link: migrationLink(migration()),
      },
    });
    expect(closed.payload.scope).toBe(opened.payload.scope);
  });

  it("tells a consumer's owners, high, to revert a pull request a rollback found merged", async () => {
    const { announcer, send } = setup({ status: () => 'rolled-back' });
    const reason = `Migration ${ID} of ${DATASET} (to version 2) was rolled back: readers are on version 1 again. Its merged patch reads version 2: revert it to read version 1.`;
    await announcer.consumerChanged({
      migrationId: ID,
      consumerRef: PLAYER,
      notice: 'pull-request-merged-after-rollback',
      reason,
    });
    await announcer.idle();
    expect(send.mock.calls.map(([n]) => n)).toEqual([
      {
        recipients: { type: 'entity', entityRef: PLAYER },
        payload: {
          title:
            'player: its pull request to events v2 was merged, but the migration was rolled back: revert it',
          description: reason.replace(DATASET, 'events'),
          severity: 'high',
          topic: NOTIFICATION_TOPICS.pullRequest,
          scope: consumerScope(ID, PLAYER),
          link: migrationLink(migration()),
        },
      },
    ]);
  });

  it('tells a team once of several of its consumers that reached one notice together, naming them; others each alone', async () => {
    const { announcer, send } = setup();
    const PODCASTS = 'group:default/podcasts';
    const dashboards = Array.from(
      { length: 7 },
      (_, i) => `component:default/dashboard-${i + 1}`,
    );
    const failed = (consumerRef: string, owner?: string) =>
      announcer.consumerChanged({
        migrationId: ID,
        consumerRef,
        ...(owner ? { owner } : {}),
        notice: 'failed',
        reason: `${consumerRef} has no repository`,
      });
    // A burst longer than a window, but never quiet for one.
    for (const dashboard of dashboards) {
      await failed(dashboard, PODCASTS);
      await sleep(NOTICE_WINDOW_MS / 5);
    }
    await failed(dashboards[0], PODCASTS); // told once, though it failed twice
    await failed(PLAYER, 'group:default/data'); // the only one of its team
    await failed('component:default/orphan'); // no owner known
    await announcer.consumerChanged({
      migrationId: ID,
      consumerRef: 'component:default/podcast-model',
      owner: PODCASTS,
      notice: 'needs-decision',
      reason: 'reads duration',
    });
    await announcer.idle();

    expect(send).toHaveBeenCalledTimes(4);
    const byRecipient = Object.fromEntries(
      send.mock.calls.map(([n]) => [n.recipients.entityRef, n.payload]),
    );
    expect(byRecipient[PODCASTS]).toEqual({
      title: '7 consumers could not be moved to events v2',
      description:
        "dashboard-2, dashboard-3, dashboard-4, dashboard-5, dashboard-6 and 2 more. The run's consumer list has each one's state and reason.",
      severity: 'high',
      topic: NOTIFICATION_TOPICS.attention,
      scope: consumersScope(ID, 'failed', PODCASTS, dashboards[1]),
      link: migrationLink(migration()),
    });
    expect(byRecipient[PLAYER]).toMatchObject({
      title: 'player: could not be moved to events v2',
      scope: consumerScope(ID, PLAYER),
    });
    expect(byRecipient['component:default/orphan']).toMatchObject({
      title: 'orphan: could not be moved to events v2',
    });
    expect(byRecipient['component:default/podcast-model']).toMatchObject({
      title:
        'podcast-model: reads fields of events that v2 drops; decide how it moves',
    });
  });

  it('names people and entities in plain text by name, not by their refs', async () => {
    const { announcer, send } = setup({ status: () => 'awaiting-approval' });
    await announcer.migrationChanged({
      migrationId: ID,
      outcome: 'awaiting-approval',
    });
    await announcer.consumerChanged({
      migrationId: ID,
      consumerRef: PLAYER,
      notice: 'failed',
      reason: `${PLAYER} has no backstage.io/source-location annotation, so its code cannot be found`,
    });
    await announcer.idle();

    const descriptions = send.mock.calls.map(([n]) => n.payload.description);
    expect(descriptions).toEqual([
      'Requested by alice. Nothing runs until an owner approves.',
      'player has no backstage.io/source-location annotation, so its code cannot be found',
    ]);
  });

  it('retries a failed send three times, then logs it and resolves: the caller goes on', async () => {
    const send = jest.fn(async (_: any) => {
      throw new Error('Failed to send notifications: 503');
    });
    const { announcer, logger, publishEvent } = setup({ send });

    await expect(
      announcer.migrationChanged({ migrationId: ID, outcome: 'succeeded' }),
    ).resolves.toBeUndefined();
    await announcer.idle();

    expect(send).toHaveBeenCalledTimes(4);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /Could not deliver the notification succeeded of migration .* after 4 attempts; the migration goes on without it: Error: Failed to send notifications: 503/,
      ),
    );
    // The other channels are not held back by one that fails.
    expect(publishEvent).toHaveBeenCalledTimes(1);
  });

  it('stops retrying once a send goes through', async () => {
    let failures = 2;
    const send = jest.fn(async (_: any) => {
      if (failures-- > 0) throw new Error('flaky');
    });
    const { announcer, logger } = setup({ send });
    await announcer.migrationChanged({ migrationId: ID, outcome: 'started' });
    await announcer.idle();
    expect(send).toHaveBeenCalledTimes(3);
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('never throws, even when the run cannot be read', async () => {
    const { send, logger } = setup();
    const failing = new BackstageMigrationAnnouncer({
      migrations: {
        listMigrations: async () => {
          throw new Error('connection terminated');
        },
      },
      notifications: { send },
      signals: { publish: jest.fn() },
      events: { publish: jest.fn() },
      logger,
      retryDelaysMs: [1, 1, 1],
    });
    created.push(failing);
    await expect(
      failing.migrationChanged({ migrationId: ID, outcome: 'failed' }),
    ).resolves.toBeUndefined();
    await failing.idle();
    expect(send).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('connection terminated'),
    );
  });

  it('reads the run again when a read fails, so the outcome is still signalled, notified and published', async () => {
    const { announcer, send, publishSignal, publishEvent, reads } = setup({
      failedReads: 2,
    });
    await announcer.migrationChanged({ migrationId: ID, outcome: 'failed' });
    await announcer.idle();
    expect(reads).toHaveBeenCalledTimes(3);
    expect(publishSignal).toHaveBeenCalledWith(
      expect.objectContaining({
        message: { migrationId: ID, entityRef: DATASET },
      }),
    );
    expect(send).toHaveBeenCalledWith(
      expect.objectContaining({
        payload: expect.objectContaining({
          title: 'events: migration v1 → v2 failed',
        }),
      }),
    );
    expect(publishEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        topic: 'dataset-migrations.migration.failed',
      }),
    );
  });

  it('stops retrying once it closes: a shutdown waits for no read or delivery that keeps failing', async () => {
    // An hour between tries: a retry that outlived the close would time the test out.
    const { announcer, reads, send, logger } = setup({
      failedReads: 100,
      retryDelaysMs: [3_600_000, 3_600_000],
    });
    await announcer.migrationChanged({ migrationId: ID, outcome: 'failed' });
    while (reads.mock.calls.length === 0)
      await new Promise(resolve => setImmediate(resolve));
    await announcer.close();
    expect(reads).toHaveBeenCalledTimes(1);
    expect(send).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('connection terminated'),
    );
  });

  it('signals ids only, on the plugin channel, coalescing a burst into at most one per window', async () => {
    let status: MigrationStatus = 'running';
    const { announcer, publishSignal } = setup({
      signalIntervalMs: 200,
      status: () => status,
    });
    for (let i = 0; i < 50; i++)
      await announcer.migrationChanged({ migrationId: ID });
    await announcer.idle();
    status = 'succeeded';
    await announcer.migrationChanged({ migrationId: ID });
    await announcer.idle();
    // The first change goes out at once; the burst waits for the window.
    expect(publishSignal).toHaveBeenCalledTimes(1);
    expect(publishSignal.mock.calls[0][0]).toEqual({
      recipients: { type: 'broadcast' },
      channel: DATASET_MIGRATIONS_SIGNAL_CHANNEL,
      message: { migrationId: ID, entityRef: DATASET },
    });

    await new Promise(resolve => setTimeout(resolve, 300));
    await announcer.idle();
    expect(publishSignal).toHaveBeenCalledTimes(2);
    expect(publishSignal.mock.calls[1][0].message).toEqual({
      migrationId: ID,
      entityRef: DATASET,
    });

    // A consumer's changes have their own window and name the consumer.
    await announcer.consumerChanged({ migrationId: ID, consumerRef: PLAYER });
    await announcer.idle();
    expect(publishSignal).toHaveBeenCalledTimes(3);
    expect(publishSignal.mock.calls[2][0].message).toEqual({
      migrationId: ID,
      entityRef: DATASET,
      consumerRef: PLAYER,
    });
    await announcer.close();
  });

  it("names a campaign's run's campaign, whose page follows its runs", async () => {
    const { announcer, publishSignal } = setup({
      campaign: { id: CAMPAIGN, wave: 1 },
    });
    await announcer.migrationChanged({ migrationId: ID });
    await announcer.consumerChanged({ migrationId: ID, consumerRef: PLAYER });
    await announcer.idle();
    expect(publishSignal.mock.calls.map(([call]) => call.message)).toEqual([
      { migrationId: ID, entityRef: DATASET, campaignId: CAMPAIGN },
      {
        migrationId: ID,
        entityRef: DATASET,
        consumerRef: PLAYER,
        campaignId: CAMPAIGN,
      },
    ]);
  });

  it('signals a run the caller has in hand without reading it', async () => {
    const { announcer, publishSignal, reads } = setup();
    await announcer.migrationChanged({
      migrationId: ID,
      migration: {
        ...migration('queued'),
        campaign: { id: CAMPAIGN, wave: 0 },
      },
    });
    await announcer.idle();
    expect(reads).not.toHaveBeenCalled();
    expect(publishSignal.mock.calls.map(([call]) => call.message)).toEqual([
      { migrationId: ID, entityRef: DATASET, campaignId: CAMPAIGN },
    ]);
  });

  it('reads the run once for an outcome it both signals and notifies, signalling first', async () => {
    const { announcer, reads, publishSignal, send } = setup({
      signalIntervalMs: 60_000,
    });
    const told: string[] = [];
    publishSignal.mockImplementation(async () => {
      told.push('signal');
    });
    send.mockImplementation(async () => {
      told.push('notification');
    });
    await announcer.migrationChanged({ migrationId: ID, outcome: 'cancelled' });
    await announcer.idle();
    expect(told).toEqual(['signal', 'notification']);
    expect(reads).toHaveBeenCalledTimes(1);

    // Within the window the outcome is still told; its signal waits there.
    await announcer.migrationChanged({ migrationId: ID, outcome: 'failed' });
    await announcer.idle();
    expect(told).toEqual(['signal', 'notification', 'notification']);
    expect(reads).toHaveBeenCalledTimes(2);
    await announcer.close();
    expect(told).toEqual(['signal', 'notification', 'notification', 'signal']);
  });

  it('tells an outcome from the run its change carries, without reading it', async () => {
    const { announcer, reads, publishSignal, send, publishEvent } = setup();
    await announcer.migrationChanged({
      migrationId: ID,
      outcome: 'cancelled',
      migration: migration('cancelled'),
    });
    await announcer.idle();
    expect(reads).not.toHaveBeenCalled();
    expect(publishSignal.mock.calls[0][0].message).toEqual({
      migrationId: ID,
      entityRef: DATASET,
    });
    expect(send.mock.calls[0][0]).toMatchObject({
      recipients: { entityRef: [DATASET, REQUESTER] },
      payload: { title: 'events: migration v1 → v2 was cancelled' },
    });
    expect(publishEvent.mock.calls[0][0].eventPayload).toMatchObject({
      migrationId: ID,
      outcome: 'cancelled',
    });
  });

  it('sends what a window holds when closed, so nothing is lost at shutdown', async () => {
    const { announcer, publishSignal } = setup({ signalIntervalMs: 60_000 });
    await announcer.migrationChanged({ migrationId: ID });
    await announcer.migrationChanged({ migrationId: ID });
    await announcer.idle();
    expect(publishSignal).toHaveBeenCalledTimes(1);
    await announcer.close();
    expect(publishSignal).toHaveBeenCalledTimes(2);
  });

  it("signals every campaign change and notifies the campaign's owner when it pauses, completes or is aborted, leaving out the actor", async () => {
    const { announcer, send, publishSignal } = setup();
    await announcer.campaignChanged({
      campaignId: CAMPAIGN,
      state: 'running',
      actor: REQUESTER,
    });
    await announcer.campaignChanged({
      campaignId: CAMPAIGN,
      state: 'paused',
      reason: 'wave 0 (canary): 1 of 1 failed (100% > 20%)',
    });
    await announcer.campaignChanged({
      campaignId: CAMPAIGN,
      state: 'aborted',
      actor: OWNER_MEMBER,
      reason: 'wrong quarter',
    });
    await announcer.idle();

    expect(publishSignal.mock.calls.map(([s]) => s)).toEqual(
      Array(3).fill({
        recipients: { type: 'broadcast' },
        channel: CAMPAIGN_SIGNAL_CHANNEL,
        message: { campaignId: CAMPAIGN },
      }),
    );
    expect(send.mock.calls.map(([n]) => n)).toEqual([
      {
        recipients: { type: 'entity', entityRef: 'group:default/data' },
        payload: {
          title: 'Campaign Amounts become integers paused',
          description: 'wave 0 (canary): 1 of 1 failed (100% > 20%)',
          severity: 'high',
          topic: NOTIFICATION_TOPICS.campaign,
          scope: campaignScope(CAMPAIGN),
          link: `/campaigns/${CAMPAIGN}`,
        },
      },
      {
        recipients: {
          type: 'entity',
          entityRef: 'group:default/data',
          excludeEntityRef: OWNER_MEMBER,
        },
        payload: expect.objectContaining({
          title: 'Campaign Amounts become integers aborted',
          description:
            'wrong quarter. Migrations already started run to their end.',
        }),
      },
    ]);
  });

  it("tells a dataset's owners when a campaign rolled back its wave but left their dataset to them", async () => {
    const { announcer, send } = setup();
    await announcer.campaignLeftToOwners({
      campaignId: CAMPAIGN,
      entityRef: 'resource:default/payouts-us',
      migrationId: 'm-payouts',
      reason: 'wave 0 (canary): 1 of 2 failed (50% > 40%)',
    });
    await announcer.idle();

    expect(send.mock.calls.map(([n]) => n)).toEqual([
      {
        recipients: {
          type: 'entity',
          entityRef: 'resource:default/payouts-us',
        },
        payload: {
          title:
            'Campaign Amounts become integers rolled back a wave, but not payouts-us: roll it back or keep it',
          description:
            "wave 0 (canary): 1 of 2 failed (50% > 40%). Its migration m-payouts stays on the new version: the campaign's starter may not roll it back.",
          severity: 'high',
          topic: NOTIFICATION_TOPICS.campaign,
          scope: `${campaignScope(CAMPAIGN)}:left:resource:default/payouts-us`,
          link: migrationLink({
            id: 'm-payouts',
            entityRef: 'resource:default/payouts-us',
          }),
        },
      },
    ]);
  });
});
