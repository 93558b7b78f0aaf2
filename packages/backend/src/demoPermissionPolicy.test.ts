import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import {
  createConditionAuthorizer,
  type PermissionRuleset,
} from '@backstage/plugin-permission-node';
import { datasetMigrationCampaignPermissionRules } from '@dataset-migrations/plugin-dataset-migrations-backend/alpha';
import {
  datasetMigrationApproveOwnPermission,
  datasetMigrationApprovePermission,
  datasetMigrationCampaignCreatePermission,
  datasetMigrationCampaignManagePermission,
  datasetMigrationCampaignReadPermission,
  datasetMigrationCancelPermission,
  datasetMigrationConsumerUpdatePermission,
  datasetMigrationContractPermission,
  datasetMigrationReadPermission,
  datasetMigrationRequestPermission,
  datasetMigrationRetryPermission,
  datasetMigrationRollbackPermission,
  datasetMigrationStartPermission,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  startDemoBackend,
  type DemoBackend,
} from './__testUtils__/startDemoBackend';

// The demo policy through the real permission backend: tokens from the demo sign-in,
// ownership from the catalog's groups, entity conditions resolved by the catalog.

jest.setTimeout(180_000);

const LISTENING_EVENTS = 'resource:default/listening-events'; // data-platform (ada)
const USER_PROFILES = 'resource:default/user-profiles'; // listening-insights (grace)
const SKIP_RATE_DASHBOARD = 'component:default/skip-rate-dashboard'; // listening-insights
const ROYALTY_CALCULATOR = 'component:default/royalty-calculator'; // royalties

const DATASET_ACTIONS = [
  datasetMigrationStartPermission,
  datasetMigrationApprovePermission,
  datasetMigrationApproveOwnPermission,
  datasetMigrationRollbackPermission,
  datasetMigrationContractPermission,
];

let demo: DemoBackend;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  demo = await startDemoBackend();
  for (const user of ['admin', 'ada', 'grace', 'olivia']) {
    tokens[user] = await demo.signIn(user);
  }
});

async function results(
  user: string,
  items: Parameters<DemoBackend['authorize']>[1],
) {
  return (await demo.authorize(tokens[user], items)).map(d => d.result);
}

const onEntity = (resourceRef: string) =>
  DATASET_ACTIONS.map(permission => ({ permission, resourceRef }));

describe('actions on a dataset (start, approve, approve-own, rollback, contract)', () => {
  it("are allowed to the dataset's owner group", async () => {
    expect(await results('ada', onEntity(LISTENING_EVENTS))).toEqual(
      DATASET_ACTIONS.map(() => 'ALLOW'),
    );
    expect(await results('grace', onEntity(USER_PROFILES))).toEqual(
      DATASET_ACTIONS.map(() => 'ALLOW'),
    );
  });

  it('are denied to everyone else', async () => {
    expect(await results('ada', onEntity(USER_PROFILES))).toEqual(
      DATASET_ACTIONS.map(() => 'DENY'),
    );
    expect(await results('grace', onEntity(LISTENING_EVENTS))).toEqual(
      DATASET_ACTIONS.map(() => 'DENY'),
    );
    expect(await results('olivia', onEntity(LISTENING_EVENTS))).toEqual(
      DATASET_ACTIONS.map(() => 'DENY'),
    );
  });

  it('are allowed to admins on any dataset', async () => {
    expect(
      await results('admin', [
        ...onEntity(LISTENING_EVENTS),
        ...onEntity(USER_PROFILES),
      ]),
    ).toEqual([...DATASET_ACTIONS, ...DATASET_ACTIONS].map(() => 'ALLOW'));
  });
});

describe('deciding for a consumer', () => {
  const update = (resourceRef: string) => [
    { permission: datasetMigrationConsumerUpdatePermission, resourceRef },
  ];

  it("is allowed to the consumer's owner group and admins only", async () => {
    expect(await results('grace', update(SKIP_RATE_DASHBOARD))).toEqual([
      'ALLOW',
    ]);
    expect(await results('grace', update(ROYALTY_CALCULATOR))).toEqual([
      'DENY',
    ]);
    // Owning the dataset a consumer reads is not owning the consumer.
    expect(await results('ada', update(SKIP_RATE_DASHBOARD))).toEqual(['DENY']);
    expect(await results('olivia', update(SKIP_RATE_DASHBOARD))).toEqual([
      'DENY',
    ]);
    expect(await results('admin', update(ROYALTY_CALCULATOR))).toEqual([
      'ALLOW',
    ]);
  });
});

describe('requesting and reading', () => {
  it('are open to everyone signed in, outsiders included', async () => {
    for (const user of ['olivia', 'grace', 'ada', 'admin']) {
      expect(
        await results(user, [
          {
            permission: datasetMigrationRequestPermission,
            resourceRef: LISTENING_EVENTS,
          },
        ]),
      ).toEqual(['ALLOW']);
      expect(
        await demo.authorizeConditional(tokens[user], [
          { permission: datasetMigrationReadPermission },
        ]),
      ).toEqual([{ result: 'ALLOW' }]);
    }
  });
});

describe('cancelling and retrying a run', () => {
  const runActions = [
    { permission: datasetMigrationCancelPermission },
    { permission: datasetMigrationRetryPermission },
  ];

  it('are conditional on being its requester or its dataset owner, with the user and their groups as claims', async () => {
    for (const [user, group] of [
      ['ada', 'group:default/data-platform'],
      ['olivia', 'group:default/podcasts'],
    ]) {
      const claims = expect.arrayContaining([`user:default/${user}`, group]);
      const condition = (rule: string) => ({
        rule,
        resourceType: 'dataset-migration',
        params: { claims },
      });
      expect(await demo.authorizeConditional(tokens[user], runActions)).toEqual(
        runActions.map(() => ({
          result: 'CONDITIONAL',
          pluginId: 'dataset-migrations',
          resourceType: 'dataset-migration',
          conditions: {
            anyOf: [condition('IS_REQUESTER'), condition('IS_DATASET_OWNER')],
          },
        })),
      );
    }
  });

  it('are allowed to admins outright', async () => {
    expect(await demo.authorizeConditional(tokens.admin, runActions)).toEqual([
      { result: 'ALLOW' },
      { result: 'ALLOW' },
    ]);
  });
});

describe('campaigns', () => {
  const create = [{ permission: datasetMigrationCampaignCreatePermission }];
  const manage = [{ permission: datasetMigrationCampaignManagePermission }];
  it('may be read by everyone signed in', async () => {
    for (const user of ['ada', 'grace', 'olivia'])
      expect(
        await results(user, [
          { permission: datasetMigrationCampaignReadPermission },
        ]),
      ).toEqual(['ALLOW']);
  });

  it('are created by the platform team and admins only', async () => {
    expect(await results('ada', create)).toEqual(['ALLOW']);
    expect(await results('admin', create)).toEqual(['ALLOW']);
    expect(await results('grace', create)).toEqual(['DENY']);
    expect(await results('olivia', create)).toEqual(['DENY']);
  });

  it('are run by the platform team only where one of their groups owns the campaign, by admins all, by no one else', async () => {
    expect(await demo.authorizeConditional(tokens.ada, manage)).toEqual([
      {
        result: 'CONDITIONAL',
        pluginId: 'dataset-migrations',
        resourceType: 'dataset-migrations-campaign',
        conditions: {
          rule: 'IS_CAMPAIGN_OWNER',
          resourceType: 'dataset-migrations-campaign',
          params: {
            claims: expect.arrayContaining([
              'user:default/ada',
              'group:default/data-platform',
            ]),
          },
        },
      },
    ]);
    expect(await demo.authorizeConditional(tokens.admin, manage)).toEqual([
      { result: 'ALLOW' },
    ]);
    for (const user of ['grace', 'olivia'])
      expect(await demo.authorizeConditional(tokens[user], manage)).toEqual([
        { result: 'DENY' },
      ]);
  });
});

describe('managing a campaign, its conditions resolved as the plugin resolves them', () => {
  // The plugin is not running here: its own rules apply the policy's decision.
  type Campaign = Parameters<
    (typeof datasetMigrationCampaignPermissionRules)[number]['apply']
  >[0];
  const authorizeOn = createConditionAuthorizer({
    getRuleByName: (name: string) => {
      const rule = datasetMigrationCampaignPermissionRules.find(
        r => r.name === name,
      );
      if (!rule) throw new Error(`no campaign rule ${name}`);
      return rule;
    },
  } as PermissionRuleset<Campaign>);
  const mayManage = async (user: string, owner: string) => {
    const [decision] = await demo.authorizeConditional(tokens[user], [
      { permission: datasetMigrationCampaignManagePermission },
    ]);
    return authorizeOn(decision, { name: 'c', title: 'C', owner });
  };

  it("is allowed to ada on her team's campaign, not on the admins'", async () => {
    expect(await mayManage('ada', 'group:default/data-platform')).toBe(true);
    expect(await mayManage('ada', 'group:default/admins')).toBe(false);
    expect(await mayManage('admin', 'group:default/data-platform')).toBe(true);
  });
});

describe("other plugins' permissions", () => {
  it('stay allowed, so the catalog works as before', async () => {
    expect(
      await results('olivia', [
        {
          permission: catalogEntityReadPermission,
          resourceRef: LISTENING_EVENTS,
        },
      ]),
    ).toEqual(['ALLOW']);
  });
});
