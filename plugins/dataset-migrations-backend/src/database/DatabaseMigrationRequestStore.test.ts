import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { DatabaseMigrationStore } from './DatabaseMigrationStore';
import type { Enqueue } from './MigrationStore';
import { knexOf } from './StoreTransaction';
import {
  EVENTS,
  LEASE,
  PLAYS,
  migrationStoreHarness,
  newMigration,
} from './__testUtils__/migrationStoreHarness';

describe('DatabaseMigrationRequestStore', () => {
  const harness = migrationStoreHarness();
  let knex: Knex;
  let store: DatabaseMigrationStore;
  let enqueue: jest.MockedFunction<Enqueue>;
  const { jobs, queued } = harness;

  beforeEach(() => {
    ({ knex, store, enqueue } = harness);
  });

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

  it("reads a request's repeat and its dataset's state in one, as findByFingerprint and getDatasetState do", async () => {
    const m = await queued({ fingerprint: 'same' });
    // Not migrated yet: no state.
    expect(await store.findRequestGrounds('same', m.entityRef)).toEqual({
      repeated: await store.findByFingerprint('same'),
    });

    await store.claimMigration(m.id, LEASE);
    await store.finishMigration(m.id, { status: 'succeeded' });
    const grounds = await store.findRequestGrounds('same', m.entityRef);
    expect(grounds.repeated?.status).toBe('succeeded');
    expect(grounds.repeated).toEqual(await store.findByFingerprint('same'));
    expect(grounds.dataset?.schemaVersion).toBe(m.targetVersion);
    expect(grounds.dataset).toEqual(await store.getDatasetState(m.entityRef));

    // No repeat, the state still read; neither: nothing.
    expect(await store.findRequestGrounds('other', m.entityRef)).toEqual({
      dataset: grounds.dataset,
    });
    expect(await store.findRequestGrounds('other', PLAYS)).toEqual({});
  });

  describe('requestCancel', () => {
    it('cancels a queued migration at once', async () => {
      const m = await queued();
      expect(await store.isCancelRequested(m.id)).toBe(false);

      const { migration: cancelled, changed } = (await store.requestCancel(
        m.id,
      ))!;
      expect(changed).toBe(true);
      expect(cancelled).toMatchObject({
        id: m.id,
        status: 'cancelled',
        cancelRequested: true,
      });
      expect(cancelled.finishedAt).toBeDefined();
      expect(await store.isCancelRequested(m.id)).toBe(true);
      // Asked again (two cancels at once), it changes nothing and says so.
      expect(await store.requestCancel(m.id)).toMatchObject({
        migration: { status: 'cancelled' },
        changed: false,
      });
      // The dataset is free again.
      expect(
        (await store.createMigration(newMigration(), enqueue)).queued,
      ).toBe(true);
    });

    it('asks a running migration to stop without finishing it', async () => {
      const m = await queued();
      await store.claimMigration(m.id, LEASE);
      const result = await store.requestCancel(m.id);
      expect(result?.migration).toMatchObject({
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
        migration: { id: m.id, status: 'succeeded', cancelRequested: false },
        changed: false,
      });
      expect(await store.requestCancel(randomUUID())).toBeUndefined();
      // An unknown migration counts as cancelled, so a stray job stops.
      expect(await store.isCancelRequested(randomUUID())).toBe(true);
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
});
