import type {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import {
  campaignDocumentSchema,
  type CampaignDocumentInput,
  type CampaignPlan,
  type CampaignPlannedDataset,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { parseInput } from '../../validation/parseInput';
import type { CampaignPlanning } from '../CampaignPlanning';

/** Test-only: campaign plans built by hand, until the real planner is merged. */

/** A document with every required field; `rollout` and the rest as given. */
export function campaignDocument(
  overrides: Partial<CampaignDocumentInput> = {},
): CampaignDocumentInput {
  return {
    name: 'retype-amount',
    title: 'Amounts become integers',
    owner: 'group:default/data',
    deadline: '2027-06-30',
    selector: { tags: ['finance'] },
    changes: [{ changeType: { field: 'amount', type: 'integer' } }],
    ...overrides,
  };
}

/**
 * A plan of these waves (wave 0 the canary), each dataset from version 1 to 2;
 * `upstream` names the datasets of the campaign some are derived from.
 */
export function campaignPlan(
  document: CampaignDocumentInput,
  waves: string[][],
  upstream: Record<string, string[]> = {},
): CampaignPlan {
  const parsed = campaignDocumentSchema.parse(document);
  const planned = waves.map((refs, index) => ({
    index,
    kind: index === 0 ? ('canary' as const) : ('wave' as const),
    datasets: refs.map(
      (entityRef): CampaignPlannedDataset => ({
        entityRef,
        owner: 'group:default/data',
        criticality: 'low',
        fromVersion: 1,
        targetVersion: 2,
        compatibility: 'breaking',
        consumers: 1,
        pullRequests: 0,
        upstream: upstream[entityRef] ?? [],
      }),
    ),
    consumers: refs.length,
    pullRequests: 0,
  }));
  return {
    document: parsed,
    waves: planned,
    skipped: [],
    byOwner: [],
    totals: {
      datasets: waves.flat().length,
      consumers: waves.flat().length,
      pullRequests: 0,
    },
  };
}

/**
 * Planning that validates the document as the real planner does (a 400 naming each
 * problem by path) and answers with the waves set on it, the document's own
 * values filled in. `waves` may change between calls: a re-plan at start sees it.
 */
export function fixedPlanning(waves: string[][]): CampaignPlanning & {
  waves: string[][];
  upstream: Record<string, string[]>;
  calls: Array<BackstageCredentials<BackstageUserPrincipal>>;
} {
  const planning = {
    waves,
    upstream: {} as Record<string, string[]>,
    calls: [] as Array<BackstageCredentials<BackstageUserPrincipal>>,
    async plan(
      body: unknown,
      credentials: BackstageCredentials<BackstageUserPrincipal>,
    ) {
      planning.calls.push(credentials);
      const document = parseInput(campaignDocumentSchema, body, 'campaign');
      return campaignPlan(document, planning.waves, planning.upstream);
    },
  };
  return planning;
}
