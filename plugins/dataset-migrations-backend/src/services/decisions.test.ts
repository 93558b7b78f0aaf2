import { NotAllowedError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { mockServices } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { RewriteWorkers } from '../consumers/rewriteWorkers';
import { DatabaseMigrationStore } from '../database/DatabaseMigrationStore';
import type { Enqueue, NewMigration } from '../database/MigrationStore';
import { knexOf } from '../database/StoreTransaction';
import { ConsumerService } from './ConsumerService';
import { ConsumerStore } from '../database/ConsumerStore';

const EVENTS = 'resource:default/events';
const LEASE = { owner: 'test-worker', durationMs: 60_000 };

function newMigration(overrides: Partial<NewMigration> = {}): NewMigration {
  const id = overrides.id ?? randomUUID();
  return {
    id,
    entityRef: EVENTS,
    fromVersion: 1,
    targetVersion: 2,
    changes: [{ dropField: { name: 'legacy_flag' } }],
    dryRun: false,
    fingerprint: `fp-${id}`,
    requestedBy: 'user:default/tester',
    ...overrides,
  };
}

/**
 * The rules around decisions, on the real stores: a run parks only while a consumer
 * waits for a decision, holds its dataset meanwhile, and the last decision queues it
 * again with its job in one transaction.
 */
describe('consumer decisions before a migration starts', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let store: DatabaseMigrationStore;
  let consumers: ConsumerStore;
  let enqueue: jest.MockedFunction<Enqueue>;
  const credentials = {
    $$type: '@backstage/BackstageCredentials' as const,
    principal: { type: 'user' as const, userEntityRef: 'user:default/ada' },
  };
  /** The route's permission check on the consumers, allowing. */
  const mayUpdate = jest.fn(async (_entityRefs: string[]) => {});

  function service(hasAgent: boolean, datasetReadable = false) {
    const enqueueConsumer = jest.fn(async () => {});
    return {
      enqueueConsumer,
      service: new ConsumerService({
        consumers,
        migrations: store,
        // Decisions read only whether the caller may read the dataset (its shadow
        // checks' rows): unless a test says so, they may not.
        catalog: {
          getEntity: async () => (datasetReadable ? {} : undefined),
        } as never,
        engines: undefined as never,
        readers: [],
        retentionMs: 0,
        rewrites: new RewriteWorkers(),
        enqueueConsumer,
        hasAgent,
        resumeIfDecided: async id => {
          await store.resumeAfterDecisions(id, enqueue);
        },
      }),
    };
  }

  beforeAll(async () => {
    knex = await init();
    store = await DatabaseMigrationStore.create({
      database: mockServices.database({ knex }),
    });
    consumers = new ConsumerStore(knex);
    await knex.schema.createTable('test_jobs', t => {
      t.uuid('migration_id').notNullable();
    });
  });

  beforeEach(async () => {
    await knex('test_jobs').delete();
    await knex('migrations').delete();
    enqueue = jest.fn(async (tx, migrationId) => {
      await knexOf(tx)('test_jobs').insert({ migration_id: migrationId });
    });
  });

  const jobs = async () =>
    (await knex('test_jobs').select('migration_id')).map(r => r.migration_id);
  const statusOf = async (id: string) =>
    (await store.getMigrationWithPlan(id))!.status;

  /** A claimed run whose consumers are `a` (and `b`) needing a decision, `c` affected. */
  async function runningWithUndecided(names = ['a', 'b']) {
    const created = await store.createMigration(newMigration(), enqueue);
    if (!created.queued) throw new Error('expected a queued migration');
    const id = created.migration.id;
    await store.claimMigration(id, LEASE);
    await consumers.addDiscovered(
      id,
      [...names, 'c'].map(n => ({
        entityRef: `component:default/${n}`,
        depth: 1,
      })),
    );
    for (const n of names)
      await consumers.advance(id, `component:default/${n}`, ['discovered'], {
        state: 'failed',
        failure: {
          kind: 'needs-decision',
          message: 'q.sql:1: reads "legacy_flag"',
        },
      });
    return id;
  }

  it("queues a waiting run again from the sweep once its decisions are in, when the decider's own resume was lost", async () => {
    const id = await runningWithUndecided(['a']);
    const other = await (async () => {
      const created = await store.createMigration(
        newMigration({ entityRef: 'resource:default/other' }),
        enqueue,
      );
      if (!created.queued) throw new Error('expected a queued migration');
      await store.claimMigration(created.migration.id, LEASE);
      await consumers.addDiscovered(created.migration.id, [
        { entityRef: 'component:default/z', depth: 1 },
      ]);
      await consumers.advance(
        created.migration.id,
        'component:default/z',
        ['discovered'],
        {
          state: 'failed',
          failure: { kind: 'needs-decision', message: 'z.sql:1' },
        },
      );
      return created.migration.id;
    })();
    expect(await store.awaitDecisions(id, LEASE.owner)).toBe(true);
    expect(await store.awaitDecisions(other, LEASE.owner)).toBe(true);
    await knex('test_jobs').delete();

    // The decision committed; the process died before it queued the run.
    await consumers.decide(
      id,
      'component:default/a',
      { kind: 'exclude', reason: 'retired', decidedBy: 'user:default/ada' },
      'excluded',
    );
    expect(await store.resumeDecidedRuns(enqueue)).toEqual([id]);
    expect(await statusOf(id)).toBe('queued');
    // Still waiting for its own decision: left parked.
    expect(await statusOf(other)).toBe('awaiting-decision');
    expect(await jobs()).toEqual([id]);
    // Once queued, a second sweep finds nothing to do.
    expect(await store.resumeDecidedRuns(enqueue)).toEqual([]);
    expect(await jobs()).toEqual([id]);
  });

  it('parks a run only while a consumer waits for a decision, and holds its dataset', async () => {
    const id = await runningWithUndecided(['a']);
    expect(await store.awaitDecisions(id, 'another-worker')).toBe(false);
    expect(await store.awaitDecisions(id, LEASE.owner)).toBe(true);
    const parked = await store.getMigrationWithPlan(id);
    expect(parked!.status).toBe('awaiting-decision');
    // Its lease is released: nothing renews or sweeps a waiting run.
    expect(await store.renewLease(id, LEASE)).toBe(false);

    // One active migration per dataset: a waiting one counts.
    const second = await store.createMigration(
      newMigration({ targetVersion: 3 }),
      enqueue,
    );
    expect(second).toMatchObject({
      queued: false,
      active: { id, status: 'awaiting-decision' },
    });
    // Queued again only once nobody waits for a decision.
    expect(await store.resumeAfterDecisions(id, enqueue)).toBe(false);
    await knex('test_jobs').delete();
    await consumers.advance(id, 'component:default/a', ['failed'], {
      state: 'unaffected',
    });
    expect(await store.resumeAfterDecisions(id, enqueue)).toBe(true);
    expect(await statusOf(id)).toBe('queued');
    expect(await jobs()).toEqual([id]);

    // With nothing to decide, a run is not parked.
    await store.claimMigration(id, LEASE);
    expect(await store.awaitDecisions(id, LEASE.owner)).toBe(false);
    expect(await statusOf(id)).toBe('running');
  });

  it('cancels a waiting run at once', async () => {
    const id = await runningWithUndecided(['a']);
    await store.awaitDecisions(id, LEASE.owner);
    const cancelled = (await store.requestCancel(id))!.migration;
    expect(cancelled).toMatchObject({ status: 'cancelled' });
    expect(cancelled.finishedAt).toBeDefined();
  });

  it("settles a cancelled run's consumers with a step ahead as superseded, in the cancel, once; a racing job writes nothing; a retry of the run brings them back", async () => {
    const id = await runningWithUndecided(['a']);
    const [a, c, d] = ['a', 'c', 'd'].map(n => `component:default/${n}`);
    await consumers.addDiscovered(id, [{ entityRef: d, depth: 1 }]);
    await consumers.advance(id, d, ['discovered'], {
      state: 'patched',
      patch: 'diff',
    });
    // A job holds c as the cancel lands.
    const claim = { leaseMs: 60_000, requestPass: false };
    expect(await consumers.claim(id, c, 'job', claim)).toBe(true);
    await store.awaitDecisions(id, LEASE.owner);
    const states = async () =>
      Object.fromEntries(
        (await consumers.list(id)).map(r => [
          r.entityRef,
          [r.state, r.supersededReason],
        ]),
      );
    const reason =
      'Migration ' +
      `${id} of ${EVENTS} (to version 2) was cancelled before its new version went live: readers stay on version 1. Nothing more is needed unless the migration is retried.`;

    expect((await store.requestCancel(id))!.migration.status).toBe('cancelled');
    // Awaiting a decision, it stays so for a retry to find; the others are settled.
    expect(await states()).toEqual({
      [a]: ['failed', undefined],
      [c]: ['superseded', reason],
      [d]: ['superseded', reason],
    });
    expect(
      await knex('migration_consumers')
        .where({ migration_id: id, entity_ref: c })
        .first('claimed_by'),
    ).toEqual({ claimed_by: null });
    // The job's step, fenced on the state it started from, writes nothing, and
    // no job claims a settled consumer.
    expect(
      await consumers.advance(id, c, ['discovered'], { state: 'patched' }),
    ).toBe(false);
    expect(await consumers.claim(id, c, 'another-job', claim)).toBe(false);
    // A cancel again changes nothing.
    const before = await knex('migration_consumers')
      .where({ migration_id: id })
      .orderBy('entity_ref')
      .select('entity_ref', 'state', 'updated_at');
    expect((await store.requestCancel(id))!.changed).toBe(false);
    expect(
      await knex('migration_consumers')
        .where({ migration_id: id })
        .orderBy('entity_ref')
        .select('entity_ref', 'state', 'updated_at'),
    ).toEqual(before);
    // A discovery racing the cancel (a runner that lost its lease) adds none.
    await consumers.addDiscovered(id, [
      { entityRef: 'component:default/e', depth: 1 },
    ]);
    // Nor are its consumers sent on by themselves.
    await expect(
      service(false).service.retry(id, {}, mayUpdate, async () => new Set()),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: `migration ${id} was cancelled: its consumers need nothing more unless the migration is retried, which assesses them again`,
    });
    expect(await states()).toEqual({
      [a]: ['failed', undefined],
      [c]: ['superseded', reason],
      [d]: ['superseded', reason],
    });

    // The run retried: found again, to be assessed and moved once it is live.
    expect((await store.requeueMigration(id, enqueue)).queued).toBe(true);
    expect(await states()).toEqual({
      [a]: ['failed', undefined],
      [c]: ['discovered', undefined],
      [d]: ['discovered', undefined],
    });
  });

  it('settles them when the runner ends a running run cancelled', async () => {
    const id = await runningWithUndecided([]);
    const c = 'component:default/c';
    // Asked while it runs: the runner stops it, and the consumers settle then.
    expect((await store.requestCancel(id))!.migration.status).toBe('running');
    expect((await consumers.get(id, c))!.state).toBe('discovered');
    expect(
      await store.finishMigration(
        id,
        { status: 'cancelled', reason: 'cancelled by request' },
        LEASE.owner,
      ),
    ).toBe(true);
    expect((await consumers.get(id, c))!.state).toBe('superseded');
  });

  it('settles them when the runner ends a run failed, and a retry of the run brings them back', async () => {
    const id = await runningWithUndecided([]);
    const c = 'component:default/c';
    const f = 'component:default/f';
    const mayUpdateAll = async (refs: string[]) => new Set(refs);
    await consumers.addDiscovered(id, [{ entityRef: f, depth: 1 }]);
    await consumers.advance(id, f, ['discovered'], {
      state: 'failed',
      failure: { kind: 'patch-failed', message: 'no patch' },
    });
    expect(
      await store.finishMigration(
        id,
        { status: 'failed', reason: 'the transform fails on 1 rows' },
        LEASE.owner,
      ),
    ).toBe(true);
    expect(await consumers.get(id, c)).toMatchObject({
      state: 'superseded',
      supersededReason: `Migration ${id} of ${EVENTS} (to version 2) failed before its new version went live: readers stay on version 1. Nothing more is needed unless the migration is retried.`,
    });
    await expect(
      service(false).service.retry(id, {}, mayUpdate, async () => new Set()),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: `migration ${id} failed: its consumers need nothing more unless the migration is retried, which assesses them again`,
    });
    // Nor is one that failed offered for a retry the route would refuse.
    expect(await service(false).service.retryable(id, mayUpdateAll)).toEqual({
      allowed: [],
      notAllowed: [],
    });
    expect((await store.requeueMigration(id, enqueue)).queued).toBe(true);
    expect(await service(false).service.retryable(id, mayUpdateAll)).toEqual({
      allowed: [f],
      notAllowed: [],
    });
  });

  it('records each decision with who and why, and the last one queues the run', async () => {
    const id = await runningWithUndecided();
    await store.awaitDecisions(id, LEASE.owner);
    await knex('test_jobs').delete();
    const { service: decisions } = service(false);
    const decide = (body: object) =>
      decisions.decide(id, body, credentials as never, mayUpdate);

    await expect(
      decide({ entityRef: 'component:default/a', decision: 'keep-field' }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/reason: is required to keep the field/),
    });
    await expect(
      decide({ entityRef: 'component:default/a', decision: 'agent' }),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringMatching(/no coding agent is configured/),
    });
    await expect(
      decide({
        entityRef: 'component:default/c',
        decision: 'exclude',
        reason: 'x',
      }),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: 'component:default/c does not need a decision: it is discovered',
    });
    await expect(
      decide({
        entityRef: 'component:default/z',
        decision: 'exclude',
        reason: 'x',
      }),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(
      decisions.decide(
        randomUUID(),
        { entityRef: 'component:default/a', decision: 'exclude', reason: 'x' },
        credentials as never,
        mayUpdate,
      ),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    expect(await consumers.undecided(id)).toHaveLength(2);

    const { consumer: a } = await decide({
      entityRef: 'component:default/a',
      decision: 'keep-field',
      reason: '  moves off it next sprint ',
    });
    expect(a).toMatchObject({
      state: 'kept',
      decision: {
        kind: 'keep-field',
        reason: 'moves off it next sprint',
        decidedBy: 'user:default/ada',
        decidedAt: expect.stringMatching(/Z$/),
      },
    });
    expect(a.failure).toBeUndefined();
    // One decision is still missing: the run waits.
    expect(await statusOf(id)).toBe('awaiting-decision');
    expect(await jobs()).toEqual([]);
    // A consumer already decided cannot be decided again.
    await expect(
      decide({
        entityRef: 'component:default/a',
        decision: 'exclude',
        reason: 'x',
      }),
    ).rejects.toMatchObject({
      message: 'component:default/a does not need a decision: it is kept',
    });

    const { consumer: b } = await decide({
      entityRef: 'component:default/b',
      decision: 'exclude',
      reason: 'retired',
    });
    expect(b).toMatchObject({
      state: 'excluded',
      decision: { kind: 'exclude' },
    });
    expect(await statusOf(id)).toBe('queued');
    expect(await jobs()).toEqual([id]);
    const ledger = await consumers.ledger(id);
    expect(ledger.counts).toMatchObject({
      kept: 1,
      excluded: 1,
      discovered: 1,
    });
  });

  it('hands a consumer to the agent when one is configured, and refuses decisions on a finished run', async () => {
    const id = await runningWithUndecided(['a']);
    await store.awaitDecisions(id, LEASE.owner);
    const { service: decisions, enqueueConsumer } = service(true);
    const { consumer } = await decisions.decide(
      id,
      { entityRef: 'component:default/a', decision: 'agent' },
      credentials as never,
      mayUpdate,
    );
    // Back to the start of the pipeline; the agent takes over after the cut-over.
    expect(consumer).toMatchObject({
      state: 'discovered',
      decision: { kind: 'agent', decidedBy: 'user:default/ada' },
    });
    expect(consumer.decision!.reason).toBeUndefined();
    expect(enqueueConsumer).not.toHaveBeenCalled();
    expect(await statusOf(id)).toBe('queued');

    await store.requestCancel(id); // frees the dataset for the next run
    const other = await runningWithUndecided(['x']);
    await store.finishMigration(other, { status: 'failed', reason: 'boom' });
    await expect(
      decisions.decide(
        other,
        { entityRef: 'component:default/x', decision: 'agent' },
        credentials as never,
        mayUpdate,
      ),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringMatching(/is failed; decisions are taken while/),
    });
  });

  it('refuses the agent for a ledger row recorded before package files were marked, until it is assessed again', async () => {
    const id = await runningWithUndecided(['a', 'b']);
    await store.awaitDecisions(id, LEASE.owner);
    await knex('test_jobs').delete();
    // Written the way the ledger held impacts before FileImpact.dbtPackage: the
    // installed package's file (its directory set by packages-install-path, so
    // its path does not say dbt_packages/) carries no mark, nor does the impact.
    const legacyFile = {
      path: 'vendor/leaderboard/models/board.sql',
      status: 'needs-decision',
      fields: ['legacy_flag'],
      lines: [1],
      problem: { message: 'reads "legacy_flag", which the migration drops' },
    };
    const impactOf = (extra: object) =>
      JSON.stringify({
        status: 'needs-decision',
        fields: ['legacy_flag'],
        files: [legacyFile],
        ...extra,
      });
    await knex('migration_consumers')
      .where({ migration_id: id, entity_ref: 'component:default/a' })
      .update({ impact: impactOf({}) });
    const before = await consumers.get(id, 'component:default/a');
    const { service: decisions, enqueueConsumer } = service(true);
    const decide = (entityRef: string) =>
      decisions.decide(
        id,
        { entityRef, decision: 'agent' },
        credentials as never,
        mayUpdate,
      );
    await expect(decide('component:default/a')).rejects.toMatchObject({
      name: 'ConflictError',
      message:
        'component:default/a: its impact was recorded before files of installed dbt packages (which `dbt deps` replaces, so the coding agent may not patch them) were told apart; retry the consumer to assess its code again, then decide',
    });
    // Nothing recorded, nothing queued: it still waits for a person.
    expect(await consumers.get(id, 'component:default/a')).toEqual(before);
    expect(enqueueConsumer).not.toHaveBeenCalled();
    expect(await consumers.undecided(id)).toHaveLength(2);

    // Assessed since (the impact carries the mark) and no package's file reads
    // the field: the agent takes it.
    await knex('migration_consumers')
      .where({ migration_id: id, entity_ref: 'component:default/b' })
      .update({ impact: impactOf({ dbtPackagesMarked: true }) });
    const { consumer } = await decide('component:default/b');
    expect(consumer).toMatchObject({
      state: 'discovered',
      decision: { kind: 'agent' },
    });
  });

  it('records nothing and queues nothing when the caller may not update the consumer', async () => {
    const id = await runningWithUndecided(['a']);
    await store.awaitDecisions(id, LEASE.owner);
    await knex('test_jobs').delete();
    const { service: decisions, enqueueConsumer } = service(true);
    const refused = jest.fn(async (_entityRefs: string[]) => {
      throw new NotAllowedError('denied');
    });
    await expect(
      decisions.decide(
        id,
        { entityRef: 'component:default/a', decision: 'exclude', reason: 'x' },
        credentials as never,
        refused,
      ),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect(refused).toHaveBeenCalledWith(['component:default/a']);
    expect(await consumers.undecided(id)).toHaveLength(1);
    expect(await statusOf(id)).toBe('awaiting-decision');
    expect(await jobs()).toEqual([]);
    expect(enqueueConsumer).not.toHaveBeenCalled();
  });

  /** Evidence from an earlier attempt: rows only one side returned are the dataset's data. */
  const withDifferingRows = (id: string, entityRef: string) =>
    knex('migration_consumers')
      .where({ migration_id: id, entity_ref: entityRef })
      .update({
        verification: JSON.stringify({
          patchedBy: 'rewriter',
          shadowChecks: [
            {
              path: 'q.sql',
              statement: 1,
              outcome: 'mismatch',
              detail: 'the original returned 2 rows, the rewrite 1',
              differingRows: [{ side: 'before', row: '(7,4111-1111)' }],
            },
          ],
        }),
      });

  it('answers a decision without the rows a shadow check found, to a caller who may not read the dataset', async () => {
    const id = await runningWithUndecided(['a']);
    await withDifferingRows(id, 'component:default/a');
    const { service: decisions } = service(false);
    const { consumer } = await decisions.decide(
      id,
      {
        entityRef: 'component:default/a',
        decision: 'exclude',
        reason: 'retired',
      },
      credentials as never,
      mayUpdate,
    );
    expect(consumer.state).toBe('excluded');
    expect(JSON.stringify(consumer)).not.toContain('4111');
    expect(consumer.verification!.shadowChecks[0]).toMatchObject({
      differingRowsHidden: true,
    });
  });

  it("answers a decision with those rows only to a caller who may also see the dataset's rows", async () => {
    const id = await runningWithUndecided(['a', 'b']);
    await withDifferingRows(id, 'component:default/a');
    await withDifferingRows(id, 'component:default/b');
    const { service: decisions } = service(false, true);
    const decided = (name: string, sees: boolean) =>
      decisions.decide(
        id,
        {
          entityRef: `component:default/${name}`,
          decision: 'exclude',
          reason: 'retired',
        },
        credentials as never,
        mayUpdate,
        async refs => new Set(sees ? refs : []),
      );
    const seen = (await decided('a', true)).consumer;
    expect(seen.verification!.shadowChecks[0].differingRows).toEqual([
      { side: 'before', row: '(7,4111-1111)' },
    ]);
    // Readable in the catalog, but no right to start or approve its migrations.
    const withheld = (await decided('b', false)).consumer;
    expect(JSON.stringify(withheld)).not.toContain('4111');
    expect(withheld.verification!.shadowChecks[0]).toMatchObject({
      differingRowsHidden: true,
    });
  });
});
