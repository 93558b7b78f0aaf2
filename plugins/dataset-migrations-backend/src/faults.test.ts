import { setTimeout as sleep } from 'node:timers/promises';
import knexFactory, { type Knex } from 'knex';
import { mockServices } from '@backstage/backend-test-utils';
import {
  planFieldChanges,
  type FieldChange,
  type MigrationDetails,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  MigrationInterruptedError,
  type DatasetMigrationRun,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  connectionUrlOf,
  createTestDatabases,
  createTestEngine,
  waitFor,
} from './__testUtils__/testDatabases';
import { dataset } from './__testUtils__/fixtures';
import {
  freePort,
  startRestartablePostgres,
} from './__testUtils__/postgresServer';
import {
  killAllReplicaProcesses,
  spawnReplica,
  startReplica,
  type Replica,
  type ReplicaOptions,
  type ReplicaProcess,
} from './__testUtils__/replica';

/**
 * Fault injection on real processes and a real Postgres: a backend killed in the
 * middle of a backfill, the warehouse restarting under it, unreachable or dropping a
 * connection, a cancel in the middle or while no worker runs the migration.
 * Every wait is bounded polling; the one timing assertion is the 60 s within which
 * a killed replica's run must be finished by another.
 */

const EVENTS = 'resource:default/events';
const ROWS = 200_000;
/** Slow enough (~15 s for 200k rows) to be caught in the middle. */
const SLOW_BACKFILL = { maxBatchRows: 1000, pause: '50ms' };
const LEASE_SECONDS = 3;

const CHANGES: FieldChange[] = [
  { renameField: { from: 'user_id', to: 'listener_id' } },
  { changeType: { field: 'duration', type: 'integer' } },
  { addField: { name: 'country', type: 'text', default: 'SE' } },
  { dropField: { name: 'note' } },
];
/** The target version's row computed from a version 1 row: the oracle the view is checked against. */
const MAPPED_V1_ROW = `ROW(id, user_id, duration::integer, 'SE'::text)`;
const V2_ROW = `ROW(id, listener_id, duration, country)`;

async function createEvents(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE public.events (id bigint PRIMARY KEY, user_id text NOT NULL, duration text, note text);
    INSERT INTO public.events
      SELECT g, 'user-' || (g % 997), CASE WHEN g % 10 = 0 THEN NULL ELSE (g % 600)::text END, md5(g::text)
        FROM generate_series(1, ${ROWS}) AS g;
    ANALYZE public.events;`);
}

/** Row count and an order-independent checksum of `expression` over `relation`. */
async function checksum(knex: Knex, relation: string, expression: string) {
  const { rows } = await knex.raw(
    `SELECT count(*)::bigint AS rows,
            coalesce(sum(('x' || substr(md5((${expression})::text), 1, 16))::bit(64)::bigint::numeric), 0)::text AS sum
       FROM ${relation}`,
  );
  return { rows: Number(rows[0].rows), sum: rows[0].sum as string };
}

async function relkind(knex: Knex, name: string): Promise<string | undefined> {
  const { rows } = await knex.raw(
    `SELECT relkind FROM pg_class WHERE oid = to_regclass(?)`,
    [name],
  );
  return rows[0]?.relkind;
}

/** What a run may leave on the warehouse besides its target: the capture trigger, function and deleted-keys table. */
/** The engine's triggers on the dataset, and its objects in the dataset's schema and its own. */
async function leftovers(knex: Knex, schema = 'public') {
  const { rows: triggers } = await knex.raw(
    `SELECT tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = ?) AND NOT t.tgisinternal ORDER BY 1`,
    [schema],
  );
  const { rows: relations } = await knex.raw(
    `SELECT relname FROM pg_class WHERE relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = ?) AND relname LIKE 'dsm\\_%' ORDER BY 1`,
    [schema],
  );
  const { rows: functions } = await knex.raw(
    `SELECT proname FROM pg_proc WHERE pronamespace = (SELECT oid FROM pg_namespace WHERE nspname = ?) AND proname LIKE 'dsm\\_%' ORDER BY 1`,
    [schema],
  );
  return {
    triggers: triggers.map((r: { tgname: string }) => r.tgname),
    relations: relations.map((r: { relname: string }) => r.relname),
    functions: functions.map((r: { proname: string }) => r.proname),
  };
}

/** The capture's triggers on the source while a run copies it: rows, and TRUNCATE. */
const CAPTURE_TRIGGERS = [
  expect.stringMatching(/^dsm_\w+_capture$/),
  expect.stringMatching(/^dsm_\w+_capture_truncate$/),
];

/** The target version is complete and exactly the mapped version 1, with no duplicate keys. */
async function expectMigratedExactly(warehouse: Knex) {
  expect(await relkind(warehouse, 'public.events')).toBe('v');
  expect(await relkind(warehouse, 'public.events_v1')).toBe('r');
  expect(await relkind(warehouse, 'public.events_v2')).toBe('r');
  const source = await checksum(warehouse, 'public.events_v1', MAPPED_V1_ROW);
  const view = await checksum(warehouse, 'public.events_v2', V2_ROW);
  expect(view).toEqual(source);
  const { rows } = await warehouse.raw(
    `SELECT count(*)::int AS rows, count(DISTINCT id)::int AS keys FROM public.events`,
  );
  expect(rows[0].keys).toBe(rows[0].rows);
  const { rows: pk } = await warehouse.raw(
    `SELECT count(*)::int AS n FROM pg_index WHERE indrelid = 'public.events_v2'::regclass AND indisprimary`,
  );
  expect(pk[0].n).toBe(1);
  // Until contract the name still serves version 1's shape (a dropped field comes
  // from version 1), with the rows of version 2.
  expect(
    await checksum(
      warehouse,
      'public.events',
      'ROW(id, user_id, duration::integer)',
    ),
  ).toEqual(
    await checksum(
      warehouse,
      'public.events_v1',
      'ROW(id, user_id, duration::integer)',
    ),
  );
  // The capture is gone; what is left carries writes back to version 1 for a
  // rollback, writes through the expand view to version 2, and refuses there
  // what version 1's readers could not read.
  const left = await leftovers(warehouse);
  expect(left.triggers).toEqual([
    expect.stringMatching(/^dsm_[0-9a-f]{12}_expand$/),
    expect.stringMatching(/^dsm_[0-9a-f]{12}_expand_fits$/),
    expect.stringMatching(/^dsm_[0-9a-f]{12}_frozen_previous$/),
    expect.stringMatching(/^dsm_[0-9a-f]{12}_reverse$/),
    expect.stringMatching(/^dsm_[0-9a-f]{12}_reverse_truncate$/),
  ]);
  // Their functions and bookkeeping are in the engine's schema, not the dataset's.
  expect(left.functions).toEqual([]);
  expect(left.relations).toEqual([]);
  const own = await leftovers(warehouse, 'dataset_migrations_engine');
  expect(own.functions).toEqual([
    expect.stringMatching(/^dsm_[0-9a-f]{12}_expand$/),
    expect.stringMatching(/^dsm_[0-9a-f]{12}_expand_fits$/),
    expect.stringMatching(/^dsm_[0-9a-f]{12}_frozen_previous$/),
    expect.stringMatching(/^dsm_[0-9a-f]{12}_reverse$/),
    expect.stringMatching(/^dsm_[0-9a-f]{12}_reverse_truncate$/),
  ]);
  expect(own.relations).toEqual([
    expect.stringMatching(/^dsm_[0-9a-f]{12}_reverse_failures$/),
  ]);
  return source;
}

async function call(
  api: string,
  method: 'GET' | 'POST',
  route: string,
  body?: unknown,
) {
  const res = await fetch(`${api}${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function requestMigration(api: string): Promise<string> {
  const res = await call(api, 'POST', '/migrations', {
    entityRef: EVENTS,
    targetVersion: 2,
    changes: CHANGES,
  });
  expect(res.status).toBe(201);
  return res.body.migration.id;
}

async function migrationOf(api: string, id: string): Promise<MigrationDetails> {
  const res = await call(api, 'GET', `/migrations/${id}`);
  expect(res.status).toBe(200);
  return res.body.migration;
}

/** The latest backfill step of a run, read from the plugin database (no replica needed). */
async function backfillProgress(pluginDb: Knex, id: string) {
  const step = await pluginDb('migration_steps')
    .where({ migration_id: id, name: 'backfill' })
    .orderBy('attempt', 'desc')
    .first('attempt', 'status', 'rows_done', 'rows_total');
  if (!step) return undefined;
  return {
    attempt: step.attempt as number,
    done: Number(step.rows_done ?? 0),
    total: Number(step.rows_total ?? 0),
  };
}

/** Waits until the run's backfill has copied some rows, at most `maxShare` of them. */
function waitForBackfillMidway(
  pluginDb: Knex,
  id: string,
  { minRows = 1, maxShare = 1 } = {},
) {
  return waitFor(
    async () => {
      const step = await backfillProgress(pluginDb, id);
      if (!step || step.done < minRows) return undefined;
      if (step.done >= step.total * maxShare) {
        throw new Error(
          `the backfill got to ${step.done} of ${step.total} rows before it could be interrupted`,
        );
      }
      return step;
    },
    {
      timeoutMs: 30_000,
      intervalMs: 50,
      what: `the backfill of migration ${id} to be midway`,
    },
  );
}

async function waitForStatus(
  api: string,
  id: string,
  statuses: string[],
  timeoutMs: number,
) {
  return waitFor(
    async () => {
      const migration = await migrationOf(api, id);
      return statuses.includes(migration.status) ? migration : undefined;
    },
    {
      timeoutMs,
      intervalMs: 250,
      what: `migration ${id} to become ${statuses.join(' or ')}`,
    },
  );
}

/**
 * Writes to the source table while it is migrated: inserts, updates, deletes and
 * primary-key changes, recording what it did so the test can look for each.
 */
function startWriter(knex: Knex) {
  const inserted = new Map<number, string>();
  const updated = new Map<number, string>();
  const deleted = new Set<number>();
  const moved = new Map<number, number>();
  let stopping = false;
  let n = 0;
  // Ids of one residue class mod 7, so each kind of write has its own rows.
  const someId = (residue: number) =>
    7 * Math.floor(Math.random() * Math.floor(ROWS / 7 - 1)) + residue;
  const loop = (async () => {
    while (!stopping) {
      n += 1;
      switch (n % 4) {
        case 0: {
          const id = 1_000_000 + n;
          await knex('events').insert({
            id,
            user_id: `writer-${n}`,
            duration: String(n % 600),
            note: 'new',
          });
          inserted.set(id, `writer-${n}`);
          break;
        }
        case 1: {
          const id = someId(1);
          const count = await knex('events')
            .where({ id })
            .update({ user_id: `updated-${n}`, duration: null });
          if (count) updated.set(id, `updated-${n}`);
          break;
        }
        case 2: {
          const id = someId(3);
          await knex('events').where({ id }).delete();
          deleted.add(id);
          break;
        }
        default: {
          const id = someId(5);
          if (moved.has(id)) break;
          const count = await knex('events')
            .where({ id })
            .update({ id: id + 2_000_000 });
          if (count) moved.set(id, id + 2_000_000);
        }
      }
      await sleep(5);
    }
  })();
  let result: Promise<void> | undefined;
  return {
    writes: () => n,
    /** Stops after the write in flight; rethrows a write that failed. */
    stop: () => {
      stopping = true;
      result ??= loop;
      return result;
    },
    /** Looks for every recorded write in the new version (`public.events_v2`; the name serves both shapes until contract). */
    async expectArrived(warehouse: Knex) {
      const ids = (keys: Iterable<number>) => [...keys];
      const rows = async (keys: number[]) =>
        new Map(
          (
            await warehouse('events_v2')
              .whereIn('id', keys)
              .select('id', 'listener_id', 'duration', 'country')
          ).map(
            (r: {
              id: string;
              listener_id: string;
              duration: number | null;
              country: string;
            }) => [Number(r.id), r],
          ),
        );
      const insertedRows = await rows(ids(inserted.keys()));
      for (const [id, user] of inserted) {
        const duration = (id - 1_000_000) % 600;
        expect(insertedRows.get(id)).toEqual({
          id: String(id),
          listener_id: user,
          duration,
          country: 'SE',
        });
      }
      const updatedRows = await rows(ids(updated.keys()));
      for (const [id, user] of updated) {
        expect(updatedRows.get(id)).toMatchObject({
          listener_id: user,
          duration: null,
        });
      }
      expect((await rows(ids(deleted))).size).toBe(0);
      expect((await rows(ids(moved.keys()))).size).toBe(0);
      expect((await rows(ids(moved.values()))).size).toBe(moved.size);
      return {
        inserted: inserted.size,
        updated: updated.size,
        deleted: deleted.size,
        moved: moved.size,
      };
    },
  };
}

/** Adds a replica's output to a failure, which would otherwise say little about what the process did. */
async function withOutputOnFailure<T>(
  replicas: () => ReplicaProcess[],
  test: () => Promise<T>,
): Promise<T> {
  try {
    return await test();
  } catch (error) {
    for (const replica of replicas()) {
      const output = replica.output().split('\n').slice(-60).join('\n');
      (
        error as Error
      ).message += `\n--- replica ${replica.pid} (last lines) ---\n${output}`;
    }
    throw error;
  }
}

describe('fault injection', () => {
  const { init } = createTestDatabases();
  const inProcess: Replica[] = [];

  afterEach(async () => {
    await killAllReplicaProcesses();
    await Promise.all(inProcess.splice(0).map(r => r.stop()));
  }, 30_000);

  async function replicaOptions(
    warehouseUrl: string,
    pluginDb?: Knex,
  ): Promise<ReplicaOptions> {
    return {
      pluginDatabaseUrl: connectionUrlOf(pluginDb ?? (await init())),
      entities: [dataset('events')],
      engines: {
        warehouse: {
          type: 'postgres',
          connection: warehouseUrl,
          backfill: SLOW_BACKFILL,
        },
      },
      worker: { lease: `${LEASE_SECONDS}s` },
      logLevel: 'info',
    };
  }

  async function startInProcess(options: ReplicaOptions): Promise<Replica> {
    const replica = await startReplica({ ...options, logLevel: 'none' });
    inProcess.push(replica);
    return replica;
  }

  it('finishes a run on another replica after the one running it is killed mid-backfill', async () => {
    const pluginDb = await init();
    const warehouse = await init();
    await createEvents(warehouse);
    const options = await replicaOptions(connectionUrlOf(warehouse), pluginDb);
    const processes: ReplicaProcess[] = [];

    await withOutputOnFailure(
      () => processes,
      async () => {
        const first = await spawnReplica(options);
        processes.push(first);
        const id = await requestMigration(first.api);
        const writer = startWriter(warehouse);
        try {
          await waitForBackfillMidway(pluginDb, id, {
            minRows: 20_000,
            maxShare: 0.5,
          });
          const owner = await pluginDb('migrations')
            .where({ id })
            .first('lease_owner', 'status');
          expect(owner).toEqual({
            lease_owner: expect.stringContaining(`:${first.pid}:`),
            status: 'running',
          });

          await first.kill('SIGKILL');
          const killedAt = Date.now();
          const atKill = (await backfillProgress(pluginDb, id))!;
          expect(atKill).toMatchObject({ attempt: 1 });
          expect(atKill.done).toBeGreaterThan(0);
          expect(atKill.done).toBeLessThan(atKill.total);

          // Nobody runs it now, and the capture trigger keeps recording the writes.
          const second = await spawnReplica(options);
          processes.push(second);
          // Keep writing until the resumed backfill is under way, then stop well before
          // the cut-over: version 1 is frozen from then on, and is the oracle.
          await waitFor(
            async () => {
              const step = await backfillProgress(pluginDb, id);
              return step && step.attempt === 2 && step.done > atKill.done
                ? step
                : undefined;
            },
            {
              timeoutMs: 45_000,
              intervalMs: 50,
              what: 'the second replica to resume the backfill',
            },
          );
          await writer.stop();
          expect(writer.writes()).toBeGreaterThan(20);

          // Waits longer than the bound, so the assertion below is what decides.
          const done = await waitForStatus(
            second.api,
            id,
            ['succeeded', 'failed', 'cancelled'],
            90_000,
          );
          expect(done).toMatchObject({ status: 'succeeded', attempts: 2 });
          expect(done.failureReason).toBeUndefined();
          expect(Date.parse(done.finishedAt!) - killedAt).toBeLessThan(60_000);

          expect(done.steps.map(s => [s.name, s.attempt, s.status])).toEqual([
            ['plan', 1, 'succeeded'],
            ['dry-run', 1, 'succeeded'],
            ['create-target', 1, 'succeeded'],
            // The killed attempt never finished its step; the next claim closes it.
            ['backfill', 1, 'failed'],
            // Attempt 2 runs the plan attempt 1 pinned, from the backfill's checkpoint.
            ['backfill', 2, 'succeeded'],
            ['indexes', 2, 'succeeded'],
            ['verify', 2, 'succeeded'],
            ['cut-over', 2, 'succeeded'],
          ]);
          const logs = done.logs.map(
            l => `${l.attempt}:${l.step ?? '-'}:${l.message}`,
          );
          const secondStarted = new RegExp(
            `^2:-:attempt 2 started on \\S+:${second.pid}:`,
          );
          expect(logs).toContainEqual(expect.stringMatching(secondStarted));
          const resumed = logs
            .map(l =>
              /^2:backfill:resuming the backfill after (\d+) rows$/.exec(l),
            )
            .find(Boolean);
          expect(resumed).toBeTruthy();
          const resumedAfter = Number(resumed![1]);
          expect(resumedAfter).toBeGreaterThanOrEqual(atKill.done);
          expect(resumedAfter).toBeLessThan(ROWS);
          expect(
            done.steps.find(s => s.name === 'backfill' && s.attempt === 2),
          ).toMatchObject({
            rowsDone: expect.any(Number),
          });

          const source = await expectMigratedExactly(warehouse);
          const writes = await writer.expectArrived(warehouse);
          expect(source.rows).toBe(ROWS + writes.inserted - writes.deleted);
          expect(writes.inserted).toBeGreaterThan(0);
          expect(
            writes.updated + writes.deleted + writes.moved,
          ).toBeGreaterThan(0);
          expect(
            (
              await call(
                second.api,
                'GET',
                `/schema-versions?entityRef=${EVENTS}`,
              )
            ).body.schemaVersion,
          ).toBe(2);
        } finally {
          await writer.stop().catch(() => {});
        }
      },
    );
  }, 120_000);

  it('resumes a backfill after the warehouse Postgres restarts under it', async () => {
    const server = await startRestartablePostgres();
    const connect = () =>
      knexFactory({
        client: 'pg',
        connection: server.url,
        pool: { min: 0, max: 4 },
      });
    // Closed before the restart and opened again after, so no pooled connection of the test breaks.
    let warehouse = connect();
    try {
      await createEvents(warehouse);
      const pluginDb = await init();
      const replica = await startInProcess(
        await replicaOptions(server.url, pluginDb),
      );
      const id = await requestMigration(replica.api);
      await waitForBackfillMidway(pluginDb, id, {
        minRows: 10_000,
        maxShare: 0.6,
      });

      await warehouse.destroy();
      await server.stop();
      // Down long enough for the next attempt to find it down too.
      await waitFor(
        async () => {
          const line = await pluginDb('migration_logs')
            .where({ migration_id: id })
            .where('attempt', '>=', 2)
            .where(
              'message',
              'like',
              'interrupted: the database is unavailable%',
            )
            .first('attempt');
          return line;
        },
        {
          timeoutMs: 20_000,
          intervalMs: 100,
          what: 'an attempt to be interrupted while the warehouse is down',
        },
      );
      expect(
        await pluginDb('migrations').where({ id }).first('status'),
      ).toEqual({ status: 'running' });
      await server.start();
      warehouse = connect();

      const done = await waitForStatus(
        replica.api,
        id,
        ['succeeded', 'failed', 'cancelled'],
        60_000,
      );
      expect(done.status).toBe('succeeded');
      expect(done.failureReason).toBeUndefined();
      expect(done.attempts).toBeGreaterThanOrEqual(3);
      const logs = done.logs.map(
        l => `${l.attempt}:${l.step ?? '-'}:${l.message}`,
      );
      // The first attempt was cut off in the backfill, and said so.
      expect(
        done.steps.find(s => s.attempt === 1 && s.name === 'backfill'),
      ).toMatchObject({ status: 'failed' });
      expect(logs).toContainEqual(
        expect.stringMatching(
          /^1:-:interrupted: the database is unavailable: .+; the run resumes from its checkpoints$/,
        ),
      );
      const last = done.attempts;
      const resumed = new RegExp(
        `^${last}:backfill:resuming the backfill after \\d+ rows$`,
      );
      expect(logs).toContainEqual(expect.stringMatching(resumed));
      expect(
        done.steps.filter(s => s.attempt === last).map(s => [s.name, s.status]),
      ).toEqual([
        ['backfill', 'succeeded'],
        ['indexes', 'succeeded'],
        ['verify', 'succeeded'],
        ['cut-over', 'succeeded'],
      ]);

      const source = await expectMigratedExactly(warehouse);
      expect(source.rows).toBe(ROWS);
    } finally {
      await warehouse.destroy();
      await server.destroy();
    }
  }, 120_000);

  it('reports an unreachable warehouse as an interruption, also to a run that is planning', async () => {
    // Nothing listens there: like a warehouse that is still restarting when an attempt starts.
    const port = await freePort();
    const engine = await createTestEngine(
      `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`,
    );
    try {
      const introspected = engine.introspect({ table: 'public.events' });
      await expect(introspected).rejects.toBeInstanceOf(
        MigrationInterruptedError,
      );
      await expect(introspected).rejects.toThrow(
        /^the database is unavailable: .*ECONNREFUSED/,
      );
    } finally {
      await engine.close?.();
    }
  });

  it('carries on when the warehouse drops a connection the engine holds between two queries', async () => {
    const warehouse = await init();
    await warehouse.raw(`
      CREATE TABLE public.events (id bigint PRIMARY KEY, user_id text NOT NULL, duration text, note text);
      INSERT INTO public.events VALUES (1, 'alice', '180', 'a'), (2, 'bob', NULL, 'b'), (3, 'carol', '95', NULL);`);
    const logger = mockServices.logger.mock();
    const engine = await createTestEngine(warehouse, { logger });
    try {
      const { fields } = await engine.introspect({ table: 'public.events' });
      const checkpoints = new Map<string, unknown>();
      let dropped = false;
      const run: DatasetMigrationRun = {
        migrationId: '00000000-0000-4000-8000-0000000000fa',
        entityRef: EVENTS,
        dataset: { table: 'public.events' },
        fromVersion: 1,
        targetVersion: 2,
        targetFields: planFieldChanges(fields, CHANGES).fields,
        dryRun: false,
        step: (_name, work) => work(),
        log: async message => {
          if (dropped || !message.startsWith('transformed')) return;
          dropped = true;
          // The dry run logs with its connection checked out, idle in its transaction:
          // the server ends that connection now, as a restart or an operator would.
          const { rows } = await warehouse.raw(
            `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
              WHERE datname = current_database() AND state = 'idle in transaction' AND pid <> pg_backend_pid()`,
          );
          expect(rows).toEqual([{ terminated: true }]);
          // The engine's client hears of it while none of its queries runs.
          await waitFor(
            async () => (logger.warn.mock.calls.length > 0 ? true : undefined),
            {
              timeoutMs: 10_000,
              what: 'the engine to hear that its connection was closed',
            },
          );
        },
        throwIfCancelled: async () => {},
        checkpoints: {
          get: async <T>(name: string) =>
            checkpoints.get(name) as T | undefined,
          set: async (name, value) => {
            checkpoints.set(name, JSON.parse(JSON.stringify(value)));
          },
          clear: async () => checkpoints.clear(),
        },
        progress: async () => {},
        recordVerification: async () => {},
        recordDryRunSample: async () => {},
      };
      await engine.migrate(run);

      expect(dropped).toBe(true);
      expect(logger.warn).toHaveBeenCalledWith(
        'Engine warehouse: connection error: terminating connection due to administrator command',
      );
      // The broken client was dropped and the run went on with a new one.
      expect(await relkind(warehouse, 'public.events')).toBe('v');
      expect(await checksum(warehouse, 'public.events', V2_ROW)).toEqual(
        await checksum(warehouse, 'public.events_v1', MAPPED_V1_ROW),
      );
    } finally {
      await engine.close?.();
    }
  });

  describe('cancel', () => {
    async function expectUntouched(
      warehouse: Knex,
      before: { rows: number; sum: string },
    ) {
      expect(await relkind(warehouse, 'public.events')).toBe('r');
      expect(await relkind(warehouse, 'public.events_v1')).toBeUndefined();
      expect(await relkind(warehouse, 'public.events_v2')).toBeUndefined();
      expect(
        await checksum(
          warehouse,
          'public.events',
          'ROW(id, user_id, duration, note)',
        ),
      ).toEqual(before);
      for (const schema of ['public', 'dataset_migrations_engine']) {
        expect(await leftovers(warehouse, schema)).toEqual({
          triggers: [],
          relations: [],
          functions: [],
        });
      }
    }

    it('stops a run mid-backfill and leaves the dataset as it was', async () => {
      const warehouse = await init();
      await createEvents(warehouse);
      const before = await checksum(
        warehouse,
        'public.events',
        'ROW(id, user_id, duration, note)',
      );
      const pluginDb = await init();
      const replica = await startInProcess(
        await replicaOptions(connectionUrlOf(warehouse), pluginDb),
      );
      const id = await requestMigration(replica.api);
      await waitForBackfillMidway(pluginDb, id, { maxShare: 0.8 });
      // Mid-backfill, the target and the capture trigger exist.
      expect(await relkind(warehouse, 'public.events_v2')).toBe('r');
      expect((await leftovers(warehouse)).triggers).toEqual(CAPTURE_TRIGGERS);

      const cancel = await call(
        replica.api,
        'POST',
        `/migrations/${id}/cancel`,
      );
      expect(cancel.status).toBe(200);
      expect(cancel.body.migration).toMatchObject({
        status: 'running',
        cancelRequested: true,
      });

      const done = await waitForStatus(
        replica.api,
        id,
        ['succeeded', 'failed', 'cancelled'],
        30_000,
      );
      expect(done).toMatchObject({
        status: 'cancelled',
        failureReason: 'cancelled by request',
        attempts: 1,
      });
      expect(done.steps.map(s => [s.name, s.status])).toEqual([
        ['plan', 'succeeded'],
        ['dry-run', 'succeeded'],
        ['create-target', 'succeeded'],
        ['backfill', 'failed'],
      ]);
      expect(done.logs.at(-1)).toMatchObject({
        level: 'warn',
        message: 'cancelled; nothing was changed',
      });
      await expectUntouched(warehouse, before);
      expect(
        await pluginDb('migration_checkpoints').where({ migration_id: id }),
      ).toEqual([]);
      expect(
        (await call(replica.api, 'GET', `/schema-versions?entityRef=${EVENTS}`))
          .body.schemaVersion,
      ).toBeNull();
    }, 60_000);

    it('cleans up after a run whose backend went away, when it is cancelled before another resumes it', async () => {
      const warehouse = await init();
      await createEvents(warehouse);
      const before = await checksum(
        warehouse,
        'public.events',
        'ROW(id, user_id, duration, note)',
      );
      const pluginDb = await init();
      const options = await replicaOptions(
        connectionUrlOf(warehouse),
        pluginDb,
      );
      const first = await startInProcess(options);
      const id = await requestMigration(first.api);
      await waitForBackfillMidway(pluginDb, id, { maxShare: 0.8 });
      // Shut down: the attempt stops at its next batch and lets go of the run.
      await first.stop();
      expect(
        await pluginDb('migrations').where({ id }).first('status'),
      ).toEqual({ status: 'running' });
      expect((await leftovers(warehouse)).triggers).toEqual(CAPTURE_TRIGGERS);

      // An API-only replica takes the cancel; a worker replica starts afterwards.
      const api = await startInProcess({
        ...options,
        worker: { enabled: false },
      });
      const cancel = await call(api.api, 'POST', `/migrations/${id}/cancel`);
      expect(cancel.body.migration).toMatchObject({
        status: 'running',
        cancelRequested: true,
      });
      await startInProcess(options);

      const done = await waitForStatus(
        api.api,
        id,
        ['succeeded', 'failed', 'cancelled'],
        30_000,
      );
      expect(done).toMatchObject({
        status: 'cancelled',
        failureReason: 'cancelled by request',
        attempts: 2,
      });
      expect(done.steps.map(s => s.name)).not.toContain('cut-over');
      await expectUntouched(warehouse, before);
      expect(
        await pluginDb('migration_checkpoints').where({ migration_id: id }),
      ).toEqual([]);
    }, 60_000);
  });
});
