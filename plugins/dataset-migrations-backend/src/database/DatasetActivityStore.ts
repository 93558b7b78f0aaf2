import type {
  CampaignState,
  MigrationSummary,
} from '@dataset-migrations/plugin-dataset-migrations-common';

/** A campaign that still holds a dataset: draft, running or paused. */
export interface ActiveCampaignOfDataset {
  id: string;
  name: string;
  state: CampaignState;
}

/**
 * Work under way on datasets, read in bulk: what makes a dataset busy for a new
 * migration or a new campaign.
 */
export interface DatasetActivityStore {
  /** Each dataset's active migration (a dataset has at most one). */
  activeMigrationsOf(
    entityRefs: string[],
  ): Promise<Map<string, MigrationSummary>>;
  /**
   * Each dataset's active campaign (`ACTIVE_CAMPAIGN_STATES`); a campaign named
   * `exceptCampaign` is left out, so re-planning a campaign does not find itself.
   */
  activeCampaignsOf(
    entityRefs: string[],
    options?: { exceptCampaign?: string },
  ): Promise<Map<string, ActiveCampaignOfDataset>>;
}
