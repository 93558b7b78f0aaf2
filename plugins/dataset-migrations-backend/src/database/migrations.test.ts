import type { Knex } from 'knex';
import {
  createTestDatabases,
  MIGRATIONS_DIR,
} from '../__testUtils__/testDatabases';
import { MigrationOutcomeOutbox } from './MigrationOutcomeOutbox';

const PLUGIN_TABLES = [
  'dataset_versions',
  'migration_checkpoints',
  'migration_consumers',
  'migration_logs',
  'migration_steps',
  'migrations',
];

async function tablesIn(knex: Knex): Promise<string[]> {
  const { rows } = await knex.raw<{ rows: { tablename: string }[] }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename = ANY(?) ORDER BY tablename`,
    [PLUGIN_TABLES],
  );
  return rows.map(r => r.tablename);
}

async function indexDef(knex: Knex, name: string): Promise<string | undefined> {
  const { rows } = await knex.raw<{ rows: { indexdef: string }[] }>(
    `SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND indexname = ?`,
    [name],
  );
  return rows[0]?.indexdef;
}

/**
 * The plugin's tables as `\d` shows them: one line per column (type, NOT NULL,
 * default, comment) in column order, per constraint other than NOT NULL, per index
 * and per sequence.
 */
async function schemaOf(knex: Knex, tables: string[]): Promise<string[]> {
  const { rows: columns } = await knex.raw(
    `SELECT c.relname AS table, a.attname AS column,
            format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
            pg_get_expr(d.adbin, d.adrelid) AS default,
            col_description(c.oid, a.attnum) AS comment
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE c.relname = ANY(?) AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY c.relname, a.attnum`,
    [tables],
  );
  const { rows: constraints } = await knex.raw(
    `SELECT c.relname AS table, k.conname AS name, pg_get_constraintdef(k.oid) AS def
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
      WHERE c.relname = ANY(?) AND k.contype <> 'n'
      ORDER BY c.relname, k.conname`,
    [tables],
  );
  const { rows: indexes } = await knex.raw(
    `SELECT indexdef FROM pg_indexes
      WHERE schemaname = 'public' AND tablename = ANY(?)
      ORDER BY tablename, indexname`,
    [tables],
  );
  const { rows: sequences } = await knex.raw(
    `SELECT sequencename, data_type FROM pg_sequences
      WHERE schemaname = 'public' AND sequencename NOT LIKE 'knex\\_%'
      ORDER BY sequencename`,
  );
  return [
    ...columns.map(
      (c: Record<string, string | boolean | null>) =>
        `${c.table}.${c.column} ${c.type}${c.not_null ? ' not null' : ''}${
          c.default ? ` default ${c.default}` : ''
        }${c.comment ? ` -- ${c.comment}` : ''}`,
    ),
    ...constraints.map(
      (k: Record<string, string>) => `${k.table} ${k.name}: ${k.def}`,
    ),
    ...indexes.map((i: { indexdef: string }) => i.indexdef),
    ...sequences.map(
      (s: Record<string, string>) =>
        `SEQUENCE ${s.sequencename} ${s.data_type}`,
    ),
  ];
}

/** The schema the initial migration creates, as {@link schemaOf} describes it. */
const SCHEMA = [
  'dataset_versions.entity_ref character varying(255) not null',
  'dataset_versions.schema_version integer not null',
  'dataset_versions.migration_id uuid not null',
  'dataset_versions.updated_at timestamp with time zone not null default CURRENT_TIMESTAMP',
  'dataset_versions.table_name text',
  'migration_checkpoints.migration_id uuid not null',
  'migration_checkpoints.name character varying(255) not null',
  'migration_checkpoints.value jsonb not null',
  'migration_checkpoints.updated_at timestamp with time zone not null default CURRENT_TIMESTAMP',
  'migration_consumers.migration_id uuid not null',
  'migration_consumers.entity_ref character varying(255) not null',
  'migration_consumers.title text',
  'migration_consumers.owner character varying(255)',
  'migration_consumers.depth integer not null default 1',
  'migration_consumers.via character varying(255)',
  'migration_consumers.repository_url text',
  'migration_consumers.state character varying(16) not null',
  'migration_consumers.failure_kind character varying(32)',
  'migration_consumers.failure_message text',
  'migration_consumers.impact jsonb',
  'migration_consumers.verification jsonb',
  'migration_consumers.pull_request jsonb',
  'migration_consumers.patch text -- unified diff, for people to read',
  'migration_consumers.patched_files jsonb -- full new contents of the changed files, for the pull request',
  'migration_consumers.attempts integer not null default 0',
  'migration_consumers.updated_at timestamp with time zone not null default CURRENT_TIMESTAMP',
  'migration_consumers.superseded_reason text',
  'migration_consumers.decision jsonb -- what a person decided for a consumer that needed it, who and when',
  'migration_consumers.claimed_by character varying(36)',
  'migration_consumers.claimed_until timestamp with time zone',
  "migration_consumers.advance_requested boolean not null default false -- a later job's request for one more pass by the claim's holder",
  'migration_consumers.patch_base_commit character varying(64)',
  'migration_consumers.pull_request_reserved_at timestamp with time zone',
  "migration_logs.id bigint not null default nextval('migration_logs_id_seq'::regclass)",
  'migration_logs.migration_id uuid not null',
  'migration_logs.attempt integer not null',
  'migration_logs.step character varying(255)',
  'migration_logs.level character varying(8) not null',
  'migration_logs.message text not null',
  'migration_logs.created_at timestamp with time zone not null default CURRENT_TIMESTAMP',
  "migration_steps.id integer not null default nextval('migration_steps_id_seq'::regclass)",
  'migration_steps.migration_id uuid not null',
  'migration_steps.attempt integer not null',
  'migration_steps.name character varying(255) not null',
  'migration_steps.status character varying(16) not null',
  'migration_steps.started_at timestamp with time zone not null default CURRENT_TIMESTAMP',
  'migration_steps.finished_at timestamp with time zone',
  'migration_steps.rows_done bigint',
  'migration_steps.rows_total bigint',
  'migrations.id uuid not null',
  'migrations.entity_ref character varying(255) not null',
  'migrations.from_version integer not null',
  'migrations.target_version integer not null',
  'migrations.changes jsonb not null',
  'migrations.dry_run boolean not null default false',
  'migrations.fingerprint character varying(64) not null -- sha256 of the normalised request, to answer repeats with the same migration',
  'migrations.status character varying(32) not null',
  'migrations.failure_reason text',
  'migrations.requested_by character varying(255) not null',
  'migrations.attempts integer not null default 0',
  'migrations.cancel_requested_at timestamp with time zone',
  'migrations.created_at timestamp with time zone not null default CURRENT_TIMESTAMP',
  'migrations.started_at timestamp with time zone',
  'migrations.finished_at timestamp with time zone',
  'migrations.updated_at timestamp with time zone not null default CURRENT_TIMESTAMP',
  'migrations.lease_owner character varying(255)',
  'migrations.lease_expires_at timestamp with time zone',
  'migrations.plan jsonb',
  'migrations.contracted_at timestamp with time zone',
  'migrations.retried_at_attempt integer not null default 0',
  'migrations.verification jsonb',
  'migrations.contract_override jsonb',
  'migrations.rollback_override jsonb',
  'migrations.dataset_owner character varying(255)',
  'migrations.approval jsonb -- reasons, requestDigest and the decision (outcome, by, at, comment)',
  'migrations.campaign_id uuid',
  'migrations.campaign_wave integer',
  'migrations.dry_run_sample jsonb -- a few rows as the dry run transformed them: the key and the changed fields, before and after',
  'dataset_versions dataset_versions_migration_id_foreign: FOREIGN KEY (migration_id) REFERENCES migrations(id)',
  'dataset_versions dataset_versions_pkey: PRIMARY KEY (entity_ref)',
  'migration_checkpoints migration_checkpoints_migration_id_foreign: FOREIGN KEY (migration_id) REFERENCES migrations(id) ON DELETE CASCADE',
  'migration_checkpoints migration_checkpoints_pkey: PRIMARY KEY (migration_id, name)',
  'migration_consumers migration_consumers_migration_id_foreign: FOREIGN KEY (migration_id) REFERENCES migrations(id) ON DELETE CASCADE',
  'migration_consumers migration_consumers_pkey: PRIMARY KEY (migration_id, entity_ref)',
  'migration_logs migration_logs_migration_id_foreign: FOREIGN KEY (migration_id) REFERENCES migrations(id) ON DELETE CASCADE',
  'migration_logs migration_logs_pkey: PRIMARY KEY (id)',
  'migration_steps migration_steps_migration_id_attempt_name_unique: UNIQUE (migration_id, attempt, name)',
  'migration_steps migration_steps_migration_id_foreign: FOREIGN KEY (migration_id) REFERENCES migrations(id) ON DELETE CASCADE',
  'migration_steps migration_steps_pkey: PRIMARY KEY (id)',
  'migrations migrations_campaign_id_foreign: FOREIGN KEY (campaign_id) REFERENCES campaigns(id) ON DELETE SET NULL',
  'migrations migrations_pkey: PRIMARY KEY (id)',
  "migrations migrations_status_check: CHECK (((status)::text = ANY ((ARRAY['queued'::character varying, 'running'::character varying, 'succeeded'::character varying, 'failed'::character varying, 'cancelled'::character varying, 'rolled-back'::character varying, 'awaiting-decision'::character varying, 'awaiting-approval'::character varying, 'rejected'::character varying])::text[])))",
  'CREATE UNIQUE INDEX dataset_versions_pkey ON public.dataset_versions USING btree (entity_ref)',
  'CREATE UNIQUE INDEX migration_checkpoints_pkey ON public.migration_checkpoints USING btree (migration_id, name)',
  'CREATE INDEX migration_consumers_entity_ref_idx ON public.migration_consumers USING btree (entity_ref)',
  'CREATE INDEX migration_consumers_ledger_order_idx ON public.migration_consumers USING btree (migration_id, depth, entity_ref)',
  'CREATE UNIQUE INDEX migration_consumers_pkey ON public.migration_consumers USING btree (migration_id, entity_ref)',
  "CREATE INDEX migration_consumers_pull_request_held_idx ON public.migration_consumers USING btree (migration_id) WHERE (((pull_request ->> 'state'::text) = 'open'::text) OR (pull_request_reserved_at IS NOT NULL))",
  "CREATE INDEX migration_consumers_pull_request_opened_idx ON public.migration_consumers USING btree (((pull_request ->> 'openedAt'::text))) WHERE ((pull_request ->> 'openedAt'::text) IS NOT NULL)",
  'CREATE INDEX migration_consumers_state_order_idx ON public.migration_consumers USING btree (migration_id, state, depth, entity_ref)',
  'CREATE INDEX migration_logs_migration_id_idx ON public.migration_logs USING btree (migration_id, id)',
  'CREATE UNIQUE INDEX migration_logs_pkey ON public.migration_logs USING btree (id)',
  'CREATE UNIQUE INDEX migration_steps_migration_id_attempt_name_unique ON public.migration_steps USING btree (migration_id, attempt, name)',
  'CREATE UNIQUE INDEX migration_steps_pkey ON public.migration_steps USING btree (id)',
  'CREATE INDEX migrations_campaign_idx ON public.migrations USING btree (campaign_id)',
  'CREATE INDEX migrations_created_at_idx ON public.migrations USING btree (created_at)',
  'CREATE INDEX migrations_dataset_owner_idx ON public.migrations USING btree (dataset_owner)',
  'CREATE INDEX migrations_entity_ref_created_at_idx ON public.migrations USING btree (entity_ref, created_at)',
  'CREATE INDEX migrations_fingerprint_idx ON public.migrations USING btree (fingerprint)',
  "CREATE UNIQUE INDEX migrations_one_active_per_dataset ON public.migrations USING btree (entity_ref) WHERE ((status)::text = ANY ((ARRAY['queued'::character varying, 'running'::character varying, 'awaiting-decision'::character varying, 'awaiting-approval'::character varying])::text[]))",
  'CREATE UNIQUE INDEX migrations_pkey ON public.migrations USING btree (id)',
  'CREATE INDEX migrations_requested_by_idx ON public.migrations USING btree (requested_by)',
  "CREATE INDEX migrations_running_lease_idx ON public.migrations USING btree (lease_expires_at) WHERE ((status)::text = 'running'::text)",
  'SEQUENCE campaign_progress_id_seq bigint',
  'SEQUENCE migration_logs_id_seq bigint',
  'SEQUENCE migration_steps_id_seq integer',
];

function migrationRow(
  id: string,
  status: string,
  entityRef = 'resource:default/events',
) {
  return {
    id,
    entity_ref: entityRef,
    from_version: 1,
    target_version: 2,
    changes: JSON.stringify([]),
    fingerprint: id.replace(/-/g, ''),
    status,
    requested_by: 'user:default/tester',
  };
}

/** Runs the migrations one by one until `name` is the last one applied. */
async function migrateUpTo(knex: Knex, name: string): Promise<void> {
  for (;;) {
    const [, applied]: [number, string[]] = await knex.migrate.up({
      directory: MIGRATIONS_DIR,
    });
    if (applied.length === 0) throw new Error(`no migration ${name}`);
    if (applied.includes(name)) return;
  }
}

describe('knex migrations', () => {
  const { init } = createTestDatabases();
  let knex: Knex;

  beforeAll(async () => {
    knex = await init();
  });

  it('migrates up, down to nothing, and up again', async () => {
    await knex.migrate.latest({ directory: MIGRATIONS_DIR });
    expect(await tablesIn(knex)).toEqual(PLUGIN_TABLES);
    const [completed] = await knex.migrate.list({ directory: MIGRATIONS_DIR });
    expect(completed.length).toBeGreaterThan(0);

    const partial = await indexDef(knex, 'migrations_one_active_per_dataset');
    expect(partial).toMatch(
      /^CREATE UNIQUE INDEX .* ON public\.migrations .*\(entity_ref\) WHERE/,
    );
    expect(partial).toContain("'queued'");
    expect(partial).toContain("'running'");
    expect(partial).toContain("'awaiting-decision'");
    expect(partial).toContain("'awaiting-approval'");

    // The partial index allows any number of finished migrations but one active one.
    await knex('migrations').insert([
      migrationRow('00000000-0000-4000-8000-000000000001', 'succeeded'),
      migrationRow('00000000-0000-4000-8000-000000000002', 'failed'),
      migrationRow('00000000-0000-4000-8000-000000000003', 'queued'),
      migrationRow(
        '00000000-0000-4000-8000-000000000004',
        'running',
        'resource:default/other',
      ),
    ]);
    await expect(
      knex('migrations').insert(
        migrationRow('00000000-0000-4000-8000-000000000005', 'running'),
      ),
    ).rejects.toMatchObject({
      code: '23505',
      constraint: 'migrations_one_active_per_dataset',
    });
    await expect(
      knex('migrations').insert(
        migrationRow('00000000-0000-4000-8000-000000000006', 'paused'),
      ),
    ).rejects.toMatchObject({
      code: '23514',
      constraint: 'migrations_status_check',
    });

    // Steps and logs go with their migration.
    await knex('migration_steps').insert({
      migration_id: '00000000-0000-4000-8000-000000000001',
      attempt: 1,
      name: 'plan',
      status: 'succeeded',
    });
    await knex('migration_logs').insert({
      migration_id: '00000000-0000-4000-8000-000000000001',
      attempt: 1,
      level: 'info',
      message: 'hello',
    });
    await knex('migrations')
      .where({ id: '00000000-0000-4000-8000-000000000001' })
      .delete();
    expect(await knex('migration_steps').count({ n: '*' })).toEqual([
      { n: '0' },
    ]);
    expect(await knex('migration_logs').count({ n: '*' })).toEqual([
      { n: '0' },
    ]);

    await knex.migrate.rollback({ directory: MIGRATIONS_DIR }, true);
    expect(await tablesIn(knex)).toEqual([]);
    expect(
      await indexDef(knex, 'migrations_one_active_per_dataset'),
    ).toBeUndefined();
    const [afterRollback, pending] = await knex.migrate.list({
      directory: MIGRATIONS_DIR,
    });
    expect(afterRollback).toEqual([]);
    expect(pending.length).toBe(completed.length);

    await knex.migrate.latest({ directory: MIGRATIONS_DIR });
    expect(await tablesIn(knex)).toEqual(PLUGIN_TABLES);
    expect(await indexDef(knex, 'migrations_one_active_per_dataset')).toBe(
      partial,
    );
    expect(await knex('migrations').count({ n: '*' })).toEqual([{ n: '0' }]);
  });

  it('creates the whole schema, and down leaves nothing behind', async () => {
    const fresh = await init();
    await fresh.migrate.latest({ directory: MIGRATIONS_DIR });
    expect(await schemaOf(fresh, PLUGIN_TABLES)).toEqual(SCHEMA);

    await fresh.migrate.rollback({ directory: MIGRATIONS_DIR }, true);
    const { rows } = await fresh.raw<{ rows: { relname: string }[] }>(
      `SELECT c.relname FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relname NOT LIKE 'knex\\_%'`,
    );
    expect(rows).toEqual([]);
  });
  it('upgrades a database with runs to approvals: rows intact with no approval; one step back is the earlier schema again', async () => {
    const db = await init();
    // The first migration only: the schema before approvals.
    await db.migrate.up({ directory: MIGRATIONS_DIR });
    const earlier = await schemaOf(db, PLUGIN_TABLES);
    expect(earlier).not.toContain(
      'migrations.approval jsonb -- reasons, requestDigest and the decision (outcome, by, at, comment)',
    );
    const id = '00000000-0000-4000-8000-0000000000a1';
    await db('migrations').insert({
      ...migrationRow(id, 'succeeded'),
      changes: JSON.stringify([
        { renameField: { from: 'user_id', to: 'listener_id' } },
      ]),
    });
    const before = await db('migrations').where({ id }).first();

    await db.migrate.latest({ directory: MIGRATIONS_DIR });
    expect(await schemaOf(db, PLUGIN_TABLES)).toEqual(SCHEMA);
    const after = await db('migrations').where({ id }).first();
    expect(after).toEqual({
      ...before,
      dataset_owner: null,
      approval: null,
      campaign_id: null,
      campaign_wave: null,
      dry_run_sample: null,
    });

    await db.migrate.rollback({ directory: MIGRATIONS_DIR });
    expect(await schemaOf(db, PLUGIN_TABLES)).toEqual(earlier);
    expect(await db('migrations').where({ id }).first()).toEqual(before);
  });
  it('upgrades escalations told before delivery: one consumer row per migration reaching it, all sent; down keeps sent rows only', async () => {
    const db = await init();
    await migrateUpTo(db, '20261213000000_campaign_audit_outbox.js');
    const campaign = '00000000-0000-4000-8000-0000000000c1';
    const [m1, m2] = [
      '00000000-0000-4000-8000-0000000000d1',
      '00000000-0000-4000-8000-0000000000d2',
    ];
    await db('campaigns').insert({
      id: campaign,
      name: 'c1',
      title: 'C1',
      owner: 'group:default/data',
      deadline: new Date('2027-01-01T00:00:00Z'),
      document: JSON.stringify({}),
      state: 'running',
      created_by: 'user:default/tester',
    });
    await db('campaign_datasets').insert(
      [
        ['resource:default/a', m1],
        ['resource:default/b', m2],
      ].map(([ref, migration], i) => ({
        campaign_id: campaign,
        entity_ref: ref,
        wave_index: i,
        position: i,
        criticality: 'low',
        target_version: 2,
        migration_id: migration,
      })),
    );
    const at = new Date('2026-12-10T10:00:00Z');
    const told = (kind: string, subject: string, datasets: string[]) => ({
      campaign_id: campaign,
      kind,
      subject_ref: subject,
      owner: 'group:default/team',
      datasets: JSON.stringify(datasets),
      escalated_at: at,
    });
    await db('campaign_escalations').insert([
      // Both campaign datasets reach this consumer: told once, for both.
      told('consumer', 'component:default/app', [
        'resource:default/a',
        'resource:default/b',
      ]),
      told('consumer', 'component:default/lib', ['resource:default/a']),
      told('dataset', 'resource:default/a', ['resource:default/a']),
      told('owner', 'group:default/data', ['resource:default/a']),
    ]);

    await db.migrate.latest({ directory: MIGRATIONS_DIR });
    const rows = () =>
      db('campaign_escalations')
        .orderBy(['kind', 'subject_ref', 'migration_id'])
        .select('kind', 'subject_ref', 'migration_id', 'datasets', 'sent_at');
    const sent = expect.any(Date);
    expect(await rows()).toEqual([
      {
        kind: 'consumer',
        subject_ref: 'component:default/app',
        migration_id: m1,
        datasets: ['resource:default/a'],
        sent_at: sent,
      },
      {
        kind: 'consumer',
        subject_ref: 'component:default/app',
        migration_id: m2,
        datasets: ['resource:default/b'],
        sent_at: sent,
      },
      {
        kind: 'consumer',
        subject_ref: 'component:default/lib',
        migration_id: m1,
        datasets: ['resource:default/a'],
        sent_at: sent,
      },
      {
        kind: 'dataset',
        subject_ref: 'resource:default/a',
        migration_id: '',
        datasets: ['resource:default/a'],
        sent_at: sent,
      },
      {
        kind: 'owner',
        subject_ref: 'group:default/data',
        migration_id: '',
        datasets: ['resource:default/a'],
        sent_at: sent,
      },
    ]);
    expect(
      (await rows()).every(r => r.sent_at.getTime() === at.getTime()),
    ).toBe(true);

    // Decided but not yet sent: the old code would read it as told.
    await db('campaign_escalations').insert({
      ...told('dataset', 'resource:default/b', ['resource:default/b']),
      migration_id: '',
    });
    await db.migrate.rollback({ directory: MIGRATIONS_DIR });
    await db.migrate.rollback({ directory: MIGRATIONS_DIR });
    expect(
      await db('campaign_escalations')
        .orderBy(['kind', 'subject_ref'])
        .select('kind', 'subject_ref', 'datasets'),
    ).toEqual([
      {
        kind: 'consumer',
        subject_ref: 'component:default/app',
        datasets: ['resource:default/a'],
      },
      {
        kind: 'consumer',
        subject_ref: 'component:default/lib',
        datasets: ['resource:default/a'],
      },
      {
        kind: 'dataset',
        subject_ref: 'resource:default/a',
        datasets: ['resource:default/a'],
      },
      {
        kind: 'owner',
        subject_ref: 'group:default/data',
        datasets: ['resource:default/a'],
      },
    ]);
  });

  it('fills each campaign dataset’s upstream and planned consumers from its campaign’s plan when upgrading', async () => {
    const db = await init();
    await migrateUpTo(db, '20261213300000_campaign_audit_outbox_retries.js');
    const campaign = '00000000-0000-4000-8000-0000000000c2';
    const planned = (
      entityRef: string,
      consumers: number,
      upstream: string[],
    ) => ({
      entityRef,
      consumers,
      upstream,
    });
    await db('campaigns').insert({
      id: campaign,
      name: 'c2',
      title: 'C2',
      owner: 'group:default/data',
      deadline: new Date('2027-01-01T00:00:00Z'),
      document: JSON.stringify({}),
      plan: JSON.stringify({
        waves: [
          { index: 0, datasets: [planned('resource:default/a', 3, [])] },
          {
            index: 1,
            datasets: [
              planned('resource:default/b', 0, ['resource:default/a']),
              planned('resource:default/c', 7, [
                'resource:default/a',
                'resource:default/b',
              ]),
            ],
          },
        ],
      }),
      state: 'running',
      created_by: 'user:default/tester',
    });
    await db('campaign_datasets').insert(
      ['a', 'b', 'c'].map((name, i) => ({
        campaign_id: campaign,
        entity_ref: `resource:default/${name}`,
        wave_index: Math.min(i, 1),
        position: i,
        criticality: 'low',
        target_version: 2,
      })),
    );

    await db.migrate.latest({ directory: MIGRATIONS_DIR });
    expect(
      await db('campaign_datasets')
        .orderBy('position')
        .select('entity_ref', 'upstream', 'planned_consumers'),
    ).toEqual([
      { entity_ref: 'resource:default/a', upstream: [], planned_consumers: 3 },
      {
        entity_ref: 'resource:default/b',
        upstream: ['resource:default/a'],
        planned_consumers: 0,
      },
      {
        entity_ref: 'resource:default/c',
        upstream: ['resource:default/a', 'resource:default/b'],
        planned_consumers: 7,
      },
    ]);
    // A replica still running the code before this migration (a rolling
    // upgrade) writes a campaign's datasets without them: filled from the plan.
    await db('campaign_datasets').where({ campaign_id: campaign }).delete();
    await db('campaign_datasets').insert(
      ['a', 'c', 'd'].map((name, i) => ({
        campaign_id: campaign,
        entity_ref: `resource:default/${name}`,
        wave_index: Math.min(i, 1),
        position: i,
        criticality: 'low',
        target_version: 2,
      })),
    );
    expect(
      await db('campaign_datasets')
        .orderBy('position')
        .select('entity_ref', 'upstream', 'planned_consumers'),
    ).toEqual([
      { entity_ref: 'resource:default/a', upstream: [], planned_consumers: 3 },
      {
        entity_ref: 'resource:default/c',
        upstream: ['resource:default/a', 'resource:default/b'],
        planned_consumers: 7,
      },
      // Not in the plan: none.
      { entity_ref: 'resource:default/d', upstream: [], planned_consumers: 0 },
    ]);

    await db.migrate.rollback({ directory: MIGRATIONS_DIR });
    expect(
      Object.keys((await db('campaign_datasets').first()) ?? {}),
    ).not.toContain('upstream');
  });

  it('fills the pull-request tally of campaigns from the ledger when upgrading: every pull request recorded or reserved, per owner', async () => {
    const db = await init();
    await migrateUpTo(db, '20261216000000_campaign_escalation_claimers.js');
    const campaign = '00000000-0000-4000-8000-0000000000c3';
    await db('campaigns').insert({
      id: campaign,
      name: 'c3',
      title: 'C3',
      owner: 'group:default/data',
      deadline: new Date('2027-01-01T00:00:00Z'),
      document: JSON.stringify({}),
      state: 'running',
      created_by: 'user:default/tester',
    });
    const inCampaign = '00000000-0000-4000-8000-00000000a001';
    const direct = '00000000-0000-4000-8000-00000000a002';
    await db('migrations').insert([
      { ...migrationRow(inCampaign, 'succeeded'), campaign_id: campaign },
      migrationRow(direct, 'succeeded', 'resource:default/other'),
    ]);
    const consumer = (
      migrationId: string,
      name: string,
      owner: string | null,
      extra: Record<string, unknown> = {},
    ) => ({
      migration_id: migrationId,
      entity_ref: `component:default/${name}`,
      owner,
      depth: 1,
      state: 'pr-opened',
      ...extra,
    });
    const pullRequest = JSON.stringify({ state: 'merged', number: 1 });
    await db('migration_consumers').insert([
      consumer(inCampaign, 'merged', 'group:default/a', {
        pull_request: pullRequest,
      }),
      consumer(inCampaign, 'open', 'group:default/a', {
        pull_request: JSON.stringify({ state: 'open', number: 2 }),
      }),
      consumer(inCampaign, 'reserved', null, {
        state: 'verified',
        pull_request_reserved_at: new Date(),
      }),
      consumer(inCampaign, 'waiting', 'group:default/b', { state: 'verified' }),
      consumer(direct, 'direct', 'group:default/a', {
        pull_request: pullRequest,
      }),
    ]);

    await db.migrate.latest({ directory: MIGRATIONS_DIR });
    expect(
      await db('campaign_pull_request_tally')
        .orderBy('owner')
        .select('campaign_id', 'owner', 'reserved'),
    ).toEqual([
      { campaign_id: campaign, owner: '', reserved: 1 },
      { campaign_id: campaign, owner: 'group:default/a', reserved: 2 },
    ]);
  });

  it('refuses to drop the audit outbox while it holds events not yet emitted', async () => {
    const db = await init();
    await migrateUpTo(db, '20261213000000_campaign_audit_outbox.js');
    const event = {
      id: '00000000-0000-4000-8000-0000000000e1',
      campaign_id: '00000000-0000-4000-8000-0000000000c1',
      event_id: 'campaign-rollback',
      severity_level: 'medium',
      meta: JSON.stringify({}),
      recorded_at: new Date(),
    };
    await db('campaign_audit_outbox').insert(event);
    await expect(
      db.migrate.rollback({ directory: MIGRATIONS_DIR }),
    ).rejects.toThrow(/1 audit event\(s\) not yet emitted/);
    expect(await db('campaign_audit_outbox').count({ n: '*' })).toEqual([
      { n: '1' },
    ]);

    await db('campaign_audit_outbox').update({ emitted_at: new Date() });
    await db.migrate.rollback({ directory: MIGRATIONS_DIR });
    expect(await db.schema.hasTable('campaign_audit_outbox')).toBe(false);
  });

  it('upgrades a database with finished runs owing no outcome, so none is told again; down drops the outbox once nothing is owed', async () => {
    const db = await init();
    await migrateUpTo(db, '20261216000000_campaign_escalation_claimers.js');
    const finished = ['succeeded', 'failed', 'cancelled', 'rolled-back'].map(
      (status, i) =>
        migrationRow(
          `00000000-0000-4000-8000-00000000010${i}`,
          status,
          `resource:default/finished-${i}`,
        ),
    );
    await db('migrations').insert(finished);

    await db.migrate.latest({ directory: MIGRATIONS_DIR });
    expect(await db('migration_outcome_outbox').count({ n: '*' })).toEqual([
      { n: '0' },
    ]);
    // What a sweep's drain would take: nothing.
    expect(await new MigrationOutcomeOutbox(db).claimNext(0)).toBeUndefined();

    // An outcome still owed keeps the table; once announced, down drops it.
    await db('migration_outcome_outbox').insert({
      id: '00000000-0000-4000-8000-0000000001e1',
      migration_id: finished[0].id,
      outcome: 'succeeded',
      recorded_at: new Date(),
    });
    await expect(
      db.migrate.rollback({ directory: MIGRATIONS_DIR }),
    ).rejects.toThrow(/1 outcome\(s\) not yet announced/);
    await db('migration_outcome_outbox').update({ emitted_at: new Date() });
    await db.migrate.rollback({ directory: MIGRATIONS_DIR });
    expect(await db.schema.hasTable('migration_outcome_outbox')).toBe(false);
    expect(await db('migrations').count({ n: '*' })).toEqual([{ n: '4' }]);
  });
});
