import {
  createConditionTransformer,
  type PermissionRuleset,
} from '@backstage/plugin-permission-node';
import type { Migration } from '@dataset-migrations/plugin-dataset-migrations-common';
import type { MigrationPermissionFilter } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  datasetMigrationCampaignPermissionResourceRef,
  datasetMigrationPermissionResourceRef,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  datasetMigrationCampaignConditions,
  datasetMigrationConditions,
} from './conditions';
import {
  isCampaignOwner,
  isDatasetOwner,
  migrationPermissionRules,
} from './rules';

describe('migration permission rules', () => {
  it('turn a policy condition into the SQL filter, and reject malformed params', () => {
    const condition = datasetMigrationConditions.isDatasetOwner({
      claims: ['group:default/data-platform'],
    });
    expect(condition).toEqual({
      rule: 'IS_DATASET_OWNER',
      resourceType: 'dataset-migration',
      params: { claims: ['group:default/data-platform'] },
    });
    // The ruleset the registry hands back for our resource ref, built from the same rules.
    const transform = createConditionTransformer({
      getRuleByName: (name: string) => {
        const rule = migrationPermissionRules.find(r => r.name === name);
        if (!rule) throw new Error(`no rule ${name}`);
        return rule;
      },
    } as PermissionRuleset<Migration, MigrationPermissionFilter>);
    expect(
      transform({
        anyOf: [
          condition,
          datasetMigrationConditions.isRequester({
            claims: ['user:default/ada'],
          }),
        ],
      }),
    ).toEqual({
      anyOf: [
        { key: 'datasetOwner', values: ['group:default/data-platform'] },
        { key: 'requestedBy', values: ['user:default/ada'] },
      ],
    });
    expect(
      isDatasetOwner.paramsSchema!['~standard'].validate({ claims: 'x' }),
    ).toEqual({ issues: [{ message: 'claims must be a list of strings' }] });
    expect(datasetMigrationPermissionResourceRef.resourceType).toBe(
      'dataset-migration',
    );
  });
});

describe('campaign permission rules', () => {
  it('allow a campaign to the claims that include its owner, refs compared as at create', () => {
    expect(
      datasetMigrationCampaignConditions.isCampaignOwner({
        claims: ['group:default/data-platform'],
      }),
    ).toEqual({
      rule: 'IS_CAMPAIGN_OWNER',
      resourceType: 'dataset-migrations-campaign',
      params: { claims: ['group:default/data-platform'] },
    });
    expect(datasetMigrationCampaignPermissionResourceRef.resourceType).toBe(
      'dataset-migrations-campaign',
    );
    const campaign = {
      name: 'c',
      title: 'C',
      owner: 'group:default/Data-Platform',
    };
    const owns = (claims: string[]) =>
      isCampaignOwner.apply(campaign, { claims });
    expect(owns(['user:default/ada', 'group:default/data-platform'])).toBe(
      true,
    );
    expect(owns(['user:default/ada', 'group:default/admins'])).toBe(false);
    // A bare name is a group in default, as a campaign document reads it.
    expect(owns(['data-platform'])).toBe(true);
    expect(owns([])).toBe(false);
    expect(
      isCampaignOwner.apply({ ...campaign, owner: '' }, { claims: [''] }),
    ).toBe(false);
  });

  it('turn a campaign owner condition into a filter of the refs as apply compares them', () => {
    expect(
      isCampaignOwner.toQuery({
        claims: ['user:default/Ada', 'Data-Platform', ''],
      }),
    ).toEqual({
      key: 'owner',
      values: ['user:default/ada', 'group:default/data-platform'],
    });
  });
});
