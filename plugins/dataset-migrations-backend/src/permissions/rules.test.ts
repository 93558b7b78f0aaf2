import {
  createConditionTransformer,
  type PermissionRuleset,
} from '@backstage/plugin-permission-node';
import type { Migration } from '@dataset-migrations/plugin-dataset-migrations-common';
import type { MigrationPermissionFilter } from '@dataset-migrations/plugin-dataset-migrations-node';
import { datasetMigrationPermissionResourceRef } from '@dataset-migrations/plugin-dataset-migrations-node';
import { datasetMigrationConditions } from './conditions';
import { isDatasetOwner, migrationPermissionRules } from './rules';

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
