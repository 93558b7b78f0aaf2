import type {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import type { CampaignPlan } from '@dataset-migrations/plugin-dataset-migrations-common';

/**
 * Turns a campaign document into its plan without changing anything: parses and
 * validates it (a 400 naming each problem by path; a selection matching nothing is
 * a 400 too), selects the datasets the caller may see and assigns their waves.
 * `CampaignPlanner` is the implementation; the service and routes depend on this.
 */
export interface CampaignPlanning {
  plan(
    body: unknown,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<CampaignPlan>;
}
