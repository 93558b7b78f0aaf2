import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { mockServices } from '@backstage/backend-test-utils';
import type { VerificationFigures } from '@dataset-migrations/plugin-dataset-migrations-common';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseMigrationStore } from './DatabaseMigrationStore';
import type { Enqueue, LiveJobs, NewMigration } from './MigrationStore';
import { knexOf } from './StoreTransaction';

const LEASE = { owner: 'test-worker', durationMs: 60_000 };

const EVENTS = 'resource:default/events';
const PLAYS = 'resource:default/plays';

function newMigration(overrides: Partial<NewMigration> = {}): NewMigration {
  const id = overrides.id ?? randomUUID();
  return {
    id,
    entityRef: EVENTS,
    fromVersion: 1,
    targetVersion: 2,
    changes: [{ renameField: { from: 'user_id', to: 'listener_id' } }],
    dryRun: false,
    fingerprint: `fp-${id}`,
    requestedBy: 'user:default/tester',
    ...overrides,
  };
}

describe('DatabaseMigrationStore', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let store: DatabaseMigrationStore;
  /** Records, inside the caller's transaction, which migrations were enqueued. */
  let enqueue: jest.MockedFunction<Enqueue>;

  beforeAll(async () => {
    knex = await init();
    store = await DatabaseMigrationStore.create({
      database: mockServices.database({ knex }),
    });
    await knex.schema.createTable('test_jobs', t => {
      t.uuid('migration_id').notNullable();
    });
  });

  beforeEach(async () => {
    await knex('test_jobs').delete();
    await knex('dataset_versions').delete();
    await knex('migrations').delete();
    enqueue = jest.fn(async (tx, migrationId) => {
      await knexOf(tx)('test_jobs').insert({ migration_id: migrationId });
    });
  });

  async function jobs(): Promise<string[]> {
    return (await knex('test_jobs').select('migration_id')).map(
      r => r.migration_id,
    );
  }

  async function queued(overrides: Partial<NewMigration> = {}) {
    const result = await store.createMigration(
      newMigration(overrides),
      enqueue,
    );
    if (!result.queued) throw new Error('expected the migration to be queued');
    return result.migration;
  }

  it('creates a queued migration and enqueues it in the same transaction', async () => {
    const input = newMigration({ dryRun: true, targetVersion: 3 });
    const result = await store.createMigration(input, enqueue);

    expect(result).toEqual({
      queued: true,
      migration: expect.objectContaining({
        id: input.id,
        entityRef: EVENTS,
        status: 'queued',
        fromVersion: 1,
        targetVersion: 3,
        dryRun: true,
        changes: input.changes,
        requestedBy: 'user:default/tester',
        attempts: 0,
        cancelRequested: false,
        startedAt: undefined,
        finishedAt: undefined,
        failureReason: undefined,
      }),
    });
    expect(enqueue).toHaveBeenCalledTimes(1);
    expect(enqueue.mock.calls[0][1]).toBe(input.id);
    expect(await jobs()).toEqual([input.id]);

    const stored = await store.getMigration(input.id);
    expect(stored).toMatchObject({
      id: input.id,
      status: 'queued',
      steps: [],
      logs: [],
    });
    expect(new Date(stored!.createdAt).getTime()).not.toBeNaN();
  });

  it('writes nothing when enqueueing fails', async () => {
    const input = newMigration();
    const failing: Enqueue = async (tx, id) => {
      await knexOf(tx)('test_jobs').insert({ migration_id: id });
      throw new Error('queue is down');
    };
    await expect(store.createMigration(input, failing)).rejects.toThrow(
      'queue is down',
    );
    expect(await knex('migrations').count({ n: '*' })).toEqual([{ n: '0' }]);
    expect(await jobs()).toEqual([]);
  });

  it('refuses a second active migration of a dataset and reports the active one', async () => {
    const first = await queued();
    const second = newMigration({ targetVersion: 5 });
    const result = await store.createMigration(second, enqueue);

    expect(result).toEqual({
      queued: false,
      active: expect.objectContaining({ id: first.id, status: 'queued' }),
    });
    expect(await store.getMigration(second.id)).toBeUndefined();
    expect(await jobs()).toEqual([first.id]);

    // Still refused while the first one runs; other datasets are independent.
    await store.claimMigration(first.id, LEASE);
    expect(await store.createMigration(newMigration(), enqueue)).toEqual({
      queued: false,
      active: expect.objectContaining({ id: first.id, status: 'running' }),
    });
    expect(
      (await store.createMigration(newMigration({ entityRef: PLAYS }), enqueue))
        .queued,
    ).toBe(true);

    // Once the first one has finished, the dataset takes a new migration.
    await store.finishMigration(first.id, { status: 'failed', reason: 'boom' });
    expect((await store.createMigration(newMigration(), enqueue)).queued).toBe(
      true,
    );
  });

  it('lets exactly one of 20 concurrent requests for a dataset in', async () => {
    // A slow enqueue keeps the winner's transaction open while the others insert.
    const slowEnqueue: Enqueue = async (tx, id) => {
      await knexOf(tx).raw('SELECT pg_sleep(0.05)');
      await enqueue(tx, id);
    };
    const inputs = Array.from({ length: 20 }, () => newMigration());
    const results = await Promise.all(
      inputs.map(input => store.createMigration(input, slowEnqueue)),
    );

    const winners = results.filter(r => r.queued);
    expect(winners).toHaveLength(1);
    const winnerId = winners[0].queued && winners[0].migration.id;
    for (const result of results.filter(r => !r.queued)) {
      expect(result).toEqual({
        queued: false,
        active: expect.objectContaining({ id: winnerId }),
      });
    }
    expect(await knex('migrations').select('id')).toEqual([{ id: winnerId }]);
    expect(await jobs()).toEqual([winnerId]);
  });

  it('does not queue a repeat of a queued, running or succeeded request', async () => {
    const first = await queued({ fingerprint: 'same' });
    await store.finishMigration(first.id, { status: 'succeeded' });
    enqueue.mockClear();

    const repeat = newMigration({ fingerprint: 'same', targetVersion: 2 });
    expect(await store.createMigration(repeat, enqueue)).toEqual({
      queued: false,
      active: undefined,
    });
    expect(await store.getMigration(repeat.id)).toBeUndefined();
    expect(enqueue).not.toHaveBeenCalled();

    // A failed twin does not count: the request may be made again.
    const failed = await queued({ fingerprint: 'again', entityRef: PLAYS });
    await store.finishMigration(failed.id, { status: 'failed', reason: 'x' });
    expect(
      (
        await store.createMigration(
          newMigration({ fingerprint: 'again', entityRef: PLAYS }),
          enqueue,
        )
      ).queued,
    ).toBe(true);
  });

  it('finds repeats by fingerprint unless they failed or were cancelled', async () => {
    const m = await queued({ fingerprint: 'same' });
    expect((await store.findByFingerprint('same'))?.id).toBe(m.id);
    expect(await store.findByFingerprint('other')).toBeUndefined();

    await store.claimMigration(m.id, LEASE);
    expect((await store.findByFingerprint('same'))?.status).toBe('running');
    await store.finishMigration(m.id, { status: 'succeeded' });
    expect((await store.findByFingerprint('same'))?.status).toBe('succeeded');

    const failed = await queued({ fingerprint: 'failing', entityRef: PLAYS });
    await store.finishMigration(failed.id, { status: 'failed', reason: 'x' });
    expect(await store.findByFingerprint('failing')).toBeUndefined();

    const cancelled = await queued({
      fingerprint: 'cancelling',
      entityRef: PLAYS,
    });
    await store.requestCancel(cancelled.id);
    expect(await store.findByFingerprint('cancelling')).toBeUndefined();
  });

  describe('requestCancel', () => {
    it('cancels a queued migration at once', async () => {
      const m = await queued();
      expect(await store.isCancelRequested(m.id)).toBe(false);

      const cancelled = await store.requestCancel(m.id);
      expect(cancelled).toMatchObject({
        id: m.id,
        status: 'cancelled',
        cancelRequested: true,
      });
      expect(cancelled!.finishedAt).toBeDefined();
      expect(await store.isCancelRequested(m.id)).toBe(true);
      // The dataset is free again.
      expect(
        (await store.createMigration(newMigration(), enqueue)).queued,
      ).toBe(true);
    });

    it('asks a running migration to stop without finishing it', async () => {
      const m = await queued();
      await store.claimMigration(m.id, LEASE);
      const result = await store.requestCancel(m.id);
      expect(result).toMatchObject({
        id: m.id,
        status: 'running',
        cancelRequested: true,
        finishedAt: undefined,
      });
      expect(await store.isCancelRequested(m.id)).toBe(true);
      // Still active: the dataset stays locked until the runner stops.
      expect(
        (await store.createMigration(newMigration(), enqueue)).queued,
      ).toBe(false);
    });

    it('leaves a finished migration as it was and knows nothing of unknown ids', async () => {
      const m = await queued();
      await store.finishMigration(m.id, { status: 'succeeded' });
      expect(await store.requestCancel(m.id)).toMatchObject({
        id: m.id,
        status: 'succeeded',
        cancelRequested: false,
      });
      expect(await store.requestCancel(randomUUID())).toBeUndefined();
      // An unknown migration counts as cancelled, so a stray job stops.
      expect(await store.isCancelRequested(randomUUID())).toBe(true);
    });
  });

  describe('claimMigration', () => {
    it('marks the migration running and counts attempts', async () => {
      const m = await queued();
      const first = await store.claimMigration(m.id, LEASE);
      expect(first).toMatchObject({ id: m.id, status: 'running', attempts: 1 });
      expect(first!.startedAt).toBeDefined();

      // A re-delivered job for a running migration is a new attempt; startedAt stays.
      const second = await store.claimMigration(m.id, LEASE);
      expect(second).toMatchObject({
        status: 'running',
        attempts: 2,
        startedAt: first!.startedAt,
      });
    });

    it('refuses finished migrations and unknown ids', async () => {
      for (const status of ['succeeded', 'failed', 'cancelled'] as const) {
        const m = await queued();
        await store.claimMigration(m.id, LEASE);
        await store.finishMigration(m.id, { status });
        expect(await store.claimMigration(m.id, LEASE)).toBeUndefined();
        expect((await store.getMigration(m.id))!).toMatchObject({
          status,
          attempts: 1,
        });
      }
      const cancelledWhileQueued = await queued();
      await store.requestCancel(cancelledWhileQueued.id);
      expect(
        await store.claimMigration(cancelledWhileQueued.id, LEASE),
      ).toBeUndefined();
      expect(await store.claimMigration(randomUUID(), LEASE)).toBeUndefined();
    });
  });

  describe('finishMigration', () => {
    it('records the dataset version of a successful migration', async () => {
      const m = await queued({ targetVersion: 2 });
      await store.claimMigration(m.id, LEASE);
      await store.finishMigration(m.id, { status: 'succeeded' });

      expect(await store.getMigration(m.id)).toMatchObject({
        status: 'succeeded',
        failureReason: undefined,
        finishedAt: expect.any(String),
      });
      expect(await store.getSchemaVersion(EVENTS)).toBe(2);
      expect(
        await knex('dataset_versions').select(
          'entity_ref',
          'schema_version',
          'migration_id',
        ),
      ).toEqual([
        { entity_ref: EVENTS, schema_version: 2, migration_id: m.id },
      ]);

      const next = await queued({ fromVersion: 2, targetVersion: 4 });
      await store.finishMigration(next.id, { status: 'succeeded' });
      expect(await store.getSchemaVersion(EVENTS)).toBe(4);
      expect(await knex('dataset_versions').select('migration_id')).toEqual([
        { migration_id: next.id },
      ]);
    });

    it('records no version for a dry run or a failure', async () => {
      const dry = await queued({ dryRun: true });
      await store.finishMigration(dry.id, { status: 'succeeded' });
      expect(await store.getMigration(dry.id)).toMatchObject({
        status: 'succeeded',
      });

      const failed = await queued();
      await store.finishMigration(failed.id, {
        status: 'failed',
        reason: 'cast failed',
      });
      expect(await store.getMigration(failed.id)).toMatchObject({
        status: 'failed',
        failureReason: 'cast failed',
      });

      expect(await store.getSchemaVersion(EVENTS)).toBeUndefined();
      expect(await knex('dataset_versions').count({ n: '*' })).toEqual([
        { n: '0' },
      ]);
    });
  });

  describe('requeueMigration', () => {
    it('puts a failed migration back in the queue and enqueues it again', async () => {
      const m = await queued();
      await store.claimMigration(m.id, LEASE);
      await store.finishMigration(m.id, { status: 'failed', reason: 'boom' });
      enqueue.mockClear();

      const result = await store.requeueMigration(m.id, enqueue);
      expect(result).toEqual({
        queued: true,
        migration: expect.objectContaining({
          id: m.id,
          status: 'queued',
          failureReason: undefined,
          finishedAt: undefined,
          attempts: 1,
        }),
      });
      expect(enqueue).toHaveBeenCalledTimes(1);
      expect(await jobs()).toEqual([m.id, m.id]);
    });

    it('requeues a cancelled migration without the cancel request', async () => {
      const m = await queued();
      await store.requestCancel(m.id);
      const result = await store.requeueMigration(m.id, enqueue);
      expect(result).toMatchObject({
        queued: true,
        migration: { status: 'queued', cancelRequested: false },
      });
      expect(await store.isCancelRequested(m.id)).toBe(false);
    });

    it('refuses while another migration holds the dataset, and for runnable or unknown ones', async () => {
      const failed = await queued();
      await store.finishMigration(failed.id, { status: 'failed', reason: 'x' });
      const active = await queued();
      enqueue.mockClear();

      expect(await store.requeueMigration(failed.id, enqueue)).toEqual({
        queued: false,
        active: expect.objectContaining({ id: active.id }),
      });
      expect((await store.getMigration(failed.id))!.status).toBe('failed');
      // Not failed or cancelled: nothing to requeue.
      expect((await store.requeueMigration(active.id, enqueue)).queued).toBe(
        false,
      );
      expect(await store.requeueMigration(randomUUID(), enqueue)).toEqual({
        queued: false,
      });
      expect(enqueue).not.toHaveBeenCalled();
    });
  });

  it('picks the newest migration of each dataset', async () => {
    const older = await queued();
    await store.finishMigration(older.id, { status: 'failed', reason: 'x' });
    const newer = await queued();
    await store.finishMigration(newer.id, { status: 'succeeded' });
    const plays = await queued({ entityRef: PLAYS });
    // Make the first-inserted one the newest, so insertion order cannot pass for recency.
    await knex('migrations')
      .where({ id: older.id })
      .update({ created_at: knex.raw(`now() + interval '1 hour'`) });

    const latest = await store.latestMigrations([
      EVENTS,
      PLAYS,
      'resource:default/never',
    ]);
    expect([...latest.keys()].sort()).toEqual([EVENTS, PLAYS]);
    expect(latest.get(EVENTS)).toEqual({
      id: older.id,
      status: 'failed',
      fromVersion: 1,
      targetVersion: 2,
      dryRun: false,
      createdAt: expect.any(String),
      finishedAt: expect.any(String),
    });
    expect(latest.get(PLAYS)).toMatchObject({
      id: plays.id,
      status: 'queued',
      finishedAt: undefined,
    });
    expect(await store.latestMigrations([])).toEqual(new Map());

    const listed = await store.listMigrations({ entityRef: EVENTS, limit: 10 });
    expect(listed.map(m => m.id)).toEqual([older.id, newer.id]);
    expect((await store.listMigrations({ limit: 2 })).map(m => m.id)).toEqual([
      older.id,
      plays.id,
    ]);
  });

  it('keeps steps per attempt and logs in order', async () => {
    const m = await queued();
    await store.startStep(m.id, 1, 'plan');
    await store.appendLog(m.id, {
      attempt: 1,
      step: 'plan',
      level: 'info',
      message: 'planning',
    });
    await store.finishStep(m.id, 1, 'plan', 'failed');
    await store.startStep(m.id, 1, 'plan'); // restarted within the same attempt
    await store.finishStep(m.id, 1, 'plan', 'succeeded');
    await store.startStep(m.id, 2, 'plan');
    await store.appendLog(m.id, {
      attempt: 2,
      level: 'error',
      message: 'no step',
    });

    const details = await store.getMigration(m.id);
    expect(details!.steps).toEqual([
      {
        name: 'plan',
        attempt: 1,
        status: 'succeeded',
        startedAt: expect.any(String),
        finishedAt: expect.any(String),
      },
      {
        name: 'plan',
        attempt: 2,
        status: 'running',
        startedAt: expect.any(String),
        finishedAt: undefined,
      },
    ]);
    expect(details!.logs).toEqual([
      {
        attempt: 1,
        step: 'plan',
        level: 'info',
        message: 'planning',
        createdAt: expect.any(String),
      },
      {
        attempt: 2,
        step: undefined,
        level: 'error',
        message: 'no step',
        createdAt: expect.any(String),
      },
    ]);
  });

  describe('leases', () => {
    const OTHER = { owner: 'other-worker', durationMs: 60_000 };

    /** The lease as stored, with its remaining time measured by the database clock. */
    async function leaseOf(id: string) {
      const { rows } = await knex.raw(
        `SELECT lease_owner AS owner,
                extract(epoch FROM lease_expires_at - now()) * 1000 AS "remainingMs"
           FROM migrations WHERE id = ?`,
        [id],
      );
      const row = rows[0];
      return {
        owner: row.owner as string | null,
        remainingMs: row.remainingMs === null ? null : Number(row.remainingMs),
      };
    }

    /** Moves the lease into the past, as if its owner stopped heartbeating a while ago. */
    async function expireLease(id: string) {
      await knex('migrations')
        .where({ id })
        .update({ lease_expires_at: knex.raw(`now() - interval '1 second'`) });
    }

    it('records the owner and the expiry of a claim', async () => {
      const m = await queued();
      await store.claimMigration(m.id, LEASE);
      const lease = await leaseOf(m.id);
      expect(lease.owner).toBe(LEASE.owner);
      expect(lease.remainingMs).toBeGreaterThan(55_000);
      expect(lease.remainingMs).toBeLessThanOrEqual(60_000);
    });

    it('blocks a claim while another owner holds a live lease; the owner itself may claim again', async () => {
      const m = await queued();
      expect(await store.claimMigration(m.id, LEASE)).toMatchObject({
        status: 'running',
        attempts: 1,
      });

      expect(await store.claimMigration(m.id, OTHER)).toBeUndefined();
      expect((await store.getMigration(m.id))!.attempts).toBe(1);
      expect((await leaseOf(m.id)).owner).toBe(LEASE.owner);

      // The same worker getting its job again is a new attempt under its own lease.
      expect(await store.claimMigration(m.id, LEASE)).toMatchObject({
        status: 'running',
        attempts: 2,
      });
      expect((await leaseOf(m.id)).owner).toBe(LEASE.owner);
    });

    it('lets another owner take over an expired lease, which the old owner cannot renew', async () => {
      const m = await queued();
      await store.claimMigration(m.id, LEASE);
      await expireLease(m.id);

      expect(await store.claimMigration(m.id, OTHER)).toMatchObject({
        status: 'running',
        attempts: 2,
      });
      expect((await leaseOf(m.id)).owner).toBe(OTHER.owner);
      expect(await store.renewLease(m.id, LEASE)).toBe(false);
      expect((await leaseOf(m.id)).owner).toBe(OTHER.owner);
      // Now the first owner is the one blocked.
      expect(await store.claimMigration(m.id, LEASE)).toBeUndefined();
    });

    it('closes the steps an earlier attempt left running when the run is claimed again', async () => {
      const m = await queued();
      await store.claimMigration(m.id, LEASE);
      await store.startStep(m.id, 1, 'plan');
      await store.finishStep(m.id, 1, 'plan', 'succeeded');
      await store.startStep(m.id, 1, 'backfill');
      await store.reportProgress(m.id, 1, 'backfill', 10, 100);
      // Its worker dies here; another claims the run.
      await expireLease(m.id);
      await store.claimMigration(m.id, OTHER);

      const steps = (await store.getMigration(m.id))!.steps;
      expect(steps.map(s => [s.name, s.attempt, s.status, s.rowsDone])).toEqual(
        [
          ['plan', 1, 'succeeded', undefined],
          ['backfill', 1, 'failed', 10],
        ],
      );
      expect(steps[1].finishedAt).toEqual(expect.any(String));
      // A refused claim changes nothing.
      await store.startStep(m.id, 2, 'plan');
      expect(await store.claimMigration(m.id, LEASE)).toBeUndefined();
      expect((await store.getMigration(m.id))!.steps.at(-1)).toMatchObject({
        attempt: 2,
        status: 'running',
      });
    });

    it("renews only the owner's lease on a running migration", async () => {
      const m = await queued();
      // Not claimed yet: nobody owns it.
      expect(await store.renewLease(m.id, LEASE)).toBe(false);
      await store.claimMigration(m.id, {
        owner: LEASE.owner,
        durationMs: 1_000,
      });

      expect(await store.renewLease(m.id, LEASE)).toBe(true);
      expect((await leaseOf(m.id)).remainingMs).toBeGreaterThan(55_000);
      expect(await store.renewLease(m.id, OTHER)).toBe(false);
      expect(await leaseOf(m.id)).toMatchObject({ owner: LEASE.owner });
      // Renewing with a short duration shortens the lease (how an interrupted worker lets go).
      expect(
        await store.renewLease(m.id, { owner: LEASE.owner, durationMs: 2_000 }),
      ).toBe(true);
      expect((await leaseOf(m.id)).remainingMs).toBeLessThanOrEqual(2_000);

      expect(await store.renewLease(randomUUID(), LEASE)).toBe(false);
    });

    it('renews no lease on a finished migration', async () => {
      for (const status of ['succeeded', 'failed', 'cancelled'] as const) {
        const m = await queued();
        await store.claimMigration(m.id, LEASE);
        await store.finishMigration(m.id, { status });
        expect(await store.renewLease(m.id, LEASE)).toBe(false);
        expect(await leaseOf(m.id)).toEqual({ owner: null, remainingMs: null });
      }
    });

    it('clears the lease when the migration finishes', async () => {
      const m = await queued();
      await store.claimMigration(m.id, LEASE);
      await store.finishMigration(m.id, { status: 'succeeded' });
      expect(await leaseOf(m.id)).toEqual({ owner: null, remainingMs: null });
      expect(await store.requeueExpiredRuns(enqueue, 60_000)).toEqual([]);
    });

    describe('requeueExpiredRuns', () => {
      it('re-enqueues only running migrations whose lease expired, and frees them', async () => {
        const expired = await queued({ entityRef: 'resource:default/expired' });
        await store.claimMigration(expired.id, LEASE);
        await expireLease(expired.id);
        const live = await queued({ entityRef: 'resource:default/live' });
        await store.claimMigration(live.id, LEASE);
        const waiting = await queued({ entityRef: 'resource:default/waiting' });
        // A finished migration with a stale lease time is not swept either.
        const failed = await queued({ entityRef: 'resource:default/failed' });
        await store.claimMigration(failed.id, LEASE);
        await store.finishMigration(failed.id, {
          status: 'failed',
          reason: 'x',
        });
        await knex('migrations')
          .where({ id: failed.id })
          .update({
            lease_owner: 'dead-worker',
            lease_expires_at: knex.raw(`now() - interval '1 minute'`),
          });
        await knex('test_jobs').delete();
        enqueue.mockClear();

        expect(await store.requeueExpiredRuns(enqueue, 30_000)).toEqual([
          expired.id,
        ]);
        expect(enqueue).toHaveBeenCalledTimes(1);
        expect(await jobs()).toEqual([expired.id]);

        // Still running, owned by nobody, and protected from sweeps for the grace period.
        expect(await store.getMigration(expired.id)).toMatchObject({
          status: 'running',
          attempts: 1,
        });
        const lease = await leaseOf(expired.id);
        expect(lease.owner).toBeNull();
        expect(lease.remainingMs).toBeGreaterThan(25_000);
        expect(lease.remainingMs).toBeLessThanOrEqual(30_000);
        expect(await leaseOf(live.id)).toMatchObject({ owner: LEASE.owner });
        expect(await store.getMigration(waiting.id)).toMatchObject({
          status: 'queued',
        });
        expect(await store.getMigration(failed.id)).toMatchObject({
          status: 'failed',
        });

        // Swept again within the grace period: nothing to do.
        expect(await store.requeueExpiredRuns(enqueue, 30_000)).toEqual([]);
        expect(await jobs()).toEqual([expired.id]);

        // Any worker may claim it now, even while the grace period runs.
        expect(await store.claimMigration(expired.id, OTHER)).toMatchObject({
          attempts: 2,
        });
        expect((await leaseOf(expired.id)).owner).toBe(OTHER.owner);
      });

      it('sweeps a requeued run again once its grace period is over', async () => {
        const m = await queued();
        await store.claimMigration(m.id, LEASE);
        await expireLease(m.id);
        expect(await store.requeueExpiredRuns(enqueue, 30_000)).toEqual([m.id]);
        // Nobody claimed it within the grace period (say, the enqueue was lost).
        await expireLease(m.id);
        expect(await store.requeueExpiredRuns(enqueue, 30_000)).toEqual([m.id]);
        expect(await jobs()).toEqual([m.id, m.id, m.id]);
      });

      it('enqueues a run once when several sweeps race for it', async () => {
        const m = await queued();
        await store.claimMigration(m.id, LEASE);
        await expireLease(m.id);
        await knex('test_jobs').delete();
        // A slow enqueue keeps each sweep's transaction open, so the sweeps overlap.
        const slowEnqueue: Enqueue = async (tx, id) => {
          await knexOf(tx).raw('SELECT pg_sleep(0.2)');
          await enqueue(tx, id);
        };

        const results = await Promise.all(
          Array.from({ length: 4 }, () =>
            store.requeueExpiredRuns(slowEnqueue, 30_000),
          ),
        );
        expect(results.flat()).toEqual([m.id]);
        expect(await jobs()).toEqual([m.id]);
        expect((await leaseOf(m.id)).owner).toBeNull();
      });

      it('takes back nothing when the enqueue fails', async () => {
        const m = await queued();
        await store.claimMigration(m.id, LEASE);
        await expireLease(m.id);
        const failing: Enqueue = async () => {
          throw new Error('queue is down');
        };
        await expect(store.requeueExpiredRuns(failing, 30_000)).rejects.toThrow(
          'queue is down',
        );
        // The lease is as it was, so the next sweep tries again.
        expect((await leaseOf(m.id)).owner).toBe(LEASE.owner);
        expect(await store.requeueExpiredRuns(enqueue, 30_000)).toEqual([m.id]);
      });
    });

    describe('writes fenced by the lease', () => {
      const checkpointsOf = async (id: string) =>
        Object.fromEntries(
          (
            await knex('migration_checkpoints')
              .where({ migration_id: id })
              .orderBy('name')
              .select('name', 'value')
          ).map(r => [r.name, r.value]),
        );

      it("refuses a checkpoint or progress write from an owner that lost the run, leaving the new owner's", async () => {
        const m = await queued();
        await store.claimMigration(m.id, LEASE);
        await store.startStep(m.id, 1, 'backfill');
        expect(
          await store.setCheckpoint(m.id, 'backfill', { rows: 5 }, LEASE.owner),
        ).toBe(true);
        expect(
          await store.reportProgress(m.id, 1, 'backfill', 5, 100, LEASE.owner),
        ).toBe(true);
        // Even an expired lease is still its owner's until someone takes the run.
        await expireLease(m.id);
        expect(
          await store.setCheckpoint(m.id, 'backfill', { rows: 6 }, LEASE.owner),
        ).toBe(true);

        await store.claimMigration(m.id, OTHER);
        await store.startStep(m.id, 2, 'backfill');
        expect(
          await store.setCheckpoint(
            m.id,
            'backfill',
            { rows: 50 },
            OTHER.owner,
          ),
        ).toBe(true);

        // The old owner, not yet aware, writes where it had got to: nothing changes.
        expect(
          await store.setCheckpoint(m.id, 'backfill', { rows: 7 }, LEASE.owner),
        ).toBe(false);
        expect(await store.setCheckpoint(m.id, 'new', true, LEASE.owner)).toBe(
          false,
        );
        expect(
          await store.reportProgress(m.id, 1, 'backfill', 7, 100, LEASE.owner),
        ).toBe(false);
        expect(
          await store.reportProgress(m.id, 2, 'backfill', 7, 100, LEASE.owner),
        ).toBe(false);
        expect(await store.clearCheckpoints(m.id, LEASE.owner)).toBe(false);
        expect(await checkpointsOf(m.id)).toEqual({ backfill: { rows: 50 } });
        expect(
          (await store.getMigration(m.id))!.steps.map(s => [
            s.attempt,
            s.rowsDone,
          ]),
        ).toEqual([
          [1, 5],
          [2, undefined],
        ]);

        // The new owner's writes go through, also a clear or progress that touches nothing.
        expect(
          await store.reportProgress(m.id, 2, 'verify', 1, 1, OTHER.owner),
        ).toBe(true);
        expect(await store.clearCheckpoints(m.id, OTHER.owner)).toBe(true);
        expect(await store.clearCheckpoints(m.id, OTHER.owner)).toBe(true);
        expect(await checkpointsOf(m.id)).toEqual({});
      });

      it('refuses writes once the run is finished or was never claimed', async () => {
        const m = await queued();
        expect(await store.setCheckpoint(m.id, 'x', 1, LEASE.owner)).toBe(
          false,
        );
        await store.claimMigration(m.id, LEASE);
        await store.finishMigration(m.id, { status: 'failed', reason: 'x' });
        expect(await store.setCheckpoint(m.id, 'x', 1, LEASE.owner)).toBe(
          false,
        );
        expect(await store.clearCheckpoints(m.id, LEASE.owner)).toBe(false);
        expect(
          await store.setCheckpoint(randomUUID(), 'x', 1, LEASE.owner),
        ).toBe(false);
        expect(await checkpointsOf(m.id)).toEqual({});
      });

      it('does not interleave a fenced write with a takeover of the run', async () => {
        const m = await queued();
        await store.claimMigration(m.id, LEASE);
        await expireLease(m.id);
        const settled = (promise: Promise<unknown>) =>
          Promise.race([
            promise.then(() => true),
            new Promise(resolve => setTimeout(() => resolve(false), 300)),
          ]);

        // A write in flight keeps the run: the takeover waits for it to commit.
        let takeover!: Promise<unknown>;
        await knex.transaction(async tx => {
          const writer = new DatabaseMigrationStore(tx);
          expect(
            await writer.setCheckpoint(
              m.id,
              'backfill',
              { rows: 1 },
              LEASE.owner,
            ),
          ).toBe(true);
          takeover = store.claimMigration(m.id, OTHER);
          expect(await settled(takeover)).toBe(false);
        });
        expect(await takeover).toMatchObject({ attempts: 2 });
        expect((await leaseOf(m.id)).owner).toBe(OTHER.owner);

        // A takeover in flight: the old owner's write waits, then sees it lost the run.
        await expireLease(m.id);
        let write!: Promise<boolean>;
        await knex.transaction(async tx => {
          await new DatabaseMigrationStore(tx).claimMigration(m.id, LEASE);
          write = store.setCheckpoint(
            m.id,
            'backfill',
            { rows: 2 },
            OTHER.owner,
          );
          expect(await settled(write)).toBe(false);
        });
        expect(await write).toBe(false);
        expect(await checkpointsOf(m.id)).toEqual({ backfill: { rows: 1 } });
      });
    });
  });

  describe('requeueStrandedRuns', () => {
    const GRACE_MS = 30_000;
    /** The stand-in queue's view: a run has a live job while its row is in test_jobs. */
    const liveJobs: LiveJobs = async (tx, ids) =>
      new Set(
        (
          await knexOf(tx)('test_jobs')
            .whereIn('migration_id', ids)
            .select('migration_id')
        ).map(r => r.migration_id),
      );
    /** As if the run was queued a minute ago. */
    const queuedAMinuteAgo = (id: string) =>
      knex('migrations')
        .where({ id })
        .update({ updated_at: knex.raw(`now() - interval '1 minute'`) });
    const loseJob = (id: string) =>
      knex('test_jobs').where({ migration_id: id }).delete();

    it('re-enqueues a run queued longer than the grace period that no job will run, and only that', async () => {
      const lost = await queued({ entityRef: 'resource:default/lost' });
      await loseJob(lost.id);
      await queuedAMinuteAgo(lost.id);
      // Its job may still be about to show up: not yet.
      const recent = await queued({ entityRef: 'resource:default/recent' });
      await loseJob(recent.id);
      // Waiting its turn behind other jobs, however long: its job will run it.
      const waiting = await queued({ entityRef: 'resource:default/waiting' });
      await queuedAMinuteAgo(waiting.id);
      // Running and finished runs are not this sweep's.
      const running = await queued({ entityRef: 'resource:default/running' });
      await store.claimMigration(running.id, LEASE);
      const cancelled = await queued({ entityRef: 'resource:default/cancel' });
      await store.requestCancel(cancelled.id);
      for (const id of [running.id, cancelled.id]) {
        await loseJob(id);
        await queuedAMinuteAgo(id);
      }
      enqueue.mockClear();

      expect(
        await store.requeueStrandedRuns(enqueue, liveJobs, GRACE_MS),
      ).toEqual([lost.id]);
      expect(enqueue).toHaveBeenCalledTimes(1);
      expect((await jobs()).sort()).toEqual([lost.id, waiting.id].sort());
      expect(await store.getMigration(lost.id)).toMatchObject({
        status: 'queued',
        attempts: 0,
      });

      // Its new job will run it: later sweeps leave it be.
      expect(
        await store.requeueStrandedRuns(enqueue, liveJobs, GRACE_MS),
      ).toEqual([]);
      expect(enqueue).toHaveBeenCalledTimes(1);
    });

    it('enqueues a stranded run once when several sweeps race for it', async () => {
      const m = await queued();
      await loseJob(m.id);
      await queuedAMinuteAgo(m.id);
      // A slow enqueue keeps each sweep's transaction open, so the sweeps overlap.
      const slowEnqueue: Enqueue = async (tx, id) => {
        await knexOf(tx).raw('SELECT pg_sleep(0.2)');
        await enqueue(tx, id);
      };

      const results = await Promise.all(
        Array.from({ length: 4 }, () =>
          store.requeueStrandedRuns(slowEnqueue, liveJobs, GRACE_MS),
        ),
      );
      expect(results.flat()).toEqual([m.id]);
      expect(await jobs()).toEqual([m.id]);
    });

    it('leaves the run to the next sweep when the enqueue fails', async () => {
      const m = await queued();
      await loseJob(m.id);
      await queuedAMinuteAgo(m.id);
      const failing: Enqueue = async () => {
        throw new Error('queue is down');
      };
      await expect(
        store.requeueStrandedRuns(failing, liveJobs, GRACE_MS),
      ).rejects.toThrow('queue is down');
      expect(
        await store.requeueStrandedRuns(enqueue, liveJobs, GRACE_MS),
      ).toEqual([m.id]);
      expect(await jobs()).toEqual([m.id]);
    });
  });

  describe('checkpoints', () => {
    it('sets, overwrites, reads and clears the checkpoints of one migration', async () => {
      const m = await queued();
      const other = await queued({ entityRef: PLAYS });
      expect(await store.getCheckpoint(m.id, 'backfill')).toBeUndefined();

      await store.setCheckpoint(m.id, 'backfill', {
        lastKey: ['41', 'b'],
        rows: 41,
      });
      await store.setCheckpoint(m.id, 'done:dry-run', true);
      await store.setCheckpoint(m.id, 'source', {
        schema: 'public',
        name: 'events',
      });
      await store.setCheckpoint(other.id, 'backfill', {
        lastKey: null,
        rows: 0,
      });
      expect(await store.getCheckpoint(m.id, 'backfill')).toEqual({
        lastKey: ['41', 'b'],
        rows: 41,
      });
      expect(await store.getCheckpoint(m.id, 'done:dry-run')).toBe(true);

      await store.setCheckpoint(m.id, 'backfill', {
        lastKey: ['99', 'z'],
        rows: 99,
      });
      expect(await store.getCheckpoint(m.id, 'backfill')).toEqual({
        lastKey: ['99', 'z'],
        rows: 99,
      });
      expect(
        await knex('migration_checkpoints')
          .where({ migration_id: m.id })
          .count({ n: '*' }),
      ).toEqual([{ n: '3' }]);

      await store.clearCheckpoints(m.id);
      expect(await store.getCheckpoint(m.id, 'backfill')).toBeUndefined();
      expect(await store.getCheckpoint(m.id, 'done:dry-run')).toBeUndefined();
      expect(
        await knex('migration_checkpoints')
          .where({ migration_id: m.id })
          .count({ n: '*' }),
      ).toEqual([{ n: '0' }]);
      // Other migrations keep theirs.
      expect(await store.getCheckpoint(other.id, 'backfill')).toEqual({
        lastKey: null,
        rows: 0,
      });
    });

    it('keeps checkpoints across attempts and lease changes', async () => {
      const m = await queued();
      await store.claimMigration(m.id, LEASE);
      await store.setCheckpoint(m.id, 'backfill', { rows: 5 });
      await knex('migrations')
        .where({ id: m.id })
        .update({ lease_expires_at: knex.raw(`now() - interval '1 second'`) });
      await store.requeueExpiredRuns(enqueue, 30_000);
      await store.claimMigration(m.id, {
        owner: 'other-worker',
        durationMs: 60_000,
      });
      expect(await store.getCheckpoint(m.id, 'backfill')).toEqual({ rows: 5 });
    });
  });

  it('records progress on the step of its attempt', async () => {
    const m = await queued();
    await store.startStep(m.id, 1, 'backfill');
    await store.startStep(m.id, 2, 'backfill');
    await store.reportProgress(m.id, 1, 'backfill', 1_000, 200_000);
    // Beyond 32 bits: counts are bigint.
    await store.reportProgress(
      m.id,
      2,
      'backfill',
      5_000_000_000,
      6_000_000_000,
    );
    await store.reportProgress(m.id, 2, 'verify', 1, 1); // no such step: nothing is recorded

    const steps = (await store.getMigration(m.id))!.steps;
    expect(
      steps.map(s => [s.name, s.attempt, s.rowsDone, s.rowsTotal]),
    ).toEqual([
      ['backfill', 1, 1_000, 200_000],
      ['backfill', 2, 5_000_000_000, 6_000_000_000],
    ]);

    await store.reportProgress(m.id, 1, 'backfill', 200_000, 200_000);
    await store.finishStep(m.id, 1, 'backfill', 'succeeded');
    expect((await store.getMigration(m.id))!.steps[0]).toMatchObject({
      status: 'succeeded',
      rowsDone: 200_000,
      rowsTotal: 200_000,
    });
  });

  describe('recordVerification', () => {
    const OTHER = { owner: 'other-worker', durationMs: 60_000 };
    const mismatched: VerificationFigures = {
      source: { rows: 5_000_000_001, checksum: 'a1b2' },
      target: { rows: 5_000_000_000, checksum: 'ffee' },
      matched: false,
      durationMs: 1_250,
      rowsDeletedDuringCopy: 3,
    };
    const matched: VerificationFigures = {
      source: { rows: 5_000_000_001, checksum: 'a1b2' },
      target: { rows: 5_000_000_001, checksum: 'a1b2' },
      matched: true,
      durationMs: 900,
    };

    it("keeps the latest attempt's figures with the run, a mismatch too; none before", async () => {
      const m = await queued();
      await store.claimMigration(m.id, LEASE);
      expect((await store.getMigration(m.id))!.verification).toBeUndefined();

      expect(
        await store.recordVerification(m.id, 1, mismatched, LEASE.owner),
      ).toBe(true);
      const first = (await store.getMigration(m.id))!.verification!;
      expect(first).toEqual({
        ...mismatched,
        attempt: 1,
        recordedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      });
      expect(Math.abs(Date.parse(first.recordedAt) - Date.now())).toBeLessThan(
        60_000,
      );
      // Only the run's details carry them, not the listings.
      expect(await store.getMigrationWithPlan(m.id)).not.toHaveProperty(
        'verification',
      );

      await knex('migrations')
        .where({ id: m.id })
        .update({ lease_expires_at: knex.raw(`now() - interval '1 second'`) });
      await store.claimMigration(m.id, OTHER);
      expect(
        await store.recordVerification(m.id, 2, matched, OTHER.owner),
      ).toBe(true);
      // The attempt that lost the run cannot put its figures back.
      expect(
        await store.recordVerification(m.id, 1, mismatched, LEASE.owner),
      ).toBe(false);
      expect((await store.getMigration(m.id))!.verification).toMatchObject({
        ...matched,
        attempt: 2,
      });

      await store.finishMigration(m.id, { status: 'succeeded' }, OTHER.owner);
      expect(
        await store.recordVerification(m.id, 2, mismatched, OTHER.owner),
      ).toBe(false);
      expect((await store.getMigration(m.id))!.verification).toMatchObject(
        matched,
      );
    });
  });

  it('reads recorded schema versions in bulk', async () => {
    const a = await queued({ targetVersion: 3 });
    await store.finishMigration(a.id, { status: 'succeeded' });
    const b = await queued({ entityRef: PLAYS, targetVersion: 7 });
    await store.finishMigration(b.id, { status: 'succeeded' });

    expect(
      await store.getSchemaVersions([EVENTS, PLAYS, 'resource:default/never']),
    ).toEqual(
      new Map([
        [EVENTS, 3],
        [PLAYS, 7],
      ]),
    );
  });
});
