import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { DatabaseMigrationStore } from './DatabaseMigrationStore';
import { DatabaseRunJournal } from './DatabaseRunJournal';
import type { Enqueue, LiveJobs } from './MigrationStore';
import { knexOf } from './StoreTransaction';
import {
  LEASE,
  migrationStoreHarness,
} from './__testUtils__/migrationStoreHarness';

describe('DatabaseRunJournal: leases', () => {
  const harness = migrationStoreHarness();
  let knex: Knex;
  let store: DatabaseMigrationStore;
  let enqueue: jest.MockedFunction<Enqueue>;
  const { jobs, queued } = harness;

  beforeEach(() => {
    ({ knex, store, enqueue } = harness);
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

    it('blocks a claim while a live lease is held, even by the same owner (each attempt has its own)', async () => {
      const m = await queued();
      expect(await store.claimMigration(m.id, LEASE)).toMatchObject({
        status: 'running',
        attempts: 1,
      });

      expect(await store.claimMigration(m.id, OTHER)).toBeUndefined();
      expect((await store.getMigration(m.id))!.attempts).toBe(1);
      expect((await leaseOf(m.id)).owner).toBe(LEASE.owner);

      // An owner is one attempt: its lease held, a second claim under it starts nothing.
      expect(await store.claimMigration(m.id, LEASE)).toBeUndefined();
      expect((await store.getMigration(m.id))!.attempts).toBe(1);
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
          const writer = new DatabaseRunJournal(tx);
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
          await new DatabaseRunJournal(tx).claimMigration(m.id, LEASE);
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
});
