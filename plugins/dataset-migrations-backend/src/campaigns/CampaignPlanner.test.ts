import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Entity } from '@backstage/catalog-model';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type {
  CampaignDocumentInput,
  CampaignPlan,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  createTestDatabases,
  createTestEngine,
} from '../__testUtils__/testDatabases';
import { dataset, newMigration } from '../__testUtils__/fixtures';
import { DatasetCatalog } from '../catalog/DatasetCatalog';
import { DatabaseMigrationStore } from '../database/DatabaseMigrationStore';
import { EngineRegistry } from '../engines/EngineRegistry';
import { RequestGuard } from '../http/RequestGuard';
import { CampaignPlanner, skippedWhileBusy } from './CampaignPlanner';
import { ASSESSMENT_REUSED_FOR_MS } from './recentAssessments';

const DATA = 'group:default/data';
const PAYMENTS = 'group:default/payments';
const ref = (name: string) => `resource:default/${name}`;
const CRITICALITY = 'dataset-migrations.io/criticality';
const SOURCE = 'backstage.io/source-location';

/** A dataset of the fixtures with relations, as the catalog would have stitched them. */
function withRelations(
  entity: Entity,
  owner: string,
  relations: Array<{ type: string; targetRef: string }> = [],
): Entity {
  return {
    ...entity,
    relations: [{ type: 'ownedBy', targetRef: owner }, ...relations],
  };
}

function component(name: string, owner: string, source?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      ...(source ? { annotations: { [SOURCE]: `url:${source}` } } : {}),
    },
    spec: { type: 'service', owner },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

/**
 * The fleet: events (high, pii) feeds the derived dataset daily (low) and two
 * components, one with a repository; orders (low, pii+eu) is owned by payments,
 * named in spec.owner only by its short name; clicks (medium) has no consumers;
 * accounts has no user_id; nokey's table has no primary key.
 */
const ENTITIES: Entity[] = [
  withRelations(
    dataset('events', {
      tags: ['pii'],
      annotations: { [CRITICALITY]: 'high' },
    }),
    DATA,
    [
      { type: 'dependencyOf', targetRef: ref('daily') },
      { type: 'dependencyOf', targetRef: 'component:default/report' },
      { type: 'dependencyOf', targetRef: 'component:default/notebook' },
    ],
  ),
  withRelations(
    dataset('daily', { annotations: { [CRITICALITY]: 'low' } }),
    DATA,
    [{ type: 'dependsOn', targetRef: ref('events') }],
  ),
  {
    ...dataset('orders', {
      tags: ['pii', 'eu'],
      annotations: { [CRITICALITY]: 'low' },
    }),
    spec: { type: 'dataset', owner: 'payments' },
    relations: [
      { type: 'dependencyOf', targetRef: 'component:default/billing' },
    ],
  },
  withRelations(dataset('clicks'), DATA),
  withRelations(dataset('accounts'), DATA),
  withRelations(
    dataset('nokey', { annotations: { [CRITICALITY]: 'low' } }),
    DATA,
  ),
  component(
    'report',
    'group:default/analytics',
    'https://github.com/acme/report',
  ),
  component('notebook', 'group:default/analytics'),
  component('billing', PAYMENTS, 'https://github.com/acme/billing'),
];

const RENAME = [{ renameField: { from: 'user_id', to: 'listener_id' } }];

function documentWith(
  overrides: Partial<CampaignDocumentInput> = {},
): CampaignDocumentInput {
  return {
    name: 'listener-ids',
    title: 'user_id becomes listener_id',
    owner: 'group:data',
    deadline: '2027-03-31',
    selector: { owners: [DATA] },
    changes: RENAME,
    ...overrides,
  };
}

const refsOf = (plan: CampaignPlan) =>
  plan.waves.map(w => w.datasets.map(d => d.entityRef));

/** The planner on a real database: real tables, the Postgres engine, the real store. */
describe('CampaignPlanner', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let store: DatabaseMigrationStore;
  let engine: DatasetEngine;
  const credentials = mockCredentials.user();

  beforeAll(async () => {
    knex = await init();
    store = await DatabaseMigrationStore.create({
      database: mockServices.database({ knex }),
    });
    for (const name of ['events', 'daily', 'orders', 'clicks']) {
      await knex.raw(
        `CREATE TABLE public.${name} (id bigint PRIMARY KEY, user_id text NOT NULL)`,
      );
      await knex(name).insert([{ id: 1, user_id: 'alice' }]);
    }
    await knex.raw(
      'CREATE TABLE public.accounts (id bigint PRIMARY KEY, account text)',
    );
    await knex.raw('CREATE TABLE public.nokey (id bigint, user_id text)');
    engine = await createTestEngine(knex);
  });

  afterAll(async () => {
    await engine.close?.();
  });

  beforeEach(async () => {
    await knex('campaigns').delete();
    await knex('dataset_versions').delete();
    await knex('migrations').delete();
  });

  /** The planner with the fleet (plus `extra` entities); `denied` refs refuse a migration request. */
  function plannerWith(
    options: {
      extra?: Entity[];
      denied?: string[];
      engine?: DatasetEngine;
      clock?: { now(): Date };
      /** The catalog client, when a test watches its reads. */
      client?: CatalogService;
    } = {},
  ): CampaignPlanner {
    const denied = new Set(options.denied ?? []);
    return new CampaignPlanner({
      catalog: new DatasetCatalog(
        options.client ??
          catalogServiceMock({
            entities: [...ENTITIES, ...(options.extra ?? [])],
          }),
        mockServices.auth(),
      ),
      engines: new EngineRegistry(
        new Map([['warehouse', options.engine ?? engine]]),
      ),
      store,
      clock: options.clock,
      permissions: new RequestGuard({
        permissions: mockServices.permissions.mock({
          authorize: async requests =>
            requests.map(r => ({
              result:
                'resourceRef' in r && denied.has(r.resourceRef as string)
                  ? AuthorizeResult.DENY
                  : AuthorizeResult.ALLOW,
            })) as any,
        }),
        auditor: mockServices.auditor.mock(),
        toMigrationFilter: jest.fn(),
      }),
    });
  }

  it('plans the owner’s datasets: producers first, the canary least critical, consumers and pull requests counted, the unfit skipped', async () => {
    const plan = await plannerWith().plan(documentWith(), credentials);

    // clicks (medium) is the least critical dataset without a selected upstream;
    // daily (low) is derived from events, so it comes after it whatever its criticality.
    expect(refsOf(plan)).toEqual([
      [ref('clicks')],
      [ref('events')],
      [ref('daily')],
    ]);
    expect(plan.waves.map(w => w.kind)).toEqual(['canary', 'wave', 'wave']);
    const events = plan.waves[1].datasets[0];
    expect(events).toEqual({
      entityRef: ref('events'),
      title: 'events',
      owner: DATA,
      criticality: 'high',
      fromVersion: 1,
      targetVersion: 2,
      compatibility: 'breaking',
      consumers: 3,
      pullRequests: 1,
      upstream: [],
    });
    expect(plan.waves[2].datasets[0]).toMatchObject({
      criticality: 'low',
      upstream: [ref('events')],
      consumers: 0,
    });
    expect(plan.waves[1]).toMatchObject({ consumers: 3, pullRequests: 1 });
    expect(plan.totals).toEqual({
      datasets: 3,
      consumers: 3,
      pullRequests: 1,
    });
    expect(plan.byOwner).toEqual([
      { owner: DATA, datasets: 3, consumers: 1, pullRequests: 0 },
      {
        owner: 'group:default/analytics',
        datasets: 0,
        consumers: 2,
        pullRequests: 1,
      },
    ]);
    expect(plan.skipped).toEqual([
      {
        entityRef: ref('accounts'),
        reason: 'changes[0] (renameField): unknown field "user_id"',
      },
      {
        entityRef: ref('nokey'),
        reason: expect.stringContaining('has no primary key'),
      },
    ]);
    expect(plan.document).toMatchObject({
      owner: DATA,
      rollout: { waveSize: '25%', canary: { datasets: 1 } },
    });
  });

  it('skips a dataset whose table another entity names, with the reason, reading who names which table once for the campaign', async () => {
    const client = catalogServiceMock({
      entities: [
        ...ENTITIES,
        // Another team's entity naming the clicks table in its short spelling.
        {
          ...dataset('intruder', {
            annotations: { 'dataset-migrations.io/table': 'clicks' },
          }),
          spec: { type: 'dataset', owner: PAYMENTS },
        },
      ],
    });
    const reads = jest.spyOn(client, 'getEntities');
    const plan = await plannerWith({ client }).plan(
      documentWith({ selector: { owners: [DATA], hasFields: ['user_id'] } }),
      credentials,
    );

    expect(refsOf(plan)).toEqual([[ref('events')], [ref('daily')]]);
    expect(plan.skipped).toContainEqual({
      entityRef: ref('clicks'),
      reason: expect.stringContaining(
        'table public.clicks on engine warehouse is also named by resource:default/intruder; a table belongs to one dataset entity: fix the catalog',
      ),
    });
    const tableReads = reads.mock.calls.filter(([request]) =>
      JSON.stringify(request?.filter).includes('dataset-migrations.io/engine'),
    );
    expect(tableReads).toHaveLength(1);
  });

  it('plans a dataset by its engine again only when its live schema changed, or minutes passed', async () => {
    // The real engine, counting the tables it was asked to plan.
    const planned: string[] = [];
    const counting = new Proxy(engine, {
      get(target, key) {
        if (key === 'plan')
          return (request: Parameters<DatasetEngine['plan']>[0]) => {
            planned.push(request.dataset.table);
            return target.plan(request);
          };
        const value = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    let now = new Date('2027-01-04T10:00:00Z');
    const planner = plannerWith({
      engine: counting,
      clock: { now: () => now },
    });
    const plansOf = async () => {
      planned.length = 0;
      const plan = await planner.plan(documentWith(), credentials);
      return { plan, planned: [...planned].sort() };
    };

    // Review, create, start: the engine plans every dataset once; only the one it
    // refused (no primary key) is asked again, as its refusal may be passing.
    const first = await plansOf();
    expect(first.planned).toEqual(
      ['public.clicks', 'public.daily', 'public.events', 'public.nokey'].sort(),
    );
    const again = await plansOf();
    expect(again.planned).toEqual(['public.nokey']);
    expect(again.plan).toEqual(first.plan);

    // A changed live schema is planned again, and the plan says what it found.
    await knex.raw('ALTER TABLE public.clicks RENAME COLUMN user_id TO uid');
    try {
      const changed = await plansOf();
      expect(changed.planned).toEqual(['public.nokey']);
      expect(changed.plan.skipped).toContainEqual({
        entityRef: ref('clicks'),
        reason: 'changes[0] (renameField): unknown field "user_id"',
      });
    } finally {
      await knex.raw('ALTER TABLE public.clicks RENAME COLUMN uid TO user_id');
    }
    await knex.raw('ALTER TABLE public.events ADD COLUMN note text');
    try {
      expect((await plansOf()).planned).toEqual([
        'public.events',
        'public.nokey',
      ]);
    } finally {
      await knex.raw('ALTER TABLE public.events DROP COLUMN note');
    }

    // Older than the reuse window: planned again.
    now = new Date(now.getTime() + ASSESSMENT_REUSED_FOR_MS + 1);
    expect((await plansOf()).planned).toEqual(first.planned);
  });

  it('changes nothing: no run, no campaign, no new table, the data as it was', async () => {
    const tables = async () =>
      (
        await knex('pg_tables')
          .where({ schemaname: 'public' })
          .orderBy('tablename')
          .pluck('tablename')
      ).join(',');
    const before = await tables();
    await plannerWith().plan(documentWith(), credentials);
    expect(await tables()).toBe(before);
    expect(await knex('migrations').count({ n: '*' })).toEqual([{ n: '0' }]);
    expect(await knex('campaigns').count({ n: '*' })).toEqual([{ n: '0' }]);
    expect(await knex('events').select('id', 'user_id')).toEqual([
      { id: '1', user_id: 'alice' },
    ]);
  });

  it.each([
    ['every tag', { tags: ['pii', 'eu'] }, [ref('orders')]],
    [
      'an owner named by its short name in spec.owner',
      { owners: ['payments'] },
      [ref('orders')],
    ],
    [
      'explicit refs added, exclusions removed',
      {
        tags: ['pii'],
        entityRefs: ['resource:clicks'],
        exclude: ['resource:default/orders'],
      },
      [ref('clicks'), ref('events')],
    ],
    [
      'only the explicit refs when no filter is given',
      { entityRefs: [ref('daily'), 'resource:orders'] },
      [ref('daily'), ref('orders')],
    ],
  ])('selects by %s', async (_, selector, expected) => {
    const plan = await plannerWith().plan(
      documentWith({ selector }),
      credentials,
    );
    expect(refsOf(plan).flat().sort()).toEqual(expected);
    expect(plan.skipped).toEqual([]);
  });

  it('selects by the live schema: a dataset without the fields is not selected at all', async () => {
    const plan = await plannerWith().plan(
      documentWith({ selector: { owners: [DATA], hasFields: ['user_id'] } }),
      credentials,
    );
    const considered = [
      ...refsOf(plan).flat(),
      ...plan.skipped.map(s => s.entityRef),
    ];
    expect(considered).not.toContain(ref('accounts'));
    expect(considered.sort()).toEqual(
      [ref('clicks'), ref('daily'), ref('events'), ref('nokey')].sort(),
    );

    // A dataset named explicitly is not narrowed: it is checked, and skipped.
    const named = await plannerWith().plan(
      documentWith({
        selector: { hasFields: ['user_id'], entityRefs: [ref('accounts')] },
      }),
      credentials,
    );
    expect(refsOf(named).flat().sort()).toEqual(
      [ref('clicks'), ref('daily'), ref('events'), ref('orders')].sort(),
    );
    expect(named.skipped.map(s => s.entityRef)).toEqual([
      ref('accounts'),
      ref('nokey'),
    ]);
  });

  it('takes the canary and percent waves from the rollout, never putting a dataset before its upstream', async () => {
    const selector = {
      owners: [DATA],
      entityRefs: [ref('orders')],
      exclude: [ref('accounts'), ref('nokey')],
    };
    const byPercent = await plannerWith().plan(
      documentWith({
        selector,
        rollout: { canary: { datasets: 2 }, waveSize: '50%' },
      }),
      credentials,
    );
    // Roots by criticality, then consumers: orders (low), clicks (medium), events (high).
    expect(refsOf(byPercent)).toEqual([
      [ref('orders'), ref('clicks')],
      [ref('events'), ref('daily')],
    ]);

    const byCount = await plannerWith().plan(
      documentWith({
        selector,
        rollout: { canary: { datasets: 5 }, waveSize: 1 },
      }),
      credentials,
    );
    // daily is not a root, so it never joins the canary, however large.
    expect(refsOf(byCount)).toEqual([
      [ref('orders'), ref('clicks'), ref('events')],
      [ref('daily')],
    ]);
  });

  it('skips datasets busy with a migration or in another active campaign, and those the caller may not migrate', async () => {
    const migrationId = randomUUID();
    await store.createMigration(
      newMigration({ id: migrationId, entityRef: ref('clicks') }),
      async () => {},
    );
    await campaignHolding('freeze-events', 'running', ref('events'));
    // A draft of the campaign being planned does not hold its own datasets.
    await campaignHolding('listener-ids', 'draft', ref('daily'));
    // A finished campaign holds nothing.
    await campaignHolding('old-one', 'completed', ref('nokey'));

    const plan = await plannerWith({ denied: [ref('orders')] }).plan(
      documentWith({
        selector: {
          owners: [DATA],
          entityRefs: [ref('orders')],
          exclude: [ref('accounts')],
        },
      }),
      credentials,
    );
    expect(refsOf(plan)).toEqual([[ref('daily')]]);
    expect(plan.skipped).toEqual([
      {
        entityRef: ref('clicks'),
        reason: `busy with migration ${migrationId} (queued, to version 2)`,
      },
      {
        entityRef: ref('events'),
        reason: 'already in campaign freeze-events (running)',
      },
      {
        entityRef: ref('nokey'),
        reason: expect.stringContaining('has no primary key'),
      },
      {
        entityRef: ref('orders'),
        reason:
          'you may not request a migration of it (permission dataset-migrations.migration.request was denied)',
      },
    ]);
    // Only a migration under way is busy: a campaign left with that alone is a 409.
    expect(plan.skipped.map(s => skippedWhileBusy(s.reason))).toEqual([
      true,
      false,
      false,
      false,
    ]);
  });

  it('skips a dataset whose earlier migration must be contracted first, as its start would, and plans one whose earlier migration only added fields', async () => {
    const succeeded = async (
      entityRef: string,
      changes: NonNullable<Parameters<typeof newMigration>[0]>['changes'],
    ) => {
      const id = randomUUID();
      await store.createMigration(
        newMigration({ id, entityRef, changes }),
        async () => {},
      );
      await store.claimMigration(id, { owner: 'test', durationMs: 60_000 });
      await store.finishMigration(id, { status: 'succeeded' });
      return id;
    };
    const renamed = await succeeded(ref('clicks'), [
      { renameField: { from: 'user_id', to: 'listener_id' } },
    ]);
    await succeeded(ref('daily'), [{ addField: { name: 'n', type: 'text' } }]);
    const plan = await plannerWith().plan(
      documentWith({
        selector: { entityRefs: [ref('clicks'), ref('daily')] },
      }),
      credentials,
    );
    expect(refsOf(plan)).toEqual([[ref('daily')]]);
    expect(plan.skipped).toEqual([
      {
        entityRef: ref('clicks'),
        reason: `dataset ${ref(
          'clicks',
        )} waits for its migration to version 2 (${renamed}) to be contracted: until then its name serves version 1 (user_id, renamed listener_id) to readers nobody may have discovered, which the next cut-over would stop serving. Contract that migration first (its gate looks for such readers), or roll it back`,
      },
    ]);
    expect(skippedWhileBusy(plan.skipped[0].reason)).toBe(true);
  });

  async function campaignHolding(
    name: string,
    state: string,
    entityRef: string,
  ) {
    const id = randomUUID();
    await knex('campaigns').insert({
      id,
      name,
      title: name,
      owner: DATA,
      deadline: '2027-01-01T00:00:00Z',
      document: JSON.stringify({}),
      state,
      created_by: 'user:default/someone',
    });
    await knex('campaign_datasets').insert({
      campaign_id: id,
      entity_ref: entityRef,
      wave_index: 0,
      position: 0,
      criticality: 'medium',
      target_version: 2,
    });
  }

  it('names every problem of an invalid document by path, and checks what zod cannot', async () => {
    const planner = plannerWith();
    await expect(
      planner.plan(
        documentWith({
          name: 'Not A Name',
          changes: [{ renameField: { from: 'user_id', to: 'Bad-Name' } }],
          rollout: { waveSize: '0%', soak: 'soon' },
        }),
        credentials,
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(
        /^Invalid campaign: name: .*; changes\[0\]\.renameField\.to: .*; rollout\.waveSize: .*; rollout\.soak: /,
      ),
    });
    const error = await planner
      .plan(
        documentWith({
          deadline: '2001-01-01',
          selector: { owners: ['group:'], entityRefs: ['a:b:c/'] },
          rollout: {
            windows: [
              { start: '09:00', end: '09:00', timeZone: 'Mars/Olympus_Mons' },
            ],
            freezes: [{ from: '2027-01-02', to: '2027-01-01' }],
          },
        }),
        credentials,
      )
      .catch(e => e);
    expect(error.name).toBe('InputError');
    for (const path of [
      'rollout.freezes[0].to: must be after from',
      'rollout.windows[0].end: must differ from start',
      'rollout.windows[0].timeZone: must be an IANA time zone',
      'selector.owners[0]: ',
      'selector.entityRefs[0]: ',
    ]) {
      expect(error.message).toContain(path);
    }
    // A deadline in the past is allowed.
    expect(error.message).not.toContain('deadline');
  });

  it('refuses an empty filter list, which reads as none and would select every dataset, naming it', async () => {
    const error = await plannerWith()
      .plan(
        documentWith({
          selector: {
            entityRefs: [],
            owners: [],
            tags: [],
            types: [],
            hasFields: [],
          },
        }),
        credentials,
      )
      .catch(e => e);
    expect(error.name).toBe('InputError');
    for (const list of ['entityRefs', 'owners', 'tags', 'types', 'hasFields'])
      expect(error.message).toContain(
        `selector.${list}: must name at least one, or be left out (an empty list would select every dataset)`,
      );
  });

  it('answers 400 naming the filters when the selection matches nothing', async () => {
    await expect(
      plannerWith().plan(
        documentWith({ selector: { owners: [DATA], tags: ['nope'] } }),
        credentials,
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      message:
        'The campaign selects no datasets: no dataset you can see matches types dataset; owners group:default/data; tags nope',
    });
  });

  it('keeps hostile input away from SQL: oversized lists and odd names are refused, quotes are only ever data', async () => {
    const planner = plannerWith({
      extra: [
        withRelations(
          dataset("o'brien", {
            annotations: {
              'dataset-migrations.io/table': `public."o'brien"; DROP TABLE public.events; --`,
            },
          }),
          DATA,
        ),
      ],
    });
    await expect(
      planner.plan(
        documentWith({
          selector: {
            entityRefs: Array.from({ length: 10_001 }, (_, i) => ref(`d${i}`)),
          },
        }),
        credentials,
      ),
    ).rejects.toThrow(/^Invalid campaign: selector\.entityRefs: /);
    await expect(
      planner.plan(
        documentWith({
          selector: { hasFields: ['user_id; DROP TABLE events'] },
        }),
        credentials,
      ),
    ).rejects.toThrow(
      'Invalid campaign: selector.hasFields[0]: must be a field name',
    );

    const plan = await planner.plan(
      documentWith({
        selector: {
          entityRefs: [
            ref("o'brien"),
            `resource:default/x'); DELETE FROM migrations; --`,
          ],
        },
      }),
      credentials,
    );
    expect(plan.waves).toEqual([]);
    // Refs are normalised as the catalog writes them (lower case).
    expect(plan.skipped).toEqual([
      {
        // Its ref reached the store's busy check as data; its table, the engine's parser.
        entityRef: ref("o'brien"),
        reason: `"public."o'brien"; DROP TABLE public.events; --" is not a Postgres relation name of the form schema.table`,
      },
      {
        entityRef: `resource:default/x'); delete from migrations; --`,
        reason: 'not in the catalog, or not visible to you',
      },
    ]);
    expect(await knex('events').count({ n: '*' })).toEqual([{ n: '1' }]);
  });
});
