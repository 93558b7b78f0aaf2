import { createPermissionRule } from '@backstage/plugin-permission-node';
import {
  datasetMigrationCampaignPermissionResourceRef,
  datasetMigrationPermissionResourceRef,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import { comparableRef } from '../campaigns/campaignOwner';

/**
 * A rule's parameters: one list of entity refs under `key`. Written as a Standard
 * Schema with its JSON Schema by hand: the registry wants both, and our zod (v3)
 * gives neither without the deprecated overload.
 */
function refListParams<K extends string>(key: K, description: string) {
  type Params = { [P in K]: string[] };
  const jsonSchema = {
    type: 'object',
    properties: {
      [key]: { type: 'array', items: { type: 'string' }, description },
    },
    required: [key],
    additionalProperties: false,
  };
  return {
    '~standard': {
      version: 1 as const,
      vendor: 'dataset-migrations',
      validate(value: unknown) {
        const list = (value as Record<string, unknown> | null)?.[key];
        if (
          typeof value !== 'object' ||
          value === null ||
          !Array.isArray(list) ||
          !list.every(item => typeof item === 'string')
        ) {
          return { issues: [{ message: `${key} must be a list of strings` }] };
        }
        return { value: { [key]: list } as Params };
      },
      jsonSchema: { input: () => jsonSchema, output: () => jsonSchema },
    },
  };
}

type MigrationRef = typeof datasetMigrationPermissionResourceRef;

const claims = () =>
  refListParams(
    'claims',
    'Entity refs of the user and the groups they belong to',
  );

/** Runs requested by one of the claims (usually the user themself). */
export const isRequester = createPermissionRule<
  MigrationRef,
  { claims: string[] }
>({
  name: 'IS_REQUESTER',
  description: 'Allow migration runs requested by one of the claims',
  resourceRef: datasetMigrationPermissionResourceRef,
  paramsSchema: claims(),
  apply: (migration, { claims: refs }) => refs.includes(migration.requestedBy),
  toQuery: ({ claims: refs }) => ({ key: 'requestedBy', values: refs }),
});

/** Runs of datasets owned, when the run was requested, by one of the claims. */
export const isDatasetOwner = createPermissionRule<
  MigrationRef,
  { claims: string[] }
>({
  name: 'IS_DATASET_OWNER',
  description:
    "Allow migration runs of datasets owned by one of the claims (the dataset's owner when the run was requested)",
  resourceRef: datasetMigrationPermissionResourceRef,
  paramsSchema: claims(),
  apply: (migration, { claims: refs }) =>
    migration.datasetOwner !== undefined &&
    refs.includes(migration.datasetOwner),
  toQuery: ({ claims: refs }) => ({ key: 'datasetOwner', values: refs }),
});

/** Runs of the given datasets. */
export const isDataset = createPermissionRule<
  MigrationRef,
  { entityRefs: string[] }
>({
  name: 'IS_DATASET',
  description: 'Allow migration runs of the given datasets',
  resourceRef: datasetMigrationPermissionResourceRef,
  paramsSchema: refListParams('entityRefs', 'Dataset entity refs'),
  apply: (migration, { entityRefs }) =>
    entityRefs.includes(migration.entityRef),
  toQuery: ({ entityRefs }) => ({ key: 'entityRef', values: entityRefs }),
});

/** Every rule a policy can use on migration runs. */
export const migrationPermissionRules: Array<
  typeof isRequester | typeof isDataset
> = [isRequester, isDatasetOwner, isDataset];

type CampaignRef = typeof datasetMigrationCampaignPermissionResourceRef;

/**
 * Campaigns owned by one of the claims (usually the user's groups). Refs compare
 * as a campaign's owner is checked at create: without case, a bare name a group.
 */
export const isCampaignOwner = createPermissionRule<
  CampaignRef,
  { claims: string[] }
>({
  name: 'IS_CAMPAIGN_OWNER',
  description: 'Allow campaigns owned by one of the claims',
  resourceRef: datasetMigrationCampaignPermissionResourceRef,
  paramsSchema: claims(),
  apply: (campaign, { claims: refs }) => {
    const owner = comparableRef(campaign.owner);
    return (
      owner !== undefined && refs.some(ref => comparableRef(ref) === owner)
    );
  },
  // The claims as `apply` compares them, so a filter built from this agrees
  // with `apply` (its reader compares the stored owner so too); no ref, no match.
  toQuery: ({ claims: refs }) => ({
    key: 'owner',
    values: refs.map(comparableRef).filter(ref => ref !== undefined),
  }),
});

/** Every rule a policy can use on campaigns. */
export const campaignPermissionRules = [isCampaignOwner];
