/**
 * The engine end to end, through its public DatasetEngine interface, on a real
 * database. Over 500 lines on purpose: every case shares one fixture (the events
 * table, the engine, the inspection helpers below) and checks what a whole run
 * leaves behind, so the cases do not divide along the engine's modules.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Knex } from 'knex';
import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import {
  planFieldChanges,
  type FieldChange,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  MigrationInterruptedError,
  type DatasetEngine,
  type DatasetMigrationRun,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  createTestDatabases,
  connectionUrlOf,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { engineRun, outcomeOf } from '../../__testUtils__/engineRun';
import { postgresEngineFactory } from './PostgresDatasetEngine';

const ROWS = [
  {
    id: 1,
    user_id: 'alice',
    duration: '180',
    played_at: '2026-01-01T10:00:00Z',
    price: '1.50',
  },
  { id: 2, user_id: 'bob', duration: '95', played_at: null, price: '0.00' },
  {
    id: 3,
    user_id: 'carol',
    duration: null,
    played_at: '2026-01-02T08:30:00Z',
    price: '12.25',
  },
];

/** The stages a migration runs, in order. */
const EVERY_STAGE = [
  'dry-run',
  'create-target',
  'backfill',
  'indexes',
  'verify',
  'cut-over',
];

describe('PostgresDatasetEngine', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;

  beforeEach(async () => {
    knex = await init();
    await knex.raw(`
      CREATE TABLE public.events (
        id bigint PRIMARY KEY,
        user_id text NOT NULL,
        duration text,
        played_at timestamp with time zone,
        price numeric(10,2) NOT NULL DEFAULT 0,
        tag character varying(20)
      )`);
    await knex('events').insert(ROWS);
    engine = await createTestEngine(knex);
  });

  afterEach(async () => {
    await engine.close?.();
    await knex.destroy();
  });

  /** A run of the engine on public.events. */
  const runFor = (
    changes: FieldChange[],
    options: Partial<DatasetMigrationRun> = {},
  ) => engineRun(engine, 'public.events', changes, options);

  async function regclass(name: string): Promise<string | null> {
    const { rows } = await knex.raw(`SELECT to_regclass(?)::text AS r`, [name]);
    return rows[0].r;
  }

  async function relkind(name: string): Promise<string | undefined> {
    const { rows } = await knex.raw(
      `SELECT relkind FROM pg_class WHERE oid = to_regclass(?)`,
      [name],
    );
    return rows[0]?.relkind;
  }

  async function columns(name: string): Promise<string[]> {
    const { rows } = await knex.raw(
      `SELECT column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = ? ORDER BY ordinal_position`,
      [name],
    );
    return rows.map((r: { column_name: string }) => r.column_name);
  }

  /** Triggers anyone made: a finished run leaves none of its own behind. */
  async function userTriggers(): Promise<string[]> {
    const { rows } = await knex.raw(
      `SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname`,
    );
    return rows.map((r: { tgname: string }) => r.tgname);
  }

  async function count(name: string): Promise<number> {
    const { rows } = await knex.raw(`SELECT count(*)::int AS n FROM ${name}`);
    return rows[0].n;
  }

  async function expectUntouched() {
    expect(await relkind('public.events')).toBe('r');
    expect(await columns('events')).toEqual([
      'id',
      'user_id',
      'duration',
      'played_at',
      'price',
      'tag',
    ]);
    expect(await count('public.events')).toBe(ROWS.length);
    expect(
      await knex('events').orderBy('id').select('id', 'user_id', 'duration'),
    ).toEqual(
      ROWS.map(({ id, user_id, duration }) => ({
        id: String(id),
        user_id,
        duration,
      })),
    );
    expect(await regclass('public.events_v1')).toBeNull();
    expect(await regclass('public.events_v2')).toBeNull();
  }

  it('introspects fields, types, nullability, the primary key and the row estimate', async () => {
    await knex.raw('ANALYZE public.events');
    const schema = await engine.introspect({ table: 'public.events' });
    expect(schema.fields).toEqual([
      { name: 'id', type: 'bigint', nullable: false, primaryKey: true },
      { name: 'user_id', type: 'text', nullable: false, primaryKey: false },
      { name: 'duration', type: 'text', nullable: true, primaryKey: false },
      {
        name: 'played_at',
        type: 'timestamptz',
        nullable: true,
        primaryKey: false,
      },
      {
        name: 'price',
        type: 'numeric(10,2)',
        nullable: false,
        primaryKey: false,
        default: '0',
      },
      {
        name: 'tag',
        type: 'character varying(20)',
        nullable: true,
        primaryKey: false,
      },
    ]);
    expect(schema.rowEstimate).toBe(ROWS.length);
    expect(schema.indexes).toEqual([]);

    // A table name without schema means public.
    expect((await engine.introspect({ table: 'events' })).fields).toEqual(
      schema.fields,
    );
  });

  it('connects with settings given as an object, port as a string', async () => {
    const c = knex.client.config.connection as Record<string, string | number>;
    const objectEngine = await postgresEngineFactory.create({
      name: 'warehouse',
      config: new ConfigReader({
        type: 'postgres',
        connection: {
          host: c.host,
          port: String(c.port),
          user: c.user,
          password: c.password,
          database: c.database,
        },
        maxConnections: 1,
      }),
      logger: mockServices.logger.mock(),
    });
    try {
      expect(
        (await objectEngine.introspect({ table: 'public.events' })).fields.map(
          f => f.name,
        ),
      ).toEqual(['id', 'user_id', 'duration', 'played_at', 'price', 'tag']);
    } finally {
      await objectEngine.close?.();
    }
  });

  it('introspects composite primary keys and timestamp aliases', async () => {
    await knex.raw(`CREATE SCHEMA analytics`);
    await knex.raw(
      `CREATE TABLE analytics.plays (day date, track uuid, at timestamp, n integer, PRIMARY KEY (day, track))`,
    );
    const { fields } = await engine.introspect({ table: 'analytics.plays' });
    expect(fields).toEqual([
      { name: 'day', type: 'date', nullable: false, primaryKey: true },
      { name: 'track', type: 'uuid', nullable: false, primaryKey: true },
      { name: 'at', type: 'timestamp', nullable: true, primaryKey: false },
      { name: 'n', type: 'integer', nullable: true, primaryKey: false },
    ]);
  });

  it('rejects missing relations, bad names and views that read several tables', async () => {
    await expect(
      engine.introspect({ table: 'public.nope' }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: 'relation public.nope does not exist',
    });
    await expect(engine.introspect({ table: 'a.b.c' })).rejects.toMatchObject({
      name: 'InputError',
    });
    await expect(
      engine.introspect({ table: 'public."x; drop"' }),
    ).rejects.toMatchObject({ name: 'InputError' });
    await knex.raw(`CREATE TABLE other (id int)`);
    await knex.raw(
      `CREATE VIEW joined AS SELECT e.id FROM events e JOIN other o ON o.id = e.id`,
    );
    await expect(engine.introspect({ table: 'public.joined' })).rejects.toThrow(
      'view public.joined reads public.events, which is not one of its versions',
    );
    await knex.raw(`CREATE SEQUENCE seq`);
    await expect(engine.introspect({ table: 'public.seq' })).rejects.toThrow(
      'neither a table nor a view',
    );
  });

  it('migrates to a new version and keeps the old one readable', async () => {
    const { run, steps, logs, verifications } = await runFor([
      { renameField: { from: 'user_id', to: 'listener_id' } },
      { addField: { name: 'country', type: 'text', default: 'SE' } },
      { changeType: { field: 'duration', type: 'integer' } },
      { dropField: { name: 'tag' } },
    ]);
    await engine.migrate(run);

    expect(steps).toEqual(
      EVERY_STAGE.map(name => ({ name, status: 'succeeded' })),
    );
    expect(verifications).toEqual([
      {
        source: { rows: ROWS.length, checksum: expect.any(String) },
        target: {
          rows: ROWS.length,
          checksum: verifications[0].source.checksum,
        },
        matched: true,
        durationMs: expect.any(Number),
      },
    ]);
    expect(run.throwIfCancelled).toHaveBeenCalled();
    expect(logs).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(`^copied ${ROWS.length} rows to public.events_v2 `),
        ),
        expect.stringMatching(
          new RegExp(
            `^verified ${ROWS.length} rows: counts and checksums match on both sides$`,
          ),
        ),
        'version 1 stays readable as public.events_v1',
        'public.events now reads public.events_v2',
      ]),
    );

    // Until contract the name serves both shapes: version 1's fields in their
    // order, names, types and values, then version 2's own fields.
    expect(await relkind('public.events')).toBe('v');
    expect(await relkind('public.events_v2')).toBe('r');
    expect(await columns('events')).toEqual([
      'id',
      'user_id',
      'duration',
      'played_at',
      'price',
      'tag',
      'listener_id',
      'country',
    ]);
    expect(
      (await knex('events').orderBy('id')).map(r => [
        r.id,
        r.user_id,
        r.listener_id,
        r.duration,
        r.tag,
        r.country,
      ]),
    ).toEqual([
      ['1', 'alice', 'alice', '180', null, 'SE'],
      ['2', 'bob', 'bob', '95', null, 'SE'],
      ['3', 'carol', 'carol', null, null, 'SE'],
    ]);

    // Contract: the name serves version 2 exactly.
    await engine.contract(run);
    expect(await columns('events')).toEqual([
      'id',
      'listener_id',
      'duration',
      'played_at',
      'price',
      'country',
    ]);
    const current = await knex('events').orderBy('id');
    expect(
      current.map(r => [r.id, r.listener_id, r.duration, r.country, r.price]),
    ).toEqual([
      ['1', 'alice', 180, 'SE', '1.50'],
      ['2', 'bob', 95, 'SE', '0.00'],
      ['3', 'carol', null, 'SE', '12.25'],
    ]);
    expect(current[0].played_at).toEqual(new Date('2026-01-01T10:00:00Z'));

    // Contract dropped version 1.
    expect(await relkind('public.events_v1')).toBeUndefined();
  });

  it('keeps version 1 readable under its versioned name until contract', async () => {
    await engine.migrate(
      (
        await runFor([
          { renameField: { from: 'user_id', to: 'listener_id' } },
          { addField: { name: 'country', type: 'text', default: 'SE' } },
          { changeType: { field: 'duration', type: 'integer' } },
          { dropField: { name: 'tag' } },
        ])
      ).run,
    );
    expect(await relkind('public.events_v1')).toBe('r');
    expect(await columns('events_v1')).toEqual([
      'id',
      'user_id',
      'duration',
      'played_at',
      'price',
      'tag',
    ]);
    expect(await knex('events_v1').orderBy('id').pluck('duration')).toEqual([
      '180',
      '95',
      null,
    ]);

    // The new table keeps the primary key and NOT NULL, and says where it came from.
    const { rows: pk } = await knex.raw(
      `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
        WHERE i.indrelid = 'public.events_v2'::regclass AND i.indisprimary`,
    );
    expect(pk).toEqual([{ attname: 'id' }]);
    await expect(
      knex('events_v2').insert({ id: 4, listener_id: null }),
    ).rejects.toMatchObject({ code: '23502' });
    const { rows: comment } = await knex.raw(
      `SELECT obj_description('public.events_v2'::regclass) AS c`,
    );
    expect(comment[0].c).toBe(
      'dataset-migrations: resource:default/events schema version 2 (migration 00000000-0000-4000-8000-000000000001)',
    );

    // Introspection follows the view to the current version's table.
    const { fields } = await engine.introspect({ table: 'public.events' });
    expect(fields.map(f => [f.name, f.type, f.primaryKey])).toEqual([
      ['id', 'bigint', true],
      ['listener_id', 'text', false],
      ['duration', 'integer', false],
      ['played_at', 'timestamptz', false],
      ['price', 'numeric(10,2)', false],
      ['country', 'text', false],
    ]);
  });

  it('migrates again from the view to a third version', async () => {
    await engine.migrate(
      (
        await runFor([{ renameField: { from: 'user_id', to: 'listener_id' } }])
      ).run,
    );

    const { run, steps } = await runFor(
      [
        { changeType: { field: 'duration', type: 'bigint' } },
        { addField: { name: 'skipped', type: 'boolean', default: false } },
      ],
      {
        fromVersion: 2,
        targetVersion: 3,
        migrationId: '00000000-0000-4000-8000-000000000002',
      },
    );
    await engine.migrate(run);
    expect(steps).toEqual(
      EVERY_STAGE.map(name => ({ name, status: 'succeeded' })),
    );

    expect(await relkind('public.events')).toBe('v');
    const { rows: reads } = await knex.raw(
      `SELECT DISTINCT c.relname FROM pg_rewrite r JOIN pg_depend d ON d.objid = r.oid
         JOIN pg_class c ON c.oid = d.refobjid
        WHERE r.ev_class = 'public.events'::regclass AND c.relkind = 'r'`,
    );
    expect(reads).toEqual([{ relname: 'events_v3' }]);
    expect(
      await knex('events')
        .orderBy('id')
        .select('listener_id', 'duration', 'skipped'),
    ).toEqual([
      { listener_id: 'alice', duration: '180', skipped: false },
      { listener_id: 'bob', duration: '95', skipped: false },
      { listener_id: 'carol', duration: null, skipped: false },
    ]);
    // Every earlier version is still there with its own rows and shape.
    expect(await columns('events_v2')).toEqual([
      'id',
      'listener_id',
      'duration',
      'played_at',
      'price',
      'tag',
    ]);
    expect(await count('public.events_v2')).toBe(ROWS.length);
    expect(await columns('events_v1')).toContain('user_id');
    expect(await count('public.events_v1')).toBe(ROWS.length);
  });

  it('leaves everything as it was when a cast fails on some row', async () => {
    await knex('events').insert({ id: 4, user_id: 'dave', duration: 'n/a' });
    const changes: FieldChange[] = [
      { renameField: { from: 'user_id', to: 'listener_id' } },
      { changeType: { field: 'duration', type: 'integer' } },
    ];
    const { run, steps } = await runFor(changes);

    // The dry run transforms every row of a small table and names the ones that fail.
    await expect(engine.migrate(run)).rejects.toThrow(
      /^the transform fails on 1 rows: id=4: invalid input syntax for type integer: "n\/a"$/,
    );
    expect(steps).toEqual([{ name: 'dry-run', status: 'failed' }]);

    expect(await relkind('public.events')).toBe('r');
    expect(await columns('events')).toEqual([
      'id',
      'user_id',
      'duration',
      'played_at',
      'price',
      'tag',
    ]);
    expect(await count('public.events')).toBe(ROWS.length + 1);
    expect(await regclass('public.events_v2')).toBeNull();
    expect(await regclass('public.events_v1')).toBeNull();

    // The engine is still usable afterwards: fix the row and the same migration works.
    await knex('events').where({ id: 4 }).update({ duration: '60' });
    await engine.migrate((await runFor(changes)).run);
    expect(await knex('events_v2').where({ id: 4 }).first('duration')).toEqual({
      duration: 60,
    });
  });

  it('stops a dry run after transforming the sample and leaves nothing behind', async () => {
    const { run, steps, logs, checkpoints } = await runFor(
      [{ changeType: { field: 'duration', type: 'integer' } }],
      { dryRun: true },
    );
    await engine.migrate(run);
    expect(steps.map(s => `${s.name}:${s.status}`)).toEqual([
      'dry-run:succeeded',
    ]);
    expect(logs).toContain(
      `transformed ${ROWS.length} sample rows without error`,
    );
    expect(logs).toContain(
      'dry run: the transform works on the sample; nothing was created',
    );
    expect(checkpoints.size).toBe(0);
    await expectUntouched();
  });

  it('records a few rows of the dry run before and after: the key and the changed fields only', async () => {
    const { run, samples } = await runFor(
      [
        { renameField: { from: 'user_id', to: 'listener_id' } },
        { changeType: { field: 'duration', type: 'integer' } },
        { deriveField: { field: 'price', expression: 'price * 2' } },
        { dropField: { name: 'tag' } },
        { addField: { name: 'source', type: 'text', default: 'app' } },
      ],
      { dryRun: true },
    );
    await engine.migrate(run);
    // played_at is carried over as it is: the sample leaves it out.
    expect(samples).toEqual([
      {
        before: ['id', 'user_id', 'duration', 'price', 'tag'],
        after: ['id', 'listener_id', 'duration', 'price', 'source'],
        rows: [
          {
            before: {
              id: '1',
              user_id: 'alice',
              duration: '180',
              price: '1.50',
              tag: null,
            },
            after: {
              id: '1',
              listener_id: 'alice',
              duration: '180',
              price: '3.00',
              source: 'app',
            },
          },
          {
            before: {
              id: '2',
              user_id: 'bob',
              duration: '95',
              price: '0.00',
              tag: null,
            },
            after: {
              id: '2',
              listener_id: 'bob',
              duration: '95',
              price: '0.00',
              source: 'app',
            },
          },
          {
            before: {
              id: '3',
              user_id: 'carol',
              duration: null,
              price: '12.25',
              tag: null,
            },
            after: {
              id: '3',
              listener_id: 'carol',
              duration: null,
              price: '24.50',
              source: 'app',
            },
          },
        ],
      },
    ]);
    await expectUntouched();
  });

  it('changes nothing when the run is cancelled before the switch', async () => {
    const { run, steps } = await runFor(
      [{ renameField: { from: 'user_id', to: 'listener_id' } }],
      {
        throwIfCancelled: jest.fn(async () => {
          throw new Error('cancelled by request');
        }),
      },
    );
    await expect(engine.migrate(run)).rejects.toThrow('cancelled by request');
    expect(steps.map(s => s.name)).not.toContain('cut-over');
    expect(steps.every(s => s.status === 'succeeded')).toBe(true);
    await expectUntouched();
  });

  it('refuses to overwrite an existing target or previous version', async () => {
    await knex.raw(`CREATE TABLE public.events_v2 (x int)`);
    const { run, steps } = await runFor([{ dropField: { name: 'tag' } }]);
    await expect(engine.migrate(run)).rejects.toThrow(
      'relation public.events_v2 already exists',
    );
    expect(steps).toEqual([
      { name: 'dry-run', status: 'succeeded' },
      { name: 'create-target', status: 'failed' },
    ]);
    await knex.raw(`DROP TABLE public.events_v2`);

    await knex.raw(`CREATE TABLE public.events_v1 (x int)`);
    const second = await runFor([{ dropField: { name: 'tag' } }]);
    await expect(engine.migrate(second.run)).rejects.toThrow(
      'cannot keep version 1 readable: public.events_v1 already exists',
    );
    expect(await relkind('public.events')).toBe('r');
    expect(await columns('events')).toContain('tag');
    expect(await regclass('public.events_v2')).toBeNull();
  });

  describe('on a table copied in many batches', () => {
    const BIG = 5_000;
    let batched: DatasetEngine;

    beforeEach(async () => {
      await knex.raw(
        `INSERT INTO public.events (id, user_id, duration, price)
         SELECT g, 'user' || g, (g % 300)::text, g % 7 FROM generate_series(10, ${
           BIG + 9
         }) AS g`,
      );
      // By key, whose batches hold exactly the rows asked for; blocks are below.
      batched = await createTestEngine(knex, {
        config: { backfill: { maxBatchRows: 1000, batchesByKey: true } },
      });
    });

    afterEach(async () => {
      await batched.close?.();
    });

    const changes: FieldChange[] = [
      { renameField: { from: 'user_id', to: 'listener_id' } },
      { changeType: { field: 'duration', type: 'integer' } },
    ];
    const total = ROWS.length + BIG;

    /** What version 2 must hold: the final source rows, mapped. */
    async function expectTargetMatchesSource() {
      const { rows } = await knex.raw(`
        SELECT count(*)::int AS missing FROM (
          (SELECT id, user_id AS listener_id, duration::integer, played_at, price FROM public.events_v1
           EXCEPT SELECT id, listener_id, duration, played_at, price FROM public.events_v2)
          UNION ALL
          (SELECT id, listener_id, duration, played_at, price FROM public.events_v2
           EXCEPT SELECT id, user_id, duration::integer, played_at, price FROM public.events_v1)) AS diff`);
      expect(rows[0].missing).toBe(0);
    }

    it('copies in checkpointed batches and reports progress', async () => {
      const { run, progress, checkpoints } = await runFor(changes);
      await batched.migrate(run);
      const backfill = progress.filter(p => p.stage === 'backfill');
      expect(backfill.length).toBeGreaterThanOrEqual(Math.ceil(total / 1000));
      expect(backfill[backfill.length - 1]).toMatchObject({
        done: total,
        total,
      });
      // Every batch but the last ends at a key; the last copies whatever follows.
      expect(checkpoints.get('backfill')).toMatchObject({
        rows: total,
        lastKey: [expect.stringMatching(/^\d+$/)],
      });
      expect(await count('public.events')).toBe(total);
      await expectTargetMatchesSource();
    });

    it('carries writes made during the backfill into the new version', async () => {
      let batch = 0;
      const { run } = await runFor(changes, {
        // Between batches, write to rows already copied, rows not yet copied, and new rows.
        progress: async stage => {
          if (stage !== 'backfill') return;
          batch += 1;
          const copiedId = 10 + batch;
          const laterId = BIG - batch * 7;
          await knex('events')
            .where({ id: copiedId })
            .update({ duration: '1', user_id: 'changed' });
          await knex('events').where({ id: laterId }).update({ duration: '2' });
          await knex('events')
            .where({ id: copiedId + 100 })
            .delete();
          await knex('events')
            .where({ id: laterId - 1 })
            .delete();
          await knex('events').insert({
            id: 100_000 + batch,
            user_id: 'new',
            duration: '3',
          });
          // A key deleted and inserted again must end up as the new row.
          await knex('events')
            .where({ id: copiedId + 200 })
            .delete();
          await knex('events').insert({
            id: copiedId + 200,
            user_id: 'reborn',
            duration: '4',
          });
        },
      });
      await batched.migrate(run);
      expect(batch).toBeGreaterThan(3);
      await expectTargetMatchesSource();
      expect(
        await knex('events_v2')
          .where({ id: 11 })
          .first('listener_id', 'duration'),
      ).toEqual({
        listener_id: 'changed',
        duration: 1,
      });
      expect(
        await knex('events').where({ id: 211 }).first('listener_id'),
      ).toEqual({ listener_id: 'reborn' });
      expect(await knex('events').where({ id: 111 }).first()).toBeUndefined();
      expect(
        await knex('events').where({ id: 100_001 }).first('listener_id'),
      ).toEqual({ listener_id: 'new' });
      // The capture trigger and its bookkeeping are gone after the cut-over;
      // what is left refuses writes made straight into the previous version.
      const { rows } = await knex.raw(
        `SELECT tgname FROM pg_trigger WHERE tgrelid = 'public.events_v1'::regclass AND NOT tgisinternal`,
      );
      expect(rows).toEqual([
        { tgname: expect.stringMatching(/^dsm_[0-9a-f]{12}_frozen_previous$/) },
      ]);
      const { rows: bookkeeping } = await knex.raw(
        `SELECT relname FROM pg_class WHERE relname LIKE 'dsm\\_%\\_deleted' OR relname LIKE 'dsm\\_%\\_capture'`,
      );
      expect(bookkeeping).toEqual([]);
    });

    it('lets writers without rights on the new tables write during the backfill', async () => {
      await knex.raw(`DROP ROLE IF EXISTS dsm_app_writer`);
      await knex.raw(`CREATE ROLE dsm_app_writer`);
      await knex.raw(
        `GRANT SELECT, INSERT, UPDATE, DELETE ON public.events TO dsm_app_writer`,
      );
      let wrote = false;
      const { run } = await runFor(changes, {
        progress: async () => {
          if (wrote) return;
          wrote = true;
          await knex.transaction(async tx => {
            await tx.raw(`SET LOCAL ROLE dsm_app_writer`);
            await tx('events').insert({
              id: 300_000,
              user_id: 'app',
              duration: '7',
            });
            await tx('events')
              .where({ id: 10 })
              .update({ user_id: 'app-updated' });
          });
        },
      });
      try {
        await batched.migrate(run);
        expect(wrote).toBe(true);
        expect(
          await knex('events').where({ id: 300_000 }).first('listener_id'),
        ).toEqual({ listener_id: 'app' });
        expect(
          await knex('events').where({ id: 10 }).first('listener_id'),
        ).toEqual({ listener_id: 'app-updated' });
        await expectTargetMatchesSource();
      } finally {
        await knex.raw(`DROP OWNED BY dsm_app_writer`);
        await knex.raw(`DROP ROLE dsm_app_writer`);
      }
    });

    it('fails the run at cut-over for a write it could not transform after verify read its failures', async () => {
      // Verify reads the capture's failures first; a bad write after that, before
      // the cut-over, was dropped with the capture and lost to the new version.
      const failedSteps: string[] = [];
      const { run } = await runFor(changes, {
        step: async (name, work) => {
          if (name === 'cut-over')
            await knex('events').where({ id: 10 }).update({ duration: 'n/a' });
          return work().catch(error => {
            failedSteps.push(name);
            throw error;
          });
        },
      });
      await expect(batched.migrate(run)).rejects.toThrow(
        '1 writes made during the migration could not be transformed (e.g. invalid input syntax for type integer: "n/a"); the name was not moved',
      );
      expect(failedSteps).toEqual(['cut-over']);
      expect(await relkind('public.events')).toBe('r');
      expect(await knex('events').where({ id: 10 }).first('duration')).toEqual({
        duration: 'n/a',
      });
    });

    it('never refuses a write it cannot transform; it fails the run at verify and undoes it', async () => {
      let wrote = false;
      const { run, steps } = await runFor(changes, {
        progress: async () => {
          if (wrote) return;
          wrote = true;
          // A row already copied, changed to a value version 1 takes and version 2's
          // integer does not: the backfill will not see it again, the capture does.
          await knex('events').where({ id: 10 }).update({ duration: 'n/a' });
        },
      });
      await expect(batched.migrate(run)).rejects.toThrow(
        '1 writes made during the migration could not be transformed (e.g. invalid input syntax for type integer: "n/a")',
      );
      expect(steps.map(s => `${s.name}:${s.status}`)).toContain(
        'verify:failed',
      );
      expect(await knex('events').where({ id: 10 }).first('duration')).toEqual({
        duration: 'n/a',
      });
      expect(await relkind('public.events')).toBe('r');
      expect(await regclass('public.events_v2')).toBeNull();
      const { rows } = await knex.raw(
        `SELECT relname FROM pg_class WHERE relname LIKE 'dsm\\_%'`,
      );
      expect(rows).toEqual([]);
    });

    /** What a batch reading an older snapshot leaves when a delete of row 4000 commits under it. */
    const plantGhost = async () => {
      await knex('events').where({ id: 4000 }).delete();
      const { rows } = await knex.raw(
        `SELECT oid::regclass::text AS relation FROM pg_class WHERE relname LIKE 'dsm\\_%\\_deleted'`,
      );
      await knex.raw(
        `INSERT INTO public.events_v2 (id, listener_id, duration, price) VALUES (4000, 'ghost', 1, 0)`,
      );
      await knex.raw(`INSERT INTO ${rows[0].relation} VALUES (4000)`);
    };

    it('removes a row copied after its deletion (a ghost) before verifying', async () => {
      let planted = false;
      const { run, logs } = await runFor(changes, {
        progress: async () => {
          if (planted) return;
          planted = true;
          await plantGhost();
        },
      });
      await batched.migrate(run);
      expect(logs).toContain('removed 1 rows deleted while they were copied');
      expect(await knex('events').where({ id: 4000 }).first()).toBeUndefined();
      await expectTargetMatchesSource();
    });

    it('keeps a ghost’s key that a writer inserts again while the ghost is being removed', async () => {
      const row = await knex('events').where({ id: 4000 }).first();
      const writer = await knex.transaction();
      let planted = false;
      const { run, logs } = await runFor(changes, {
        progress: async () => {
          if (planted) return;
          planted = true;
          await plantGhost();
          // The key inserted again: the capture writes it over the ghost, and the
          // writer's transaction stays open until the ghost removal waits on it.
          await writer('events').insert(row);
        },
      });
      const removalWaits = async () =>
        (
          await knex.raw(
            `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'DELETE FROM "public"."events_v2"%'`,
          )
        ).rows.length > 0;
      const committed = (async () => {
        const deadline = Date.now() + 30_000;
        while (!(await removalWaits()) && Date.now() < deadline)
          await new Promise(resolve => setTimeout(resolve, 20));
        const waited = await removalWaits();
        await writer.commit();
        return waited;
      })();
      await batched.migrate(run);
      expect(await committed).toBe(true);
      expect(logs).not.toContain(
        'removed 1 rows deleted while they were copied',
      );
      expect(await knex('events_v2').where({ id: 4000 }).first()).toBeDefined();
      await expectTargetMatchesSource();
    });

    it.each([
      [
        'an integer value of one copied row differs',
        `SET duration = duration + 1 WHERE id = 11`,
      ],
      [
        'a numeric value of one copied row differs',
        `SET price = price + 0.01 WHERE id = 11`,
      ],
      [
        'a text value of one copied row differs',
        `SET listener_id = 'user11 ' WHERE id = 11`,
      ],
      // Each row's hash is linear in its fields: only mixing it before the sum sees this.
      [
        'two copied rows hold each other’s values',
        `SET listener_id = CASE id WHEN 11 THEN 'user12' ELSE 'user11' END WHERE id IN (11, 12)`,
      ],
    ])('fails verify, and undoes the run, when %s', async (_kind, change) => {
      let changed = false;
      const { run, steps, verifications } = await runFor(changes, {
        progress: async () => {
          if (changed) return;
          changed = true;
          // Behind the capture's back: only verify can notice.
          await knex.raw(`UPDATE public.events_v2 ${change}`);
        },
      });
      await expect(batched.migrate(run)).rejects.toThrow(
        new RegExp(
          `^verification failed: source ${total} rows \\(checksum -?\\d+\\), target ${total} rows \\(checksum -?\\d+\\)$`,
        ),
      );
      expect(changed).toBe(true);
      expect(verifications).toHaveLength(1);
      expect(verifications[0]).toMatchObject({
        source: { rows: total },
        target: { rows: total },
        matched: false,
      });
      expect(verifications[0].source.checksum).not.toBe(
        verifications[0].target.checksum,
      );
      expect(steps.map(s => `${s.name}:${s.status}`)).toContain(
        'verify:failed',
      );
      expect(await relkind('public.events')).toBe('r');
      expect(await regclass('public.events_v2')).toBeNull();
    });

    it('does not undo a failed run when it cannot ask the store whether the run is still its own', async () => {
      let changed = false;
      const made = await runFor(changes, {
        progress: async () => {
          if (changed) return;
          changed = true;
          // Behind the capture's back: verify fails.
          await knex.raw(
            `UPDATE public.events_v2 SET price = price + 1 WHERE id = 11`,
          );
        },
        // The plugin's database is gone when the failure asks about the run.
        throwIfCancelled: jest.fn(async () => {
          if (made.steps.some(s => s.status === 'failed'))
            throw Object.assign(
              new Error('terminating connection due to administrator command'),
              { code: '57P01' },
            );
        }),
      });
      await expect(batched.migrate(made.run)).rejects.toBeInstanceOf(
        MigrationInterruptedError,
      );
      expect(made.steps.map(s => `${s.name}:${s.status}`)).toContain(
        'verify:failed',
      );
      // Not undone: the next attempt, which can ask, decides.
      expect(await regclass('public.events_v2')).not.toBeNull();
    });

    it('resumes an interrupted backfill from its checkpoint without duplicates or gaps', async () => {
      let calls = 0;
      const first = await runFor(changes, {
        throwIfCancelled: jest.fn(async () => {
          calls += 1;
          // Let the dry run and two backfill batches through, then stop as a dying worker would.
          if (calls > 3) throw new MigrationInterruptedError('worker stopped');
        }),
      });
      await expect(batched.migrate(first.run)).rejects.toBeInstanceOf(
        MigrationInterruptedError,
      );
      const stoppedAt = first.checkpoints.get('backfill') as { rows: number };
      expect(stoppedAt.rows).toBeGreaterThan(0);
      expect(stoppedAt.rows).toBeLessThan(total);
      // Nothing was undone: the target and the capture trigger wait for the next attempt.
      expect(await count('public.events_v2')).toBe(stoppedAt.rows);
      expect(await relkind('public.events')).toBe('r');

      // Writes keep arriving while no worker runs the migration.
      await knex('events')
        .where({ id: 12 })
        .update({ user_id: 'while-stopped' });
      await knex('events').insert({ id: 200_000, user_id: 'while-stopped' });

      const second = await runFor(changes);
      for (const [name, value] of first.checkpoints)
        second.checkpoints.set(name, value);
      await batched.migrate(second.run);
      expect(second.steps.map(s => s.name)).toEqual([
        'backfill',
        'indexes',
        'verify',
        'cut-over',
      ]);
      expect(second.logs).toContain(
        `resuming the backfill after ${stoppedAt.rows} rows`,
      );
      expect(await count('public.events')).toBe(total + 1);
      expect(
        await knex('events').where({ id: 12 }).first('listener_id'),
      ).toEqual({ listener_id: 'while-stopped' });
      await expectTargetMatchesSource();
    });

    it('commits no batch after the one whose progress the store refused (the attempt lost its run), though the next batch copies while it is stored', async () => {
      const { run } = await runFor(changes, {
        progress: async stage => {
          if (stage !== 'backfill') return;
          // Refused once the next batch has had time to copy: it must not commit.
          await sleep(500);
          throw new MigrationInterruptedError('the lease was lost');
        },
      });
      await expect(batched.migrate(run)).rejects.toThrow('the lease was lost');
      // The first batch (1,000 rows, the most a batch copies here) alone.
      expect(await count('public.events_v2')).toBe(1000);
    });

    it('copies a batch in two halves at once, and copies again without duplicates the half that committed when the other did not', async () => {
      let calls = 0;
      let holder: Knex.Transaction | undefined;
      const first = await runFor(changes, {
        throwIfCancelled: jest.fn(async () => {
          calls += 1;
          // At the first batch (after the dry run): another session holds an
          // uncommitted row with the first key, so the first half waits for it
          // until its lock timeout (5 s) interrupts the attempt; the second half,
          // on its own connection, commits meanwhile.
          if (calls === 2) {
            holder = await knex.transaction();
            await holder.raw(`INSERT INTO public.events_v2 (id, listener_id, duration, played_at, price)
              SELECT id, user_id, duration::integer, played_at, price FROM public.events ORDER BY id LIMIT 1`);
          }
        }),
      });
      try {
        await expect(batched.migrate(first.run)).rejects.toBeInstanceOf(
          MigrationInterruptedError,
        );
      } finally {
        await holder?.rollback();
      }
      // No batch finished: no checkpoint, yet the second half of the first is there.
      expect(first.checkpoints.get('backfill')).toBeUndefined();
      expect(await count('public.events_v2')).toBe(500);

      const second = await runFor(changes);
      for (const [name, value] of first.checkpoints)
        second.checkpoints.set(name, value);
      await batched.migrate(second.run);
      expect(
        second.logs.some(l =>
          /, 1 ranges redone around concurrent writes\)$/.test(l),
        ),
      ).toBe(true);
      expect(await count('public.events')).toBe(total);
      await expectTargetMatchesSource();
    });
  });

  describe('on a heap table copied by blocks', () => {
    const BIG = 6_000;
    let byBlocks: DatasetEngine;
    const changes: FieldChange[] = [
      { renameField: { from: 'user_id', to: 'listener_id' } },
    ];

    beforeEach(async () => {
      await knex.raw(
        `INSERT INTO public.events (id, user_id, duration, price)
         SELECT g, 'user' || g, (g % 300)::text, g % 7 FROM generate_series(10, ${
           BIG + 9
         }) AS g;
         ANALYZE public.events`,
      );
      byBlocks = await createTestEngine(knex, {
        config: { backfill: { maxBatchRows: 1000 } },
      });
    });

    afterEach(async () => {
      await byBlocks.close?.();
    });

    /** Version 2 holds the final source rows, mapped, each once. */
    async function expectTargetMatchesSource() {
      const { rows } = await knex.raw(`
        SELECT (SELECT count(*) FROM (
                 (SELECT id, user_id, duration, played_at, price, tag FROM public.events_v1
                  EXCEPT ALL SELECT id, listener_id, duration, played_at, price, tag FROM public.events_v2)
                 UNION ALL
                 (SELECT id, listener_id, duration, played_at, price, tag FROM public.events_v2
                  EXCEPT ALL SELECT id, user_id, duration, played_at, price, tag FROM public.events_v1)) AS d)::int AS differing,
               (SELECT count(*) FROM public.events_v2)::int AS rows`);
      expect(rows[0]).toEqual({
        differing: 0,
        rows: await count('public.events_v1'),
      });
    }

    /** Version 2 of `table` (id, user_id renamed listener_id) holds the rows of version 1, each once. */
    const expectRenamedCopy = async (table: string, rows: number) => {
      const { rows: found } = await knex.raw(`
        SELECT (SELECT count(*) FROM (
                 (SELECT id, user_id FROM public.${table}_v1 EXCEPT ALL SELECT id, listener_id FROM public.${table}_v2)
                 UNION ALL
                 (SELECT id, listener_id FROM public.${table}_v2 EXCEPT ALL SELECT id, user_id FROM public.${table}_v1)) AS d)::int AS differing,
               (SELECT count(*) FROM public.${table}_v2)::int AS rows`);
      expect(found[0]).toEqual({ differing: 0, rows });
    };

    /** A run whose `between` is called before each backfill batch with how many came before. */
    const runBetweenBatches = async (
      between: (batches: number) => Promise<void>,
    ) => {
      let batches = 0;
      const started = await runFor(changes, {
        throwIfCancelled: async () => {
          const current = started.steps.at(-1);
          if (current?.name === 'backfill' && current.status === 'running')
            await between(batches++);
        },
      });
      return started;
    };

    it('copies ranges of blocks in checkpointed batches, carrying writes that move rows ahead of and behind the copy', async () => {
      const { run, steps, logs, checkpoints } = await runBetweenBatches(
        async batch => {
          if (batch === 0) return;
          // An update moves its row to free space, at the table's end here:
          // copied rows move ahead of the copy, rows ahead of it behind or further.
          await knex('events')
            .where({ id: 10 + batch })
            .update({ duration: 'moved', user_id: 'changed' });
          await knex('events')
            .where({ id: BIG - batch * 13 })
            .update({ duration: 'ahead' });
          await knex('events')
            .where({ id: 100 + batch })
            .delete();
          await knex('events')
            .where({ id: BIG - batch * 29 })
            .delete();
          await knex('events').insert({
            id: 100_000 + batch,
            user_id: 'new',
            duration: '1',
          });
        },
      );
      await byBlocks.migrate(run);
      expect(steps.map(s => `${s.name}:${s.status}`)).toContain(
        'cut-over:succeeded',
      );
      expect(logs.find(l => l.startsWith('copied'))!).toMatch(
        / \d+ batches of blocks, /,
      );
      expect(
        Number(
          logs.find(l => l.startsWith('copied'))!.match(/(\d+) batches/)![1],
        ),
      ).toBeGreaterThan(3);
      expect(checkpoints.get('backfill')).toMatchObject({
        lastKey: null,
        nextBlock: expect.any(Number),
        storage: expect.stringMatching(/^\d+:\d+$/),
      });
      await expectTargetMatchesSource();
    });

    it('copies the source again from its first block, leaving out rows copied, when it is rewritten during the copy', async () => {
      const { run, logs } = await runBetweenBatches(async batch => {
        if (batch !== 3) return;
        // Rows already copied go, and the rewrite moves rows not yet copied into
        // the blocks behind the copy: going on from its block would miss them.
        await knex('events').whereBetween('id', [10, 2500]).delete();
        await knex.raw('VACUUM FULL public.events');
      });
      await byBlocks.migrate(run);
      expect(logs).toContain(
        'the source was rewritten during the copy (VACUUM FULL, CLUSTER or the like): copying it again from the start, leaving out the rows already copied',
      );
      await expectTargetMatchesSource();
    });

    it('captures writes made with triggers set to replica, as logical replication and row-moving tools make them', async () => {
      let replicaWrites = 0;
      const { run } = await runBetweenBatches(async batch => {
        if (batch === 0) return;
        await knex.transaction(async trx => {
          await trx.raw('SET LOCAL session_replication_role = replica');
          // A row already copied, changed; one not yet copied, moved by a no-op update.
          await trx('events')
            .where({ id: 10 + batch })
            .update({ duration: 'replica' });
          await trx.raw(
            'UPDATE public.events SET duration = duration WHERE id = ?',
            [BIG - batch * 11],
          );
        });
        replicaWrites++;
      });
      await byBlocks.migrate(run);
      // Such writes were made during the copy, and the target has them.
      expect(replicaWrites).toBeGreaterThan(0);
      await expectTargetMatchesSource();
    });

    it('sizes its batches by the rows it meets when the statistics say the table is empty', async () => {
      // Statistics of an empty table whose blocks are kept, filled afterwards.
      await knex.raw(
        `CREATE TABLE public.refills (id bigint PRIMARY KEY, user_id text NOT NULL) WITH (vacuum_truncate = false)`,
      );
      const fill = () =>
        knex.raw(
          `INSERT INTO public.refills SELECT g, 'user' || g FROM generate_series(1, 6000) AS g`,
        );
      await fill();
      await knex.raw('DELETE FROM public.refills');
      await knex.raw('VACUUM public.refills');
      await fill();
      const { rows: statistics } = await knex.raw(
        `SELECT reltuples, relpages FROM pg_class WHERE oid = 'public.refills'::regclass`,
      );
      expect(statistics[0].reltuples).toBe(0);
      expect(statistics[0].relpages).toBeGreaterThan(0);
      const { run, logs } = await engineRun(
        byBlocks,
        'public.refills',
        changes,
      );
      await byBlocks.migrate(run);
      const copied = logs.find(l => l.startsWith('copied'))!;
      expect(copied).toMatch(/^copied 6000 rows .* batches of blocks/);
      // Batches of at most about 1,000 rows, not the whole table at once.
      expect(Number(copied.match(/(\d+) batches/)![1])).toBeGreaterThan(3);
    });

    it('refuses a REPEATABLE READ write to a row copied after its snapshot, which its retry then carries, rather than fail the migration', async () => {
      const writer = await knex.client.acquireConnection();
      let refused: { code?: string } | undefined;
      try {
        const { run, steps } = await runBetweenBatches(async batch => {
          if (batch === 0) {
            await writer.query(
              'BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM public.events',
            );
          }
          if (batch === 2) {
            // Row 20 was copied by the first batch, after the writer's snapshot.
            refused = await writer
              .query(`UPDATE public.events SET duration = 'rr' WHERE id = 20`)
              .then(
                () => undefined,
                (error: { code?: string }) => error,
              );
            await writer.query('ROLLBACK');
            await writer.query(
              `UPDATE public.events SET duration = 'rr' WHERE id = 20`,
            );
          }
        });
        await byBlocks.migrate(run);
        expect(refused).toMatchObject({ code: '40001' });
        expect(steps.map(s => `${s.name}:${s.status}`)).toContain(
          'cut-over:succeeded',
        );
      } finally {
        await knex.client.releaseConnection(writer);
      }
      expect(
        await knex('events_v2').where({ id: 20 }).first('duration'),
      ).toEqual({ duration: 'rr' });
      await expectTargetMatchesSource();
    });

    it('leaves out by xmin only rows the capture wrote, however writers move rows', async () => {
      const { run, logs } = await runBetweenBatches(async batch => {
        if (batch === 0) return;
        // Rows not yet copied changed (moved, by an update, to the table's end),
        // deleted and inserted again, and new ones, each in its own transaction.
        for (let i = 0; i < 20; i++) {
          const id = BIG - batch * 40 - i;
          await knex('events')
            .where({ id })
            .update({ duration: `w${batch}` });
        }
        await knex('events')
          .where({ id: 2000 + batch })
          .delete();
        await knex('events').insert({
          id: 2000 + batch,
          user_id: 'again',
          duration: '2',
        });
        await knex('events').insert({
          id: 200_000 + batch,
          user_id: 'new',
          duration: '3',
        });
      });
      await byBlocks.migrate(run);
      expect(logs.find(l => l.startsWith('copied'))!).toMatch(
        /left out by their transaction ids\)$/,
      );
      await expectTargetMatchesSource();
    });

    describe('with writers on a table copied in batches of 40,000 rows', () => {
      let bigBatches: DatasetEngine;

      beforeEach(async () => {
        // Half-empty blocks keep an update in its block, in the copy's way.
        await knex.raw(`
          CREATE TABLE public.tracks (id bigint PRIMARY KEY, user_id text NOT NULL) WITH (fillfactor = 50);
          INSERT INTO public.tracks SELECT g, 'user' || g FROM generate_series(1, 300000) AS g;
          ANALYZE public.tracks`);
        // Batches of 40,000 rows after the first 5,000, however slow the machine.
        bigBatches = await createTestEngine(knex, {
          config: { backfill: { maxBatchRows: 40_000, batchDuration: '1h' } },
        });
      });

      afterEach(async () => {
        await bigBatches.close?.();
      });

      /**
       * Migrates `tracks` on `engine`: `before` runs as each stage starts,
       * `between` before each backfill batch with how many came before; batch 2
       * (from row 45,001) meets rows written before it, copies that range again
       * and from then on leaves rows out by xmin. Returns the backfill's log line.
       */
      const migrateTracks = async (
        hooks: {
          before?: (stage: string) => Promise<void>;
          between?: (batch: number) => Promise<void>;
          engine?: DatasetEngine;
        } = {},
      ) => {
        let stage = '';
        let batches = 0;
        const started = await engineRun(
          hooks.engine ?? bigBatches,
          'public.tracks',
          changes,
          {
            step: async (name, work) => {
              stage = name;
              await hooks.before?.(name);
              return work();
            },
            throwIfCancelled: async () => {
              if (stage !== 'backfill') return;
              const batch = batches++;
              if (batch === 1)
                await knex.raw(
                  `UPDATE public.tracks SET user_id = 'w' || id WHERE id BETWEEN 60000 AND 60020`,
                );
              await hooks.between?.(batch);
            },
          },
        );
        await (hooks.engine ?? bigBatches).migrate(started.run);
        return {
          copied: started.logs.find(l => l.startsWith('copied'))!,
          started,
        };
      };

      /** The first key the next batch copies, about. */
      const nextKey = async () =>
        Number((await knex('tracks_v2').max('id as id').first())!.id);

      it('copies whole batches, keeping rows written or locked while a batch copies them without copying its range again', async () => {
        const lateWriters: Promise<unknown>[] = [];
        /** Commits `trx` a second into the batch that starts next. */
        const commitLater = (trx: { commit: () => Promise<unknown> }) =>
          lateWriters.push(sleep(1000).then(() => trx.commit()));
        const { copied } = await migrateTracks({
          between: async batch => {
            if (batch === 3) {
              // A write committed while the batch copies the row: the row is
              // left out as it is read, then copied after the range, keeping
              // the writer's row once its transaction commits.
              const trx = await knex.transaction();
              await trx.raw(
                `UPDATE public.tracks SET user_id = 'late' WHERE id = ${
                  (await nextKey()) + 100
                }`,
              );
              commitLater(trx);
            }
            if (batch === 5) {
              // Thousands of rows locked as the batch reads them: too many to
              // note, so the range is copied again, keeping what it copied.
              const trx = await knex.transaction();
              const next = (await nextKey()) + 100;
              await trx.raw(
                `SELECT 1 FROM public.tracks WHERE id BETWEEN ${next} AND ${
                  next + 5000
                } FOR SHARE`,
              );
              commitLater(trx);
            }
          },
        });
        await Promise.all(lateWriters);
        expect(copied).toMatch(
          /, 9 batches of blocks, .*, 1 ranges redone around concurrent writes, [1-9]\d* rows being modified copied after their range, 1 ranges with too many rows being modified copied again, rows the capture wrote/,
        );
        expect(copied).not.toMatch(/split into ranges/);
        await expectRenamedCopy('tracks', 300000);
        expect(
          await knex('tracks_v2').where({ listener_id: 'late' }).count(),
        ).toEqual([{ count: '1' }]);
      });

      it.each([
        ['lock or rolled-back update', 'as foreign-key checks leave them'],
        ['lock', 'while an older transaction elsewhere still runs'],
      ])(
        'copies rows plainly whose %s ended before the copy, %s',
        async (_, when) => {
          // Running throughout, with a transaction id: every snapshot's oldest
          // running transaction, below the locks' ended transaction.
          const older = when.startsWith('while')
            ? await knex.transaction()
            : undefined;
          try {
            await older?.raw('SELECT pg_current_xact_id()');
            await knex.transaction(trx =>
              trx.raw('SELECT 1 FROM public.tracks FOR KEY SHARE'),
            );
            const { copied } = await migrateTracks();
            expect(copied).toMatch(
              /, 1 ranges redone around concurrent writes,/,
            );
            expect(copied).not.toMatch(/rows being modified/);
            await expectRenamedCopy('tracks', 300000);
          } finally {
            await older?.rollback();
          }
        },
      );

      it('leaves out rows a running writer modifies inside a savepoint, as it does its other rows', async () => {
        const lateWriters: Promise<unknown>[] = [];
        const { copied } = await migrateTracks({
          between: async batch => {
            if (batch !== 3) return;
            // As Django's nested atomic() or a PL/pgSQL EXCEPTION block writes: the
            // row's xmax is the savepoint's own transaction id, which no snapshot
            // lists among those running.
            const trx = await knex.transaction();
            await trx.raw('SAVEPOINT nested');
            await trx.raw(
              `UPDATE public.tracks SET user_id = 'nested' WHERE id = ${
                (await nextKey()) + 100
              }`,
            );
            // Others commit meanwhile, as on any busy server: the savepoint's id
            // falls below the next snapshot's xmax.
            await knex.raw('SELECT pg_current_xact_id()');
            lateWriters.push(sleep(1000).then(() => trx.commit()));
          },
        });
        await Promise.all(lateWriters);
        // Left out as it is read and copied after its range: no range again.
        expect(copied).toMatch(
          /, 1 ranges redone around concurrent writes, 1 rows being modified copied after their range,/,
        );
        await expectRenamedCopy('tracks', 300000);
        expect(
          await knex('tracks_v2').where({ listener_id: 'nested' }).count(),
        ).toEqual([{ count: '1' }]);
      });

      it('leaves out by xmin from its first batch the rows of transactions that wrote since the trigger was made, finished or still running when the copy began', async () => {
        let running: Knex.Transaction | undefined;
        try {
          const { copied } = await migrateTracks({
            before: async stage => {
              if (stage === 'create-target') {
                // Running when the trigger is made, numbered (by a write
                // elsewhere) before a transaction that finishes first: the
                // trigger's snapshot lists it among those running.
                running = await knex.transaction();
                await running.raw('CREATE TABLE public.numbered_before ()');
                await knex.raw('CREATE TABLE public.numbered_after ()');
              }
              if (stage !== 'backfill') return;
              // Committed since the trigger was made, before the copy began.
              await knex.raw(
                `UPDATE public.tracks SET user_id = 'before' || id WHERE id BETWEEN 200000 AND 200020`,
              );
              // Captured: it writes the source only now, with the trigger in place.
              await running!.raw(
                `UPDATE public.tracks SET user_id = 'early' || id WHERE id BETWEEN 250000 AND 250020`,
              );
            },
            between: async batch => {
              if (batch === 0) await running!.commit();
            },
          });
          // The capture wrote rows before the first batch: the copy leaves
          // them out from the start and copies no range again.
          expect(copied).toMatch(
            /, rows the capture wrote left out by their transaction ids\)$/,
          );
          expect(copied).not.toMatch(/ranges redone/);
          await expectRenamedCopy('tracks', 300000);
          for (const written of ['early%', 'before%'])
            expect(
              await knex('tracks_v2')
                .where('listener_id', 'like', written)
                .count(),
            ).toEqual([{ count: '21' }]);
        } finally {
          await running?.rollback().catch(() => {});
        }
      });

      /** Writes every row again under a new transaction id, firing no trigger. */
      const rewrite = () =>
        knex.raw(
          `ALTER TABLE public.tracks ALTER COLUMN user_id TYPE text USING user_id || ''`,
        );

      it('takes no row for the capture’s that a rewrite of the source gave a new transaction id before the copy began', async () => {
        const { copied } = await migrateTracks({
          before: async stage => {
            if (stage === 'backfill') await rewrite();
          },
        });
        // Read again after the rewrite, the capture's writers still leave rows out.
        expect(copied).toMatch(/left out by their transaction ids\)$/);
        await expectRenamedCopy('tracks', 300000);
      });

      it('takes no row for the capture’s, resumed after a rewrite of the source during the copy', async () => {
        const { run } = await engineRun(bigBatches, 'public.tracks', changes);
        let calls = 0;
        run.throwIfCancelled = async () => {
          calls += 1;
          if (calls === 2)
            await knex.raw(
              `UPDATE public.tracks SET user_id = 'w' || id WHERE id BETWEEN 60000 AND 60020`,
            );
          if (calls === 4) await rewrite();
          if (calls === 6)
            throw new MigrationInterruptedError('worker stopped');
        };
        await expect(bigBatches.migrate(run)).rejects.toThrow('worker stopped');
        run.throwIfCancelled = async () => {};
        await bigBatches.migrate(run);
        await expectRenamedCopy('tracks', 300000);
      });

      it('under a REPEATABLE READ default, takes no write for the capture’s that committed while the trigger waited for its lock', async () => {
        const { rows } = await knex.raw('SELECT current_database() AS db');
        await knex.raw(
          `ALTER DATABASE "${rows[0].db}" SET default_transaction_isolation = 'repeatable read'`,
        );
        const repeatable = await createTestEngine(knex, {
          config: { backfill: { maxBatchRows: 40_000, batchDuration: '1h' } },
        });
        let writer: Promise<unknown> | undefined;
        try {
          await migrateTracks({
            engine: repeatable,
            before: async stage => {
              if (stage !== 'create-target') return;
              // Holds the table while create-target starts, commits as its
              // trigger waits for the lock.
              const trx = await knex.transaction();
              await trx.raw(
                `UPDATE public.tracks SET user_id = 'pre' || id WHERE id BETWEEN 250000 AND 250020`,
              );
              writer = sleep(1500).then(() => trx.commit());
            },
          });
          await writer;
          await expectRenamedCopy('tracks', 300000);
          expect(
            await knex('tracks_v2')
              .where('listener_id', 'like', 'pre%')
              .count(),
          ).toEqual([{ count: '21' }]);
        } finally {
          await writer?.catch(() => {});
          await repeatable.close?.();
        }
      });
    });

    describe('a partitioned source of one partition', () => {
      beforeEach(async () => {
        await knex.raw(`
          CREATE TABLE public.songs (id bigint, user_id text NOT NULL, PRIMARY KEY (id)) PARTITION BY RANGE (id);
          CREATE TABLE public.songs_a PARTITION OF public.songs FOR VALUES FROM (0) TO (100000) WITH (fillfactor = 50);
          INSERT INTO public.songs SELECT g, 'user' || g FROM generate_series(1, 19999) AS g;
          ANALYZE public.songs`);
      });

      it.each([
        [
          // Written outside the source, then attached: new transaction ids, yet
          // no capture wrote them. Big enough to reach blocks ahead of the copy.
          'a table holding rows no trigger saw is attached',
          `CREATE TABLE public.songs_d (id bigint NOT NULL, user_id text NOT NULL);
           INSERT INTO public.songs_d SELECT g, 'old' || g FROM generate_series(100000, 139999) AS g;
           ALTER TABLE public.songs_d ADD PRIMARY KEY (id);
           ALTER TABLE public.songs ATTACH PARTITION public.songs_d FOR VALUES FROM (100000) TO (200000)`,
          40000,
        ],
        [
          'its one partition is detached, written and attached again',
          `ALTER TABLE public.songs DETACH PARTITION public.songs_a;
           INSERT INTO public.songs_a SELECT g, 'detached' || g FROM generate_series(50000, 50099) AS g;
           ALTER TABLE public.songs ATTACH PARTITION public.songs_a FOR VALUES FROM (0) TO (100000)`,
          100,
        ],
        [
          'its trigger is disabled for a load, then enabled again',
          `ALTER TABLE public.songs_a DISABLE TRIGGER USER;
           INSERT INTO public.songs SELECT g, 'loaded' || g FROM generate_series(50000, 50099) AS g;
           ALTER TABLE public.songs_a ENABLE TRIGGER USER`,
          100,
        ],
      ])(
        'stops leaving rows out by xmin once the capture missed writes: %s',
        async (_how, meanwhile, rowsAdded) => {
          let batches = 0;
          const started = await engineRun(byBlocks, 'public.songs', changes, {
            throwIfCancelled: async () => {
              const current = started.steps.at(-1);
              if (current?.name !== 'backfill' || current.status !== 'running')
                return;
              const batch = batches++;
              if (batch >= 1)
                await knex.raw(
                  `UPDATE public.songs SET user_id = 'w' || id WHERE id % 100 = ${batch} AND id < 20000`,
                );
              // Writers meet the copy in every batch (their updates stay in their
              // half-empty blocks, ahead of it), so batches leave their rows out
              // by xmin; then rows come in with new transaction ids that no
              // trigger saw, in blocks ahead of the copy.
              if (batch === 6) await knex.raw(meanwhile);
            },
          });
          await byBlocks.migrate(started.run);
          expect(batches).toBeGreaterThan(7);
          expect(started.logs.find(l => l.startsWith('copied'))!).toMatch(
            /left out by their transaction ids\)$/,
          );
          await expectRenamedCopy('songs', 19999 + rowsAdded);
        },
      );
    });

    describe('a partitioned source', () => {
      beforeEach(async () => {
        await knex.raw(`
          CREATE TABLE public.plays (id bigint, user_id text NOT NULL, PRIMARY KEY (id)) PARTITION BY RANGE (id);
          CREATE TABLE public.plays_a PARTITION OF public.plays FOR VALUES FROM (0) TO (2000);
          CREATE TABLE public.plays_b PARTITION OF public.plays FOR VALUES FROM (2000) TO (20000);
          INSERT INTO public.plays SELECT g, 'user' || g FROM generate_series(1, 19999) AS g;
          ANALYZE public.plays`);
      });

      /** A run on public.plays whose `between` is called before each backfill batch. */
      const playsBetweenBatches = async (
        between: (batches: number) => Promise<void>,
      ) => {
        let batches = 0;
        const started = await engineRun(byBlocks, 'public.plays', changes, {
          throwIfCancelled: async () => {
            const current = started.steps.at(-1);
            if (current?.name === 'backfill' && current.status === 'running')
              await between(batches++);
          },
        });
        return started;
      };

      it('is copied by blocks of every partition', async () => {
        const { run, logs } = await playsBetweenBatches(async () => {});
        await byBlocks.migrate(run);
        expect(logs.find(l => l.startsWith('copied'))).toMatch(
          /^copied 19999 rows .* batches of blocks/,
        );
        await expectRenamedCopy('plays', 19999);
      });

      it('after cut-over, refuses writes made straight into a partition of the old version, until a rollback', async () => {
        // Rows written into plays_a after cut-over reached neither the name nor,
        // once contract dropped the old version's partitions, anyone.
        const { run } = await playsBetweenBatches(async () => {});
        await byBlocks.migrate(run);
        await expect(
          knex.raw(`INSERT INTO public.plays_a VALUES (0, 'straight')`),
        ).rejects.toThrow(
          'public.plays_a holds rows of the previous version of public.plays, which now reads public.plays_v2: write through public.plays',
        );
        await expect(
          knex.raw(`DELETE FROM public.plays_b WHERE id = 5000`),
        ).rejects.toThrow('write through public.plays');
        // Writes through the name still reach the old version's partitions.
        await knex.raw(`INSERT INTO public.plays VALUES (0, 'through')`);
        expect(
          (await knex.raw(`SELECT user_id FROM public.plays_a WHERE id = 0`))
            .rows,
        ).toEqual([{ user_id: 'through' }]);

        await byBlocks.rollback(run);
        await knex.raw(
          `UPDATE public.plays_a SET user_id = 'after' WHERE id = 1`,
        );
        expect(
          (
            await knex.raw(
              `SELECT count(*)::int AS n, min(user_id) FILTER (WHERE id = 1) AS first FROM public.plays`,
            )
          ).rows,
        ).toEqual([{ n: 20000, first: 'after' }]);
      });

      it('carries a key change through the name to the old version as an update, moving its row across partitions', async () => {
        const { run } = await playsBetweenBatches(async () => {});
        await byBlocks.migrate(run);
        await knex.raw(`DELETE FROM public.plays WHERE id = 2500`);
        await knex.raw(`UPDATE public.plays SET id = 2500 WHERE id = 1`);
        const at = async (relation: string, user: string) =>
          (
            await knex.raw(
              `SELECT tableoid::regclass::text AS part, id::int, ${user} AS user,
                      (SELECT count(*)::int FROM ${relation}) AS n
                 FROM ${relation} WHERE id IN (1, 2500)`,
            )
          ).rows;
        expect(await at('public.plays_v1', 'user_id')).toEqual([
          { part: 'plays_b', id: 2500, user: 'user1', n: 19998 },
        ]);
        expect(await at('public.plays_v2', 'listener_id')).toEqual([
          { part: 'plays_v2', id: 2500, user: 'user1', n: 19998 },
        ]);
      });

      it('goes on when a partition is created or one holding rows is attached during the copy, copying the rows behind it', async () => {
        const { run, logs } = await playsBetweenBatches(async batch => {
          if (batch === 2) {
            // Created empty: its rows come through the capture, which it inherits.
            await knex.raw(
              `CREATE TABLE public.plays_c PARTITION OF public.plays FOR VALUES FROM (20000) TO (30000)`,
            );
            await knex.raw(
              `INSERT INTO public.plays SELECT g, 'new' || g FROM generate_series(20000, 20499) AS g`,
            );
          }
          if (batch === 4) {
            // Attached with rows no trigger saw, some in blocks the copy has passed.
            await knex.raw(`
              CREATE TABLE public.plays_d (id bigint NOT NULL, user_id text NOT NULL);
              INSERT INTO public.plays_d SELECT g, 'old' || g FROM generate_series(30000, 32999) AS g;
              ALTER TABLE public.plays_d ADD PRIMARY KEY (id);
              ALTER TABLE public.plays ATTACH PARTITION public.plays_d FOR VALUES FROM (30000) TO (40000)`);
          }
        });
        await byBlocks.migrate(run);
        expect(logs.filter(l => l.includes('rewritten'))).toEqual([]);
        await expectRenamedCopy('plays', 19999 + 500 + 3000);
      });
    });
  });

  it('plans the statements it runs, and they run as planned', async () => {
    const { run } = await runFor([
      { renameField: { from: 'user_id', to: 'listener_id' } },
      { changeType: { field: 'duration', type: 'integer' } },
    ]);
    const stages = await engine.plan(run);
    expect(stages.map(stage => stage.name)).toEqual([
      'dry-run',
      'create-target',
      'backfill',
      'indexes',
      'verify',
      'cut-over',
      'undo',
      'rollback',
      'contract',
    ]);
    const sqlOf = (name: string) =>
      stages.find(stage => stage.name === name)!.sql;
    expect(sqlOf('backfill').join('\n')).toContain('$1');

    // Create the target, copy everything, verify and cut over with the planned SQL.
    const trx = await knex.transaction();
    try {
      for (const sql of sqlOf('create-target')) await trx.raw(sql);
      const copyAll = sqlOf('backfill')
        .find(sql => sql.startsWith('INSERT'))!
        .replace(/WHERE .*$/s, '');
      await trx.raw(copyAll);
      const [, sourceSum, targetSum] = sqlOf('verify');
      expect((await trx.raw(sourceSum)).rows).toEqual(
        (await trx.raw(targetSum)).rows,
      );
      for (const sql of sqlOf('cut-over')) await trx.raw(sql);
      expect(
        (
          await trx.raw(
            `SELECT listener_id, duration FROM public.events_v2 ORDER BY id`,
          )
        ).rows,
      ).toEqual([
        { listener_id: 'alice', duration: 180 },
        { listener_id: 'bob', duration: 95 },
        { listener_id: 'carol', duration: null },
      ]);
    } finally {
      await trx.rollback();
    }
    // Planning itself changed nothing.
    await expectUntouched();
  });

  it('computes fields from using, expression and derive, and names rows an expression fails on', async () => {
    const { run } = await runFor([
      {
        changeType: {
          field: 'price',
          type: 'integer',
          using: 'round(price * 100)',
        },
      },
      {
        addField: {
          name: 'long_play',
          type: 'boolean',
          expression: 'duration::integer > 100',
        },
      },
      { deriveField: { field: 'user_id', expression: 'upper(user_id)' } },
    ]);
    await engine.migrate(run);
    // Until contract the name keeps the previous values of recomputed fields.
    expect(
      await knex('events')
        .orderBy('id')
        .select('user_id', 'price', 'long_play'),
    ).toEqual([
      { user_id: 'alice', price: '1.50', long_play: true },
      { user_id: 'bob', price: '0.00', long_play: false },
      { user_id: 'carol', price: '12.25', long_play: null },
    ]);
    expect(
      await knex('events_v2')
        .orderBy('id')
        .select('user_id', 'price', 'long_play'),
    ).toEqual([
      { user_id: 'ALICE', price: 150, long_play: true },
      { user_id: 'BOB', price: 0, long_play: false },
      { user_id: 'CAROL', price: 1225, long_play: null },
    ]);

    // An expression that fails on one row stops the run at the dry run, naming it.
    await knex.raw(
      `INSERT INTO public.events_v2 VALUES (4, 'DAVE', 'x', null, 0, null, null)`,
    );
    const { run: second, steps } = await runFor(
      [
        {
          changeType: {
            field: 'duration',
            type: 'integer',
            using: 'duration::integer * 2',
          },
        },
      ],
      { fromVersion: 2, targetVersion: 3 },
    );
    await expect(engine.migrate(second)).rejects.toThrow(
      /^the transform fails on 1 rows: id=4: invalid input syntax for type integer: "x"$/,
    );
    expect(steps).toEqual([{ name: 'dry-run', status: 'failed' }]);
    expect(await regclass('public.events_v3')).toBeNull();
  });

  it('never undoes a committed cut-over, and a later attempt recognises it', async () => {
    const changes: FieldChange[] = [
      { renameField: { from: 'user_id', to: 'listener_id' } },
    ];
    const first = await runFor(changes);
    const record = first.run.checkpoints.set;
    // The worker's own database fails just after the cut-over committed.
    first.run.checkpoints.set = async (name, value) => {
      if (name === 'done:cut-over')
        throw new Error('plugin database went away');
      return record(name, value);
    };
    // The data moved, so the run does not fail over a bookkeeping error after it.
    await engine.migrate(first.run);
    expect(first.logs).toContain(
      'the cut-over had been committed; "plugin database went away" came too late to change that',
    );
    // Readers are on version 2 and it keeps all its rows.
    expect(await relkind('public.events')).toBe('v');
    expect(await count('public.events_v2')).toBe(ROWS.length);
    expect(await knex('events').orderBy('id').pluck('listener_id')).toEqual([
      'alice',
      'bob',
      'carol',
    ]);

    // The next attempt runs the plan pinned at the first, not one against the new schema.
    const second = await runFor([], { targetFields: first.run.targetFields });
    for (const [name, value] of first.checkpoints)
      second.checkpoints.set(name, value);
    await engine.migrate(second.run);
    expect(second.steps).toEqual([{ name: 'cut-over', status: 'succeeded' }]);
    expect(second.logs).toContain(
      'public.events already reads public.events_v2',
    );
    expect(await count('public.events')).toBe(ROWS.length);
  });

  describe('expand: from cut-over to contract the name serves both shapes', () => {
    const computed: FieldChange[] = [
      { renameField: { from: 'user_id', to: 'listener_id' } },
      { changeType: { field: 'duration', type: 'integer' } },
      { dropField: { name: 'tag' } },
      { addField: { name: 'country', type: 'text', default: 'SE' } },
    ];

    async function rowsOf(relation: string, fields: string[]) {
      return (await knex(relation).orderBy('id').select(fields)).map(r =>
        fields.map(f => r[f]),
      );
    }

    it('keeps readers and writers of the previous shape working, and new-shape writers too', async () => {
      await knex('events').where({ id: 2 }).update({ tag: 'vip' });
      const { run } = await runFor(computed);
      await engine.migrate(run);
      // SELECT * of version 1 first, in its order, then version 2's own fields.
      expect(await columns('events')).toEqual([
        'id',
        'user_id',
        'duration',
        'played_at',
        'price',
        'tag',
        'listener_id',
        'country',
      ]);
      expect(await rowsOf('events', ['user_id', 'duration', 'tag'])).toEqual([
        ['alice', '180', null],
        ['bob', '95', 'vip'],
        ['carol', null, null],
      ]);

      // A writer of version 1 (old names, old type, the dropped field).
      await knex('events').insert({
        id: 10,
        user_id: 'old-writer',
        duration: '42',
        tag: 'legacy',
      });
      // A writer of version 2 (new names), and an upsert-free update of each kind.
      await knex('events').insert({ id: 11, listener_id: 'new-writer' });
      await knex('events').where({ id: 1 }).update({ user_id: 'alice2' });
      await knex('events').where({ id: 2 }).update({ listener_id: 'bob2' });
      await knex('events')
        .where({ id: 3 })
        .update({ tag: 'kept', duration: '7' });
      await knex('events').where({ id: 11 }).update({ country: 'NO' });
      const deleted = await knex('events').where({ id: 10 }).delete();
      expect(deleted).toBe(1);
      await knex('events').insert({
        id: 12,
        user_id: 'x',
        duration: '5',
        tag: 't',
      });

      expect(
        await rowsOf('events', [
          'id',
          'user_id',
          'listener_id',
          'duration',
          'tag',
          'country',
          'price',
        ]),
      ).toEqual([
        ['1', 'alice2', 'alice2', '180', null, 'SE', '1.50'],
        ['2', 'bob2', 'bob2', '95', 'vip', 'SE', '0.00'],
        ['3', 'carol', 'carol', '7', 'kept', 'SE', '12.25'],
        ['11', 'new-writer', 'new-writer', null, null, 'NO', '0.00'],
        ['12', 'x', 'x', '5', 't', 'SE', '0.00'],
      ]);
      // Both versions hold every write.
      expect(
        await rowsOf('events_v2', ['id', 'listener_id', 'duration', 'country']),
      ).toEqual([
        ['1', 'alice2', 180, 'SE'],
        ['2', 'bob2', 95, 'SE'],
        ['3', 'carol', 7, 'SE'],
        ['11', 'new-writer', null, 'NO'],
        ['12', 'x', 5, 'SE'],
      ]);
      expect(
        await rowsOf('events_v1', ['id', 'user_id', 'duration', 'tag']),
      ).toEqual([
        ['1', 'alice2', '180', null],
        ['2', 'bob2', '95', 'vip'],
        ['3', 'carol', '7', 'kept'],
        ['11', 'new-writer', null, null],
        ['12', 'x', '5', 't'],
      ]);
      // A write the new version refuses fails the writer, as a table would.
      await expect(
        knex('events').insert({ id: 13, user_id: 'bad', duration: 'n/a' }),
      ).rejects.toThrow(/invalid input syntax for type integer/);
      expect(await count('public.events_v2')).toBe(5);

      // Contract: the name is version 2 exactly; the previous shape and its writer go.
      await engine.contract(run);
      expect(await columns('events')).toEqual([
        'id',
        'listener_id',
        'duration',
        'played_at',
        'price',
        'country',
      ]);
      expect(await regclass('public.events_v1')).toBeNull();
      expect(await userTriggers()).toEqual([]);
      await knex('events')
        .insert({ id: 11, listener_id: 'upserted' })
        .onConflict('id')
        .merge();
      expect(await rowsOf('events', ['id', 'listener_id'])).toContainEqual([
        '11',
        'upserted',
      ]);
    });

    it('is a plain view PostgreSQL writes through itself when nothing is computed (upserts too)', async () => {
      const { run } = await runFor([
        { renameField: { from: 'user_id', to: 'listener_id' } },
        { addField: { name: 'country', type: 'text', default: 'SE' } },
      ]);
      await engine.migrate(run);
      const tag = await tagOf(run);
      expect(await userTriggers()).toEqual([
        `dsm_${tag}_frozen_previous`,
        `dsm_${tag}_reverse`,
        `dsm_${tag}_reverse_truncate`,
      ]);
      await knex('events')
        .insert({ id: 1, user_id: 'upsert-old-name' })
        .onConflict('id')
        .merge();
      await knex('events').insert({ id: 20, listener_id: 'new-name' });
      expect(
        await rowsOf('events', ['id', 'user_id', 'listener_id', 'country']),
      ).toEqual([
        ['1', 'upsert-old-name', 'upsert-old-name', 'SE'],
        ['2', 'bob', 'bob', 'SE'],
        ['3', 'carol', 'carol', 'SE'],
        ['20', 'new-name', 'new-name', 'SE'],
      ]);
      expect(await rowsOf('events_v1', ['id', 'user_id'])).toEqual([
        ['1', 'upsert-old-name'],
        ['2', 'bob'],
        ['3', 'carol'],
        ['20', 'new-name'],
      ]);
    });

    it('rolls back from expand to exactly the previous shape, with the writes made through it', async () => {
      const { run } = await runFor(computed);
      await engine.migrate(run);
      await knex('events').insert({
        id: 30,
        user_id: 'during',
        duration: '3',
        tag: 'x',
      });
      await engine.rollback(run);
      expect(await columns('events')).toEqual([
        'id',
        'user_id',
        'duration',
        'played_at',
        'price',
        'tag',
      ]);
      expect(
        await knex('events')
          .where({ id: 30 })
          .first('user_id', 'duration', 'tag'),
      ).toEqual({
        user_id: 'during',
        duration: '3',
        tag: 'x',
      });
      expect(await regclass('public.events_v2')).toBeNull();
      expect(await userTriggers()).toEqual([]);
      const { rows } = await knex.raw(
        `SELECT count(*)::int AS n FROM pg_proc WHERE proname LIKE 'dsm\\_%'`,
      );
      expect(rows[0].n).toBe(0);
    });

    it("keeps its own functions and tables in its schema, none in the dataset's, and rolls back from there", async () => {
      await engine.close?.();
      engine = await createTestEngine(knex, {
        config: { bookkeepingSchema: 'dsm_books' },
      });
      const ours = async (schema: string) =>
        (
          await knex.raw(
            `SELECT relname AS name FROM pg_class
              WHERE relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = ?)
                AND relname LIKE 'dsm\\_%'
             UNION ALL
             SELECT proname FROM pg_proc
              WHERE pronamespace = (SELECT oid FROM pg_namespace WHERE nspname = ?)
                AND proname LIKE 'dsm\\_%'
             ORDER BY 1`,
            [schema, schema],
          )
        ).rows.map((r: { name: string }) => r.name.replace(/^dsm_\w{12}_/, ''));

      const { run } = await runFor(computed);
      await engine.migrate(run);
      expect(await ours('public')).toEqual([]);
      expect(await ours('dsm_books')).toEqual([
        'expand',
        'expand_fits',
        'frozen_previous',
        'reverse',
        'reverse_failures',
        'reverse_truncate',
      ]);
      // A write through the name reaches version 1 through the reverse trigger.
      await knex('events').insert({ id: 31, user_id: 'after', duration: '4' });
      await engine.rollback(run);
      expect(
        await knex('events').where({ id: 31 }).first('user_id', 'duration'),
      ).toEqual({ user_id: 'after', duration: '4' });
      expect(await ours('public')).toEqual([]);
      expect(await ours('dsm_books')).toEqual([]);
    });

    it('stacks a later migration on the current version, and contracts the earlier one afterwards', async () => {
      const first = await runFor(computed);
      await engine.migrate(first.run);
      const second = await runFor(
        [{ renameField: { from: 'country', to: 'country_code' } }],
        {
          migrationId: '00000000-0000-4000-8000-000000000002',
          fromVersion: 2,
          targetVersion: 3,
        },
      );
      // Planned from version 2's fields, not from what the expand view serves.
      expect(second.run.targetFields.map(f => f.name)).toEqual([
        'id',
        'listener_id',
        'duration',
        'played_at',
        'price',
        'country_code',
      ]);
      await engine.migrate(second.run);
      expect(await columns('events')).toEqual([
        'id',
        'listener_id',
        'duration',
        'played_at',
        'price',
        'country',
        'country_code',
      ]);
      await engine.contract(first.run);
      expect(await regclass('public.events_v1')).toBeNull();
      // The name still serves version 3's expand shape.
      expect(await columns('events')).toContain('country_code');
      await engine.contract(second.run);
      expect(await columns('events')).toEqual([
        'id',
        'listener_id',
        'duration',
        'played_at',
        'price',
        'country_code',
      ]);
      expect(await count('public.events')).toBe(ROWS.length);
    });

    it('keeps dropped and recomputed fields of rows written through the name, with no reverse trigger', async () => {
      // user_id recomputed and a NOT NULL field dropped: nothing can carry writes back.
      await knex.raw(
        `ALTER TABLE events ADD COLUMN region text NOT NULL DEFAULT 'eu'`,
      );
      const { run } = await runFor([
        { deriveField: { field: 'user_id', expression: 'upper(user_id)' } },
        { dropField: { name: 'region' } },
        { dropField: { name: 'tag' } },
      ]);
      await engine.migrate(run);
      expect(await userTriggers()).toEqual([
        expect.stringMatching(/_expand$/),
        expect.stringMatching(/_frozen_previous$/),
        expect.stringMatching(/_reverse_truncate$/),
      ]);
      await knex('events').insert({
        id: 50,
        user_id: 'dora',
        region: 'us',
        tag: 't',
      });
      await knex('events')
        .where({ id: 1 })
        .update({ user_id: 'alice2', tag: 'x' });
      await knex('events').where({ id: 2 }).delete();
      expect(
        await rowsOf('events', ['id', 'user_id', 'region', 'tag']),
      ).toEqual([
        ['1', 'alice2', 'eu', 'x'],
        ['3', 'carol', 'eu', null],
        ['50', 'dora', 'us', 't'],
      ]);
      expect(await rowsOf('events_v2', ['id', 'user_id'])).toEqual([
        ['1', 'ALICE2'],
        ['3', 'CAROL'],
        ['50', 'DORA'],
      ]);
    });

    it('fails a write through the name whose copy into the previous version cannot take its lock, rather than lose that copy', async () => {
      const { run } = await runFor([
        { deriveField: { field: 'user_id', expression: 'upper(user_id)' } },
        { dropField: { name: 'tag' } },
      ]);
      await engine.migrate(run);
      expect(await userTriggers()).toEqual([
        expect.stringMatching(/_expand$/),
        expect.stringMatching(/_frozen_previous$/),
        expect.stringMatching(/_reverse_truncate$/),
      ]);
      // Readers of the name read the dropped tag from the previous version, which
      // only the expand trigger keeps: a write whose copy there failed unseen
      // would read back as the old value.
      const locker = await knex.client.acquireConnection();
      let refused: { code?: string } | undefined;
      try {
        await locker.query(
          'BEGIN; SELECT * FROM public.events_v1 WHERE id = 2 FOR UPDATE',
        );
        refused = await knex
          .transaction(async trx => {
            await trx.raw(`SET LOCAL lock_timeout = '200ms'`);
            await trx('events').where({ id: 2 }).update({ tag: 'late' });
          })
          .then(
            () => undefined,
            (error: { code?: string }) => error,
          );
      } finally {
        await locker.query('ROLLBACK');
        await knex.client.releaseConnection(locker);
      }
      expect(refused).toMatchObject({ code: '55P03' });
      expect(await rowsOf('events', ['id', 'tag'])).toEqual([
        ['1', null],
        ['2', null],
        ['3', null],
      ]);
      // Its retry, once the lock is free, is carried to both versions.
      await knex('events').where({ id: 2 }).update({ tag: 'late' });
      expect(await rowsOf('events', ['id', 'user_id', 'tag'])).toEqual([
        ['1', 'alice', null],
        ['2', 'bob', 'late'],
        ['3', 'carol', null],
      ]);
    });

    it('refuses a value the previous type cannot hold, so readers of the previous shape never fail on it', async () => {
      await knex.raw(`ALTER TABLE events ADD COLUMN plays integer`);
      const { run } = await runFor([
        { changeType: { field: 'plays', type: 'bigint' } },
        { renameField: { from: 'plays', to: 'play_count' } },
      ]);
      await engine.migrate(run);
      await expect(
        knex('events').insert({
          id: 60,
          user_id: 'big',
          play_count: '3000000000',
        }),
      ).rejects.toThrow(
        /play_count: until contract a value must also fit "plays" integer/,
      );
      await knex('events').insert({ id: 61, user_id: 'small', play_count: 7 });
      expect(
        await rowsOf('events', ['id', 'plays', 'play_count']),
      ).toContainEqual(['61', 7, '7']);
      expect(await count('public.events')).toBe(ROWS.length + 1);
    });

    it('follows a renamed key: a dropped field written with a row stays with it when its key changes', async () => {
      const { run } = await runFor([
        { renameField: { from: 'id', to: 'event_id' } },
        { dropField: { name: 'tag' } },
      ]);
      await engine.migrate(run);
      await knex('events').insert({ event_id: 70, user_id: 'k', tag: 'kept' });
      await knex('events').where({ id: 70 }).update({ event_id: 71 });
      expect(
        await knex('events').where({ id: 71 }).first('event_id', 'tag'),
      ).toEqual({
        event_id: '71',
        tag: 'kept',
      });
      expect(await knex('events_v1').where({ id: 70 }).first()).toBeUndefined();
    });

    it('refuses through the name a write of the previous shape that the previous version refuses, as the table did', async () => {
      await knex.raw(`CREATE UNIQUE INDEX events_tag_key ON events (tag)`);
      const { run } = await runFor([{ dropField: { name: 'tag' } }]);
      await engine.migrate(run);
      await knex('events').insert({ id: 80, user_id: 'a', tag: 'once' });
      // A writer that has not moved still writes the tag: the table refused a
      // second 'once', and so does the name, rather than keep the row with the tag
      // its readers then see empty.
      await expect(
        knex('events').insert({ id: 81, user_id: 'b', tag: 'once' }),
      ).rejects.toThrow(/duplicate key value violates unique constraint/);
      await expect(
        knex('events').where({ id: 1 }).update({ tag: 'once' }),
      ).rejects.toThrow(/duplicate key value violates unique constraint/);
      // A writer that moved gives no tag: its rows are kept, the tag empty.
      await knex('events').insert({ id: 82, user_id: 'c' });
      await knex('events').insert({ id: 83, user_id: 'd' });
      expect(await rowsOf('events', ['id', 'user_id', 'tag'])).toEqual([
        ['1', 'alice', null],
        ['2', 'bob', null],
        ['3', 'carol', null],
        ['80', 'a', 'once'],
        ['82', 'c', null],
        ['83', 'd', null],
      ]);
      expect(await count('public.events_v2')).toBe(ROWS.length + 3);
    });

    it('keeps a moved writer working where the previous version cannot hold its row, and refuses a legacy write that empties a field it requires', async () => {
      await knex.raw(`
        ALTER TABLE events ADD COLUMN legacy_code text;
        UPDATE events SET legacy_code = 'c' || id;
        ALTER TABLE events ALTER COLUMN legacy_code SET NOT NULL;
        ALTER TABLE events ADD COLUMN touched_at timestamptz DEFAULT now()`);
      const { run } = await runFor([
        { dropField: { name: 'legacy_code' } },
        { dropField: { name: 'touched_at' } },
      ]);
      await engine.migrate(run);
      // The view fills touched_at in for every writer: it does not make an insert a
      // legacy one, and the previous version, which needs legacy_code, is left out.
      await knex('events').insert({ id: 90, user_id: 'moved' });
      expect(
        await knex('events').where({ id: 90 }).first('user_id', 'legacy_code'),
      ).toEqual({ user_id: 'moved', legacy_code: null });
      // Its row stays its own to update: a change of kept fields is no legacy write.
      await knex('events').where({ id: 90 }).update({ user_id: 'moved-again' });
      expect(await knex('events').where({ id: 90 }).first('user_id')).toEqual({
        user_id: 'moved-again',
      });
      await expect(
        knex('events').where({ id: 1 }).update({ legacy_code: null }),
      ).rejects.toThrow(/null value in column "legacy_code"/);
      expect(
        await knex('events').where({ id: 1 }).first('legacy_code'),
      ).toEqual({ legacy_code: 'c1' });
    });

    it('judges an update by the fields it changes: one of kept fields only is not refused by an index on a dropped field', async () => {
      await knex.raw(`
        UPDATE events SET tag = 'a' WHERE id IN (1, 2);
        CREATE UNIQUE INDEX events_tag_user_key ON events (tag, user_id)`);
      const { run } = await runFor([{ dropField: { name: 'tag' } }]);
      await engine.migrate(run);
      // The previous version would hold ('a', 'alice') twice; the new one has no tag.
      await knex('events').where({ id: 2 }).update({ user_id: 'alice' });
      expect(await rowsOf('events', ['id', 'user_id', 'tag'])).toEqual([
        ['1', 'alice', 'a'],
        ['2', 'alice', 'a'],
        ['3', 'carol', null],
      ]);
      // Changing the dropped field writes the previous shape: refused as the table did.
      await expect(
        knex('events').where({ id: 3 }).update({ tag: 'a', user_id: 'alice' }),
      ).rejects.toThrow(/duplicate key value violates unique constraint/);
    });

    it.each([
      ['a dropped field', [{ dropField: { name: 'tag' } }]],
      ['a retype only', [{ changeType: { field: 'price', type: 'numeric' } }]],
      [
        'a rename only',
        [{ renameField: { from: 'user_id', to: 'listener_id' } }],
      ],
    ] as [string, FieldChange[]][])(
      'refuses through the name a delete the previous version refuses, so both versions keep the row (%s)',
      async (_, changes) => {
        const { run } = await runFor(changes);
        await engine.migrate(run);
        // Foreign keys to the previous version's table, added after cut-over: the
        // table refused to delete a row they reference, and so does the name,
        // rather than drop the row for new-shape readers only.
        await knex.raw(`
          CREATE TABLE public.plays (event_id bigint REFERENCES public.events_v1 (id));
          CREATE TABLE public.bookings (
            event_id bigint REFERENCES public.events_v1 (id) ON DELETE RESTRICT);
          INSERT INTO public.plays VALUES (1);
          INSERT INTO public.bookings VALUES (2)`);
        for (const id of [1, 2])
          await expect(knex('events').where({ id }).delete()).rejects.toThrow(
            /foreign key constraint/,
          );
        expect(await count('public.events_v1')).toBe(ROWS.length);
        expect(await count('public.events_v2')).toBe(ROWS.length);
        // A row nothing references is deleted from both.
        await knex('events').where({ id: 3 }).delete();
        expect(await rowsOf('events', ['id', 'user_id'])).toEqual([
          ['1', 'alice'],
          ['2', 'bob'],
        ]);
        expect(await count('public.events_v1')).toBe(ROWS.length - 1);
        expect(await count('public.events_v2')).toBe(ROWS.length - 1);
      },
    );

    it.each([
      ['a dropped field', [{ dropField: { name: 'tag' } }]],
      ['a retype only', [{ changeType: { field: 'price', type: 'numeric' } }]],
      [
        'a rename only',
        [{ renameField: { from: 'user_id', to: 'listener_id' } }],
      ],
      // No reverse trigger: the expand trigger alone carries the write.
      ['a dropped NOT NULL field', [{ dropField: { name: 'user_id' } }]],
    ] as [string, FieldChange[]][])(
      'carries a key change through the name to the previous version as a change of its key, so foreign keys to it act as on the table (%s)',
      async (_, changes) => {
        const { run } = await runFor(changes);
        await engine.migrate(run);
        const idsOf = async (relation: string, column = 'id') =>
          (await knex(relation).orderBy(column).select(column)).map(r =>
            Number(r[column]),
          );
        const bothVersions = async () => [
          await idsOf('public.events_v1'),
          await idsOf('public.events_v2'),
        ];
        // Foreign keys to the previous version's table, added after cut-over.
        // Carried as a delete and an insert, a key change deleted the rows
        // referencing it (ON DELETE CASCADE) where the table moved them with
        // the key (ON UPDATE CASCADE), and went past one that refuses.
        await knex.raw(`
          CREATE TABLE public.plays (event_id bigint
            REFERENCES public.events_v1 (id) ON UPDATE CASCADE ON DELETE CASCADE);
          CREATE TABLE public.bookings (
            event_id bigint REFERENCES public.events_v1 (id));
          INSERT INTO public.plays VALUES (1), (1);
          INSERT INTO public.bookings VALUES (2)`);
        await knex('events').where({ id: 1 }).update({ id: 11 });
        expect(await idsOf('public.plays', 'event_id')).toEqual([11, 11]);
        expect(await bothVersions()).toEqual([
          [2, 3, 11],
          [2, 3, 11],
        ]);
        expect(await idsOf('events')).toEqual([2, 3, 11]);
        // Refused as the table did: both versions keep the key.
        await expect(
          knex('events').where({ id: 2 }).update({ id: 12 }),
        ).rejects.toThrow(/foreign key constraint "bookings_event_id_fkey"/);
        expect(await bothVersions()).toEqual([
          [2, 3, 11],
          [2, 3, 11],
        ]);
        // A key nothing references changes in both; the row's other fields go with it.
        await knex('events').where({ id: 3 }).update({ id: 13 });
        expect(await bothVersions()).toEqual([
          [2, 11, 13],
          [2, 11, 13],
        ]);
        expect(
          await knex('public.events_v1').where({ id: 13 }).first('price'),
        ).toEqual({ price: '12.25' });
        // A delete cascades as it did on the table.
        await knex('events').where({ id: 11 }).delete();
        expect(await idsOf('public.plays', 'event_id')).toEqual([]);
        expect(await bothVersions()).toEqual([
          [2, 13],
          [2, 13],
        ]);
      },
    );

    it('judges an insert by the dropped fields it gives, also those with a default, and keeps writers that leave them out', async () => {
      await knex.raw(`
        CREATE SEQUENCE public.events_serial_seq;
        ALTER TABLE events
          ADD COLUMN code text DEFAULT 'none',
          ADD COLUMN serial_no bigint DEFAULT nextval('public.events_serial_seq');
        UPDATE events SET code = 'c' || id;
        CREATE UNIQUE INDEX events_code_key ON events (code);
        CREATE UNIQUE INDEX events_serial_no_key ON events (serial_no)`);
      const { run } = await runFor([
        { dropField: { name: 'code' } },
        { dropField: { name: 'serial_no' } },
      ]);
      await engine.migrate(run);
      // A writer that has not moved gives the fields: the table refused a second
      // value under either index, a constant default or a volatile one, and so
      // does the name.
      await expect(
        knex('events').insert({ id: 90, user_id: 'a', code: 'c1' }),
      ).rejects.toThrow(/duplicate key value violates unique constraint/);
      await expect(
        knex('events').insert({ id: 91, user_id: 'b', serial_no: 2 }),
      ).rejects.toThrow(/duplicate key value violates unique constraint/);
      // So does a row of several that gives one, beside rows that ask for the
      // default, and after an update that set a field to its default.
      await knex.raw(`UPDATE events SET serial_no = DEFAULT WHERE id = 3`);
      await expect(
        knex.raw(`INSERT INTO events (id, user_id, serial_no)
                  VALUES (92, 'c', DEFAULT), (93, 'd', 1), (94, 'e', DEFAULT)`),
      ).rejects.toThrow(/duplicate key value violates unique constraint/);
      await knex.raw(`INSERT INTO events (id, user_id, code, serial_no)
                      VALUES (95, 'f', DEFAULT, 100), (96, 'g', 'fresh', DEFAULT)`);
      // A writer that moved gives neither: its rows are kept, though the previous
      // version holds only one 'none'.
      await knex('events').insert([
        { id: 97, user_id: 'h' },
        { id: 98, user_id: 'i' },
      ]);
      expect(await rowsOf('events', ['id', 'user_id', 'code'])).toEqual([
        ['1', 'alice', 'c1'],
        ['2', 'bob', 'c2'],
        ['3', 'carol', 'c3'],
        ['95', 'f', 'none'],
        ['96', 'g', 'fresh'],
        ['97', 'h', null],
        ['98', 'i', null],
      ]);
      expect(await count('public.events_v2')).toBe(ROWS.length + 4);
    });

    it('contracts a dataset whose key is a serial: the sequence moves to the new version', async () => {
      await knex.raw(
        `CREATE TABLE public.counters (id serial PRIMARY KEY, n integer)`,
      );
      await knex('counters').insert([{ n: 1 }, { n: 2 }]);
      const counters = await engineRun(engine, 'public.counters', [
        { changeType: { field: 'n', type: 'bigint' } },
      ]);
      await engine.migrate(counters.run);
      await knex('counters').insert({ n: 3 });
      await engine.contract(counters.run);
      await knex('counters').insert({ n: 4 });
      expect(await knex('counters').orderBy('id').pluck('id')).toEqual([
        1, 2, 3, 4,
      ]);
      expect(await regclass('public.counters_v1')).toBeNull();
    });

    it("contracts a serial key whose table another role owns, keeping the sequence and the owner's inserts", async () => {
      // PostgreSQL links a sequence only to a table of its own owner, and the new
      // version is the migration's role's: the contract failed here before. (An
      // owner that does not hold the engine's rights is refused; a superuser is not.)
      await knex.raw(`DROP ROLE IF EXISTS dsm_app`);
      await knex.raw(`CREATE ROLE dsm_app SUPERUSER`);
      await knex.raw(`GRANT USAGE ON SCHEMA public TO dsm_app`);
      await knex.raw(
        `CREATE TABLE public.counters (id serial PRIMARY KEY, n integer)`,
      );
      await knex('counters').insert([{ n: 1 }, { n: 2 }]);
      await knex.raw(`ALTER TABLE public.counters OWNER TO dsm_app`);
      const insertAsApp = (n: number) =>
        knex.transaction(async tx => {
          await tx.raw('SET LOCAL ROLE dsm_app');
          await tx('counters').insert({ n });
        });
      try {
        const counters = await engineRun(engine, 'public.counters', [
          { changeType: { field: 'n', type: 'bigint' } },
        ]);
        await engine.migrate(counters.run);
        await insertAsApp(3);
        await engine.contract(counters.run);
        await insertAsApp(4);
        expect(await knex('counters').orderBy('id').pluck('id')).toEqual([
          1, 2, 3, 4,
        ]);
        expect(await regclass('public.counters_v1')).toBeNull();
      } finally {
        await knex.raw(`REASSIGN OWNED BY dsm_app TO CURRENT_USER`);
        await knex.raw(`DROP OWNED BY dsm_app`);
        await knex.raw(`DROP ROLE dsm_app`);
      }
    });

    it('after a later migration renamed the dataset, leaves the old name refusing writes when the earlier one is contracted', async () => {
      await knex.raw(`CREATE SCHEMA analytics`);
      const first = await runFor(computed);
      await engine.migrate(first.run);
      const second = await runFor([], {
        migrationId: '00000000-0000-4000-8000-000000000002',
        fromVersion: 2,
        targetVersion: 3,
        renamedTo: { table: 'analytics.plays' },
      });
      await engine.migrate(second.run);
      const refused = /public\.events was renamed to analytics\.plays/;
      await expect(
        knex.raw(`INSERT INTO public.events (id, user_id) VALUES (90, 'x')`),
      ).rejects.toThrow(refused);
      // The old name still reads both earlier versions: contracting the first
      // migration now is refused by PostgreSQL and changes nothing.
      await expect(engine.contract(first.run)).rejects.toThrow(
        /depends on|depend on it/,
      );
      expect(await relkind('public.events_v1')).toBe('r');
      await expect(
        knex.raw(`INSERT INTO public.events (id, user_id) VALUES (91, 'x')`),
      ).rejects.toThrow(refused);
    });

    it('quotes function bodies so that no default can end them', async () => {
      const { run } = await runFor([
        { changeType: { field: 'duration', type: 'integer' } },
        {
          addField: {
            name: 'note',
            type: 'text',
            default: "$expand$ $trigger$ '; DROP TABLE x",
          },
        },
      ]);
      await engine.migrate(run);
      await knex('events').insert({ id: 40, user_id: 'q', duration: '1' });
      expect(await knex('events').where({ id: 40 }).first('note')).toEqual({
        note: "$expand$ $trigger$ '; DROP TABLE x",
      });
    });

    async function tagOf(run: DatasetMigrationRun): Promise<string> {
      const { rows } = await knex.raw(
        `SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'dsm\\_%\\_reverse'`,
      );
      expect(rows).toHaveLength(1);
      expect(run.migrationId).toBeTruthy();
      return rows[0].tgname.slice(4, -8);
    }
  });

  describe('after cut-over', () => {
    const changes: FieldChange[] = [
      { renameField: { from: 'user_id', to: 'listener_id' } },
      { changeType: { field: 'duration', type: 'integer' } },
    ];

    it('rolls back without losing a write made since, then refuses a second rollback', async () => {
      const { run } = await runFor(changes);
      await engine.migrate(run);
      // Writers on version 2, through the dataset's name.
      await knex('events').insert({
        id: 10,
        listener_id: 'eve',
        duration: 42,
        price: 3,
      });
      await knex('events')
        .where({ id: 1 })
        .update({ listener_id: 'alice2', duration: 181 });
      await knex('events').where({ id: 2 }).delete();

      await engine.rollback(run);
      const { rows: reads } = await knex.raw(
        `SELECT DISTINCT c.relname FROM pg_rewrite r JOIN pg_depend d ON d.objid = r.oid
           JOIN pg_class c ON c.oid = d.refobjid
          WHERE r.ev_class = 'public.events'::regclass AND c.relkind = 'r'`,
      );
      expect(reads).toEqual([{ relname: 'events_v1' }]);
      expect(
        await knex('events').orderBy('id').select('id', 'user_id', 'duration'),
      ).toEqual([
        { id: '1', user_id: 'alice2', duration: '181' },
        { id: '3', user_id: 'carol', duration: null },
        { id: '10', user_id: 'eve', duration: '42' },
      ]);
      // Version 2 is gone with its trigger: every write it took is in version 1.
      expect(await regclass('public.events_v2')).toBeNull();
      expect(await userTriggers()).toEqual([]);
      // A repeat (its first commit unrecorded, say) finds the work done and changes nothing.
      await engine.rollback(run);
      expect(await knex('events').count({ n: '*' })).toEqual([{ n: '3' }]);
    });

    it("keeps a dropped field's old values through later writes, and refuses to roll back a recomputed field", async () => {
      const { run } = await runFor([{ dropField: { name: 'tag' } }]);
      await knex('events').where({ id: 1 }).update({ tag: 'kept' });
      await engine.migrate(run);
      await knex('events').where({ id: 1 }).update({ price: 9 });
      await knex('events').insert({ id: 11, user_id: 'new', price: 1 });
      await engine.rollback(run);
      expect(
        await knex('events')
          .whereIn('id', [1, 11])
          .orderBy('id')
          .select('id', 'tag', 'price'),
      ).toEqual([
        { id: '1', tag: 'kept', price: '9.00' },
        { id: '11', tag: null, price: '1.00' },
      ]);

      const derived = await runFor(
        [{ deriveField: { field: 'user_id', expression: 'upper(user_id)' } }],
        {
          migrationId: '00000000-0000-4000-8000-000000000003',
        },
      );
      await engine.migrate(derived.run);
      await expect(engine.rollback(derived.run)).rejects.toThrow(
        'rollback is not available: "user_id" is recomputed by an expression; its old values cannot be recovered from the new version',
      );
    });

    it('refuses a write straight to the new version that the previous type cannot hold, which every reader of the name would fail on', async () => {
      const { run } = await runFor([
        { changeType: { field: 'price', type: 'text' } },
      ]);
      await engine.migrate(run);
      // Until contract the name serves numeric: one such row failed every read of it.
      await expect(
        knex('events_v2').where({ id: 1 }).update({ price: 'about two' }),
      ).rejects.toThrow(
        'price: until contract a value must also fit "price" numeric(10,2) of the previous version',
      );
      expect((await knex('events').select('id', 'price')).length).toBe(3);
      // Nothing was recorded against a rollback.
      await engine.rollback(run);
      expect((await knex('events').select('id', 'price')).length).toBe(3);
    });

    it('refuses it also where no rollback is possible, so no trigger carries writes back', async () => {
      const { run } = await runFor([
        { changeType: { field: 'price', type: 'text' } },
        { deriveField: { field: 'user_id', expression: 'upper(user_id)' } },
      ]);
      await engine.migrate(run);
      await expect(
        knex('events_v2').where({ id: 1 }).update({ price: 'about two' }),
      ).rejects.toThrow(
        'price: until contract a value must also fit "price" numeric(10,2) of the previous version',
      );
      expect((await knex('events').select('id', 'price')).length).toBe(3);
    });

    it('refuses, rather than carries back altered, a value the previous type would truncate or round', async () => {
      const { run } = await runFor([
        { changeType: { field: 'tag', type: 'text' } },
        { changeType: { field: 'price', type: 'numeric' } },
      ]);
      await engine.migrate(run);
      const before = await knex('events')
        .whereIn('id', [1, 2])
        .orderBy('id')
        .select('tag', 'price');
      // varchar(20) and numeric(10,2) take them only cut short, without a word:
      // readers of the name would read values no row holds.
      await expect(
        knex('events_v2')
          .where({ id: 1 })
          .update({ tag: 'a-tag-longer-than-twenty' }),
      ).rejects.toThrow(/^.*tag: until contract a value must also fit "tag"/);
      await expect(
        knex('events_v2').where({ id: 2 }).update({ price: '1.234' }),
      ).rejects.toThrow(/price: until contract a value must also fit "price"/);
      // Values that fit go on to the previous version.
      await knex('events_v2').where({ id: 2 }).update({ price: '1.5' });
      await engine.rollback(run);
      expect(
        await knex('events')
          .whereIn('id', [1, 2])
          .orderBy('id')
          .select('tag', 'price'),
      ).toEqual([before[0], { ...before[1], price: '1.50' }]);
    });

    it('says why a rollback is impossible when a required field was dropped', async () => {
      const { run } = await runFor([{ dropField: { name: 'user_id' } }]);
      const rollback = (await engine.plan(run)).find(
        stage => stage.name === 'rollback',
      )!;
      expect(rollback.description).toBe(
        'After cut-over: not available, "user_id" (NOT NULL) cannot be recomputed from the new version.',
      );
      await engine.migrate(run);
      await expect(engine.rollback(run)).rejects.toThrow(
        'rollback is not available: "user_id" (NOT NULL) cannot be recomputed from the new version',
      );
    });

    it('contracts: drops the old version, after which there is nothing to roll back to', async () => {
      const { run, logs } = await runFor(changes);
      await engine.migrate(run);
      await engine.contract(run);
      expect(await regclass('public.events_v1')).toBeNull();
      expect(logs).toContain('dropped public.events_v1: version 1 is gone');
      expect(await userTriggers()).toEqual([]);
      expect(await knex('events').count({ n: '*' })).toEqual([
        { n: String(ROWS.length) },
      ]);
      await expect(engine.rollback(run)).rejects.toThrow(
        'rollback is not available: version 1 was dropped',
      );
    });
  });

  describe('renaming the dataset', () => {
    const changes: FieldChange[] = [
      { renameField: { from: 'user_id', to: 'listener_id' } },
    ];
    const moved = { renamedTo: { table: 'analytics.plays' } };

    beforeEach(async () => {
      await knex.raw(`CREATE SCHEMA analytics`);
      await knex.raw(`CREATE ROLE dsm_rename_reader`);
      await knex.raw(`GRANT SELECT ON public.events TO dsm_rename_reader`);
    });

    afterEach(async () => {
      await knex.raw(`DROP OWNED BY dsm_rename_reader`);
      await knex.raw(`DROP ROLE dsm_rename_reader`);
    });

    const grantees = async (relation: string) =>
      (
        await knex.raw(
          `SELECT grantee::regrole::text AS g FROM pg_class c, aclexplode(c.relacl)
            WHERE c.oid = ?::regclass AND grantee <> c.relowner`,
          [relation],
        )
      ).rows.map((r: { g: string }) => r.g);

    it('moves readers to the new name; the old name keeps the old version for readers, refuses writes, and rolls back', async () => {
      const { run, logs } = await runFor(changes, moved);
      await engine.migrate(run);

      expect(await relkind('analytics.plays')).toBe('v');
      expect(await relkind('analytics.plays_v2')).toBe('r');
      expect(await grantees('analytics.plays')).toEqual(['dsm_rename_reader']);
      expect(await grantees('public.events')).toEqual(['dsm_rename_reader']);
      expect(logs).toContain('analytics.plays now reads analytics.plays_v2');
      // A write through the new name reaches the old version, which the old name reads.
      await knex.raw(
        `INSERT INTO analytics.plays (id, listener_id, price) VALUES (10, 'eve', 1)`,
      );
      expect(
        (await knex.raw(`SELECT user_id FROM public.events WHERE id = 10`))
          .rows,
      ).toEqual([{ user_id: 'eve' }]);
      await expect(
        knex.raw(`INSERT INTO public.events (id, user_id) VALUES (11, 'x')`),
      ).rejects.toThrow(
        'public.events was renamed to analytics.plays; it keeps the old version for readers only: write to analytics.plays',
      );

      await engine.rollback(run);
      expect(await regclass('analytics.plays')).toBeNull();
      expect(await regclass('analytics.plays_v2')).toBeNull();
      await knex.raw(
        `INSERT INTO public.events (id, user_id) VALUES (11, 'x')`,
      );
      expect(await count('public.events')).toBe(ROWS.length + 2);
      expect(await userTriggers()).toEqual([]);
    });

    it('contracts: the old name goes with the old version', async () => {
      const { run } = await runFor(changes, moved);
      await engine.migrate(run);
      await engine.contract(run);
      expect(await regclass('public.events')).toBeNull();
      expect(await regclass('public.events_v1')).toBeNull();
      expect(await count('analytics.plays')).toBe(ROWS.length);
      const { rows: functions } = await knex.raw(
        `SELECT proname FROM pg_proc WHERE proname LIKE 'dsm_%'`,
      );
      expect(functions).toEqual([]);
    });

    it("refuses a new name that is one of the dataset's version names, or too long for its versions", async () => {
      const version = await runFor(changes, {
        renamedTo: { table: 'public.events_v1' },
      });
      await expect(engine.plan(version.run)).rejects.toThrow(
        "cannot rename to public.events_v1: that is the name of one of the dataset's versions",
      );
      const long = await runFor(changes, {
        renamedTo: { table: `analytics.${'p'.repeat(60)}` },
        targetVersion: 12,
      });
      await expect(engine.plan(long.run)).rejects.toThrow(
        "is longer than Postgres' 63-byte names",
      );
    });

    it('refuses a new name that is taken or in a schema that does not exist, creating nothing', async () => {
      await knex.raw(`CREATE TABLE analytics.plays (id int)`);
      const taken = await runFor(changes, moved);
      await expect(engine.plan(taken.run)).rejects.toThrow(
        'cannot rename to analytics.plays: it already exists',
      );
      await expect(engine.migrate(taken.run)).rejects.toThrow(
        'cannot rename to analytics.plays: it already exists',
      );
      const nowhere = await runFor(changes, {
        renamedTo: { table: 'nowhere.plays' },
      });
      await expect(engine.plan(nowhere.run)).rejects.toThrow(
        'cannot rename to nowhere.plays: schema nowhere does not exist',
      );
      expect(await relkind('public.events')).toBe('r');
      expect(await regclass('analytics.plays_v2')).toBeNull();
    });
  });

  it("measures how many examples appear among a field's sampled values", async () => {
    const sampler = engine as DatasetEngine &
      Required<Pick<DatasetEngine, 'sampleOverlap'>>;
    expect(
      await sampler.sampleOverlap({ table: 'public.events' }, 'user_id', [
        'alice',
        'zed',
      ]),
    ).toBe(0.5);
    expect(
      await sampler.sampleOverlap({ table: 'public.events' }, 'duration', [
        '95',
        '180',
        '180',
      ]),
    ).toBe(1);
    expect(
      await sampler.sampleOverlap({ table: 'public.events' }, 'user_id', []),
    ).toBe(0);
  });

  it('refuses a dataset with a column collated otherwise than its type, naming it, and creates nothing', async () => {
    await knex.raw(
      `ALTER TABLE public.events ALTER COLUMN user_id TYPE text COLLATE "C"`,
    );
    try {
      const { run } = await runFor([
        { addField: { name: 'source', type: 'text', default: 'app' } },
      ]);
      const refusal =
        'public.events has column "user_id" with collation "C"; this engine does not carry collations to the new version yet';
      await expect(engine.plan(run)).rejects.toThrow(refusal);
      await expect(engine.migrate(run)).rejects.toThrow(refusal);
      expect(await regclass('public.events_v2')).toBeNull();
      expect(await relkind('public.events')).toBe('r');
    } finally {
      await knex.raw(
        `ALTER TABLE public.events ALTER COLUMN user_id TYPE text COLLATE "default"`,
      );
    }
  });

  it('refuses a view it did not make: repointing it would change what its readers see', async () => {
    await knex.raw(
      `CREATE TABLE public.raw_events (id bigint PRIMARY KEY, hidden boolean)`,
    );
    await knex.raw(
      `CREATE VIEW public.visible AS SELECT id FROM public.raw_events WHERE NOT hidden`,
    );
    await expect(
      engine.introspect({ table: 'public.visible' }),
    ).rejects.toThrow(
      'view public.visible reads public.raw_events, which is not one of its versions (visible_v<N>); point the dataset at a table',
    );
  });

  it("keeps the dataset's grants and column defaults on the new version, and through a rollback", async () => {
    await knex.raw(`DROP ROLE IF EXISTS dsm_reader`);
    await knex.raw(`CREATE ROLE dsm_reader`);
    await knex.raw(`GRANT SELECT ON public.events TO dsm_reader`);
    try {
      const { run } = await runFor([
        { addField: { name: 'source', type: 'text', default: 'app' } },
      ]);
      await engine.migrate(run);
      const canRead = async () =>
        (
          await knex.raw(
            `SELECT has_table_privilege('dsm_reader', 'public.events', 'SELECT') AS ok`,
          )
        ).rows[0].ok;
      expect(await canRead()).toBe(true);
      // Writers that leave columns out get the defaults they got before, and the new one.
      await knex('events').insert({ id: 20, user_id: 'defaults' });
      expect(
        await knex('events').where({ id: 20 }).first('price', 'source'),
      ).toEqual({ price: '0.00', source: 'app' });

      await engine.rollback(run);
      expect(await canRead()).toBe(true);
      expect(await knex('events').where({ id: 20 }).first('price')).toEqual({
        price: '0.00',
      });
    } finally {
      await knex.raw(`DROP OWNED BY dsm_reader`);
      await knex.raw(`DROP ROLE dsm_reader`);
    }
  });

  it("opens nothing it creates to a role the dataset never granted, whatever its role's default privileges say", async () => {
    // Supabase-style defaults: every new table of the engine's role readable by `anon`.
    await knex.raw(`DROP ROLE IF EXISTS dsm_anon`);
    await knex.raw(`CREATE ROLE dsm_anon`);
    await knex.raw(`DROP ROLE IF EXISTS dsm_reader`);
    await knex.raw(`CREATE ROLE dsm_reader`);
    await knex.raw(`GRANT SELECT ON public.events TO dsm_reader`);
    await knex.raw(
      `ALTER DEFAULT PRIVILEGES GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO dsm_anon`,
    );
    await knex.raw(`ALTER DEFAULT PRIVILEGES GRANT ALL ON SCHEMAS TO dsm_anon`);
    const opened = async (role: string) =>
      (
        await knex.raw(
          `SELECT c.oid::regclass::text AS relation FROM pg_class c
            WHERE c.relkind IN ('r', 'v', 'p')
              AND c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
              AND (has_table_privilege(?, c.oid, 'SELECT')
                   OR has_table_privilege(?, c.oid, 'INSERT'))
            ORDER BY 1`,
          [role, role],
        )
      ).rows.map((r: { relation: string }) => r.relation);
    try {
      const { run } = await runFor([
        { renameField: { from: 'tag', to: 'label' } },
      ]);
      await engine.migrate(run);
      // The new version, its view, the engine's bookkeeping: none of it to anon.
      expect(await opened('dsm_anon')).toEqual([]);
      expect(
        (
          await knex.raw(
            `SELECT has_schema_privilege('dsm_anon', 'dataset_migrations_engine', 'CREATE') AS creates`,
          )
        ).rows,
      ).toEqual([{ creates: false }]);
      // The old version keeps its own grants, as the dataset's name does.
      expect(await opened('dsm_reader')).toEqual(['events', 'events_v1']);

      await engine.rollback(run);
      expect(await opened('dsm_anon')).toEqual([]);
      expect(await opened('dsm_reader')).toEqual(['events', 'events_v1']);

      const again = await runFor([
        { renameField: { from: 'tag', to: 'label' } },
      ]);
      await engine.migrate(again.run);
      await engine.contract(again.run);
      expect(await opened('dsm_anon')).toEqual([]);
      expect(await opened('dsm_reader')).toEqual(['events']);
    } finally {
      for (const role of ['dsm_anon', 'dsm_reader']) {
        await knex.raw(`DROP OWNED BY ${role}`);
        await knex.raw(`DROP ROLE ${role}`);
      }
    }
  });

  it("refuses a table whose owner, or a role that may create triggers on it, does not hold the engine's rights", async () => {
    // The migration's triggers run with the engine's rights (here a superuser
    // whose name needs quoting, as "bot@example.com" does) and write into the
    // previous version after cut-over: an owner that attached a trigger there
    // made itself superuser with its next write, before this refusal.
    const engineUser = 'Dsm Bot@example.com';
    const bot = `"${engineUser}"`;
    for (const role of ['dsm_app', bot]) {
      await knex.raw(`DROP ROLE IF EXISTS ${role}`);
      await knex.raw(`CREATE ROLE ${role}`);
    }
    await knex.raw(`ALTER ROLE ${bot} LOGIN SUPERUSER PASSWORD 'bot'`);
    await knex.raw(`ALTER TABLE public.events OWNER TO dsm_app`);
    const url = new URL(connectionUrlOf(knex));
    url.username = encodeURIComponent(engineUser);
    url.password = 'bot';
    const asBot = await createTestEngine(url.toString());
    const attempt = async () => {
      const { run } = await engineRun(asBot, 'public.events', [
        { addField: { name: 'source', type: 'text', default: 'app' } },
      ]);
      return {
        plan: await outcomeOf(asBot.plan(run)),
        migrate: await outcomeOf(asBot.migrate(run)),
      };
    };
    const refusal = (what: string) =>
      expect.stringContaining(
        `${what}, which does not hold the rights of the engine's role (current user); the migration's triggers and copy run with those rights`,
      );
    try {
      expect(await attempt()).toEqual({
        plan: refusal('events is owned by role dsm_app'),
        migrate: refusal('events is owned by role dsm_app'),
      });
      expect(await relkind('public.events_v2')).toBeUndefined();
      // Inheriting the engine's privileges is not holding its SUPERUSER, which
      // code running as the engine's role has: still refused.
      await knex.raw(`GRANT ${bot} TO dsm_app WITH INHERIT TRUE, SET FALSE`);
      expect((await attempt()).plan).toEqual(
        refusal('events is owned by role dsm_app'),
      );

      await knex.raw(`ALTER TABLE public.events OWNER TO ${bot}`);
      await knex.raw(`GRANT TRIGGER ON public.events TO dsm_app`);
      expect((await attempt()).plan).toEqual(
        refusal('role dsm_app may create triggers on events'),
      );
      await knex.raw(`REVOKE TRIGGER ON public.events FROM dsm_app`);
      expect(await attempt()).toEqual({ plan: 'done', migrate: 'done' });
    } finally {
      await asBot.close?.();
      for (const role of ['dsm_app', bot]) {
        await knex.raw(`REASSIGN OWNED BY ${role} TO CURRENT_USER`);
        await knex.raw(`DROP OWNED BY ${role}`);
        await knex.raw(`DROP ROLE ${role}`);
      }
    }
  });

  it('fails the cut-over, moving nothing, when a role that lacks its rights was granted TRIGGER since plan', async () => {
    await knex.raw(`DROP ROLE IF EXISTS dsm_late`);
    await knex.raw(`CREATE ROLE dsm_late`);
    try {
      const { run } = await runFor(
        [{ addField: { name: 'source', type: 'text', default: 'app' } }],
        {
          step: async (name, work) => {
            if (name === 'cut-over')
              await knex.raw(`GRANT TRIGGER ON public.events TO dsm_late`);
            return work();
          },
        },
      );
      await expect(engine.migrate(run)).rejects.toThrow(
        'role dsm_late may create triggers on events, which does not hold the rights',
      );
      expect(await relkind('public.events')).toBe('r');
    } finally {
      await knex.raw(`DROP OWNED BY dsm_late`);
      await knex.raw(`DROP ROLE dsm_late`);
    }
  });

  it('refuses a table without a primary key, creating nothing', async () => {
    await knex.raw(`CREATE TABLE public.keyless (a int, b text)`);
    await knex.raw(`INSERT INTO public.keyless VALUES (1, 'x')`);
    const { fields } = await engine.introspect({ table: 'public.keyless' });
    const plan = planFieldChanges(fields, [
      { renameField: { from: 'b', to: 'c' } },
    ]);
    const { run } = await runFor([], {
      dataset: { table: 'public.keyless' },
      targetFields: plan.fields,
    });
    await expect(engine.migrate(run)).rejects.toThrow(
      'public.keyless has no primary key; copying in batches and capturing writes need one',
    );
    expect(await regclass('public.keyless_v2')).toBeNull();
  });

  describe('indexes and constraints', () => {
    beforeEach(async () => {
      await knex.raw(`CREATE TABLE public.users (name text PRIMARY KEY)`);
      await knex.raw(
        `INSERT INTO public.users VALUES ('alice'), ('bob'), ('carol')`,
      );
      await knex.raw(`
        CREATE UNIQUE INDEX events_user_played_idx
          ON public.events (user_id, played_at DESC NULLS LAST) WHERE price > 0;
        CREATE INDEX events_lower_user_idx ON public.events (lower(user_id)) INCLUDE (price);
        CREATE INDEX events_duration_idx ON public.events (duration);
        ALTER TABLE public.events ADD CONSTRAINT price_positive CHECK (price >= 0);
        ALTER TABLE public.events ADD CONSTRAINT user_known
          FOREIGN KEY (user_id) REFERENCES public.users (name);
        ALTER TABLE public.events ADD CONSTRAINT short_tag CHECK (length(tag) < 10) NOT VALID;
      `);
    });

    async function definitions(table: string): Promise<string[]> {
      const { rows } = await knex.raw(
        `SELECT pg_get_indexdef(indexrelid) AS d FROM pg_index
          WHERE indrelid = ?::regclass AND NOT indisprimary
         UNION ALL
         SELECT conname || ': ' || pg_get_constraintdef(oid) FROM pg_constraint
          WHERE conrelid = ?::regclass AND contype IN ('c', 'f')
         ORDER BY 1`,
        [table, table],
      );
      return rows.map((r: { d: string }) => r.d);
    }

    it('rebuilds them on the new version with renamed fields, and skips what no longer fits', async () => {
      const { run, logs } = await runFor([
        { renameField: { from: 'user_id', to: 'listener' } },
        { dropField: { name: 'duration' } },
      ]);
      const [planned] = (await engine.plan(run)).filter(
        s => s.name === 'indexes',
      );
      expect(planned.description).toContain(
        'index events_duration_idx: field "duration" is not in the new version',
      );
      expect(
        (await engine.introspect({ table: 'public.events' })).indexes,
      ).toContainEqual({
        name: 'events_lower_user_idx',
        unique: false,
        definition:
          'CREATE INDEX events_lower_user_idx ON public.events USING btree (lower(user_id)) INCLUDE (price)',
      });
      await engine.migrate(run);

      expect(await definitions('public.events_v2')).toEqual([
        'CREATE INDEX events_lower_user_idx_v2 ON public.events_v2 USING btree (lower(listener)) INCLUDE (price)',
        'CREATE UNIQUE INDEX events_user_played_idx_v2 ON public.events_v2 USING btree (listener, played_at DESC NULLS LAST) WHERE (price > (0)::numeric)',
        'price_positive: CHECK ((price >= (0)::numeric))',
        'short_tag: CHECK ((length((tag)::text) < 10)) NOT VALID',
        'user_known: FOREIGN KEY (listener) REFERENCES users(name)',
      ]);
      expect(planned.sql).toHaveLength(7); // 2 indexes, 3 adds, 2 validations
      expect(logs).toContain(
        'not carried over: index events_duration_idx: field "duration" is not in the new version',
      );
      // The carried constraints hold on the new version, through the dataset's name.
      await expect(
        knex.raw(
          `INSERT INTO public.events (id, listener, price) VALUES (9, 'mallory', 1)`,
        ),
      ).rejects.toThrow('violates foreign key constraint "user_known"');
      await expect(
        knex.raw(
          `INSERT INTO public.events (id, listener, price) VALUES (9, 'alice', -1)`,
        ),
      ).rejects.toThrow('violates check constraint "price_positive"');
    });

    it('fails before the switch, undoing everything, when the new values break a unique index', async () => {
      await knex.raw(
        `CREATE UNIQUE INDEX events_duration_uq ON public.events (duration)`,
      );
      // Recomputed, still present: the index on it is rebuilt, and now collides.
      const { run } = await runFor([
        { deriveField: { field: 'duration', expression: "'same'" } },
      ]);
      await expect(engine.migrate(run)).rejects.toThrow(
        /could not create unique index "events_duration_uq_v2"/,
      );
      expect(await regclass('public.events_v2')).toBeNull();
      expect(await relkind('public.events')).toBe('r');
    });

    it('keeps NULLS NOT DISTINCT, and refuses an EXCLUDE constraint it could only carry as a plain index', async () => {
      await knex.raw(
        `CREATE UNIQUE INDEX events_tag_nnd ON public.events (user_id, tag) NULLS NOT DISTINCT`,
      );
      const { run } = await runFor([{ dropField: { name: 'duration' } }]);
      const [planned] = (await engine.plan(run)).filter(
        s => s.name === 'indexes',
      );
      expect(planned.sql).toContain(
        'CREATE UNIQUE INDEX CONCURRENTLY "events_tag_nnd_v2" ON "public"."events_v2" USING btree ("user_id", "tag") NULLS NOT DISTINCT',
      );
      await knex.raw(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
      await knex.raw(
        `ALTER TABLE public.events ADD CONSTRAINT one_per_user EXCLUDE USING gist (user_id WITH =)`,
      );
      await expect(engine.plan(run)).rejects.toThrow(
        'index one_per_user backs an EXCLUDE constraint, which the new version cannot carry yet',
      );
    });

    it('refuses a dataset that views or foreign keys are bound to, naming them, and changes nothing', async () => {
      await knex.raw(
        `CREATE VIEW public.recent_events AS SELECT id, user_id FROM public.events`,
      );
      await knex.raw(
        `CREATE TABLE public.ratings (event_id bigint REFERENCES public.events (id))`,
      );
      const { run } = await runFor([{ dropField: { name: 'tag' } }]);
      const refusal =
        'public.events cannot move to a new version while foreign key ratings_event_id_fkey on ratings, view recent_events depend on its current table';
      await expect(engine.plan(run)).rejects.toThrow(refusal);
      await expect(engine.migrate(run)).rejects.toThrow(refusal);
      expect(await regclass('public.events_v2')).toBeNull();
      expect(await relkind('public.events')).toBe('r');
    });
  });
});
