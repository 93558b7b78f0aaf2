import type { CampaignPlan } from '@dataset-migrations/plugin-dataset-migrations-common';
import type { DatabaseCampaignStore } from '../../database/DatabaseCampaignStore';
import type { DatabaseMigrationStore } from '../../database/DatabaseMigrationStore';
import type { NewMigration } from '../../database/MigrationStore';

/** Test-only: the stores a campaign is written to. */
export interface CampaignStores {
  campaigns: DatabaseCampaignStore;
  migrations: DatabaseMigrationStore;
}

/**
 * Creates and starts a campaign of this plan (its starter holding no rights on
 * any dataset), then creates each migration as the campaign's start of its
 * dataset, the way the runner does: the migration and the claim of its dataset
 * in one transaction.
 */
export async function startedCampaign(
  { campaigns, migrations }: CampaignStores,
  campaign: {
    id: string;
    plan: CampaignPlan;
    by: string;
    /** Who starts it (default: `by`, who creates it). */
    startedBy?: string;
    at: Date;
    /** When the migrations start (default: `at`). */
    startsAt?: Date;
  },
  started: NewMigration[],
): Promise<void> {
  const { id, plan, by, at } = campaign;
  if (!(await campaigns.createCampaign({ id, plan, createdBy: by, at })))
    throw new Error(`campaign ${id} exists already`);
  await campaigns.startCampaign(id, {
    plan,
    startedBy: campaign.startedBy ?? by,
    starterRights: {
      mayStart: new Set(),
      mayApprove: new Set(),
      mayContract: new Set(),
      mayRollBack: new Set(),
    },
    at,
  });
  for (const migration of started)
    await migrations.createMigration(migration, tx =>
      campaigns.claimDatasetStart(tx, {
        campaignId: id,
        entityRef: migration.entityRef,
        migrationId: migration.id,
        concurrency: 5,
        at: campaign.startsAt ?? at,
      }),
    );
}
