import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { VerificationFigures } from '@dataset-migrations/plugin-dataset-migrations-common';
import type { DatabaseMigrationStore } from './DatabaseMigrationStore';
import type { Enqueue } from './MigrationStore';
import {
  LEASE,
  PLAYS,
  migrationStoreHarness,
} from './__testUtils__/migrationStoreHarness';

describe('DatabaseRunJournal', () => {
  const harness = migrationStoreHarness();
  let knex: Knex;
  let store: DatabaseMigrationStore;
  let enqueue: jest.MockedFunction<Enqueue>;
  const { queued } = harness;

  beforeEach(() => {
    ({ knex, store, enqueue } = harness);
  });

  describe('claimMigration', () => {
    it('marks the migration running and counts attempts', async () => {
      const m = await queued();
      const first = await store.claimMigration(m.id, LEASE);
      expect(first).toMatchObject({ id: m.id, status: 'running', attempts: 1 });
      expect(first!.startedAt).toBeDefined();

      // A re-delivered job for a running migration whose lease the sweep freed is
      // a new attempt; startedAt stays.
      await knex('migrations')
        .where({ id: m.id })
        .update({ lease_owner: null });
      const second = await store.claimMigration(m.id, {
        ...LEASE,
        owner: 'w2',
      });
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

  it('closes, as failed, the steps a run that failed or was cancelled left running', async () => {
    for (const status of ['failed', 'cancelled'] as const) {
      const m = await queued();
      await store.claimMigration(m.id, LEASE);
      // Its failure was not recorded: the session was lost.
      await store.startStep(m.id, 1, 'verify');
      expect(
        await store.finishMigration(m.id, { status, reason: 'x' }, LEASE.owner),
      ).toBe(true);
      expect((await store.getMigration(m.id))!.steps).toEqual([
        expect.objectContaining({
          name: 'verify',
          status: 'failed',
          finishedAt: expect.any(String),
        }),
      ]);
    }
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

  it("keeps a dry run's sample rows with the run, only while the lease holds", async () => {
    const m = await queued();
    await store.claimMigration(m.id, LEASE);
    expect(await store.getMigration(m.id)).not.toHaveProperty('dryRunSample');
    const sample = {
      before: ['id', 'country'],
      after: ['id', 'country_code'],
      rows: [
        {
          before: { id: '1', country: 'SE' },
          after: { id: '1', country_code: 'SE' },
        },
        {
          before: { id: '2', country: null },
          after: { id: '2', country_code: null },
        },
      ],
    };
    expect(await store.recordDryRunSample(m.id, sample, LEASE.owner)).toBe(
      true,
    );
    expect((await store.getMigration(m.id))!.dryRunSample).toEqual(sample);
    expect(
      await store.recordDryRunSample(
        m.id,
        { ...sample, rows: [] },
        'not-the-owner',
      ),
    ).toBe(false);
    expect((await store.getMigration(m.id))!.dryRunSample).toEqual(sample);
  });
});
