import type { Knex } from 'knex';
import {
  ACTIVE_CAMPAIGN_STATES,
  ACTIVE_MIGRATION_STATUSES,
  type CampaignState,
  type MigrationSummary,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type {
  ActiveCampaignOfDataset,
  DatasetActivityStore,
} from './DatasetActivityStore';
import { toSummary, type MigrationRow } from './migrationRows';

/** Refs per query: a campaign may name thousands, and Postgres takes 65535 bind parameters. */
const CHUNK = 1000;

/** Reads `migrations` and `campaign_datasets` for the datasets' work under way; writes nothing. */
export class DatabaseDatasetActivityStore implements DatasetActivityStore {
  constructor(private readonly knex: Knex) {}

  async activeMigrationsOf(
    entityRefs: string[],
  ): Promise<Map<string, MigrationSummary>> {
    const found = new Map<string, MigrationSummary>();
    for (const refs of chunks(entityRefs)) {
      const rows: MigrationRow[] = await this.knex<MigrationRow>('migrations')
        .whereIn('entity_ref', refs)
        .whereIn('status', ACTIVE_MIGRATION_STATUSES);
      for (const row of rows) found.set(row.entity_ref, toSummary(row));
    }
    return found;
  }

  async activeCampaignsOf(
    entityRefs: string[],
    options: { exceptCampaign?: string } = {},
  ): Promise<Map<string, ActiveCampaignOfDataset>> {
    const found = new Map<string, ActiveCampaignOfDataset>();
    for (const refs of chunks(entityRefs)) {
      const rows: Array<{
        entity_ref: string;
        id: string;
        name: string;
        state: CampaignState;
      }> = await this.knex('campaign_datasets as d')
        .join('campaigns as c', 'c.id', 'd.campaign_id')
        .whereIn('d.entity_ref', refs)
        .whereIn('c.state', ACTIVE_CAMPAIGN_STATES)
        .modify(q => {
          if (options.exceptCampaign)
            q.whereNot('c.name', options.exceptCampaign);
        })
        .orderBy('c.created_at')
        .select('d.entity_ref', 'c.id', 'c.name', 'c.state');
      for (const row of rows) {
        if (found.has(row.entity_ref)) continue;
        found.set(row.entity_ref, {
          id: row.id,
          name: row.name,
          state: row.state,
        });
      }
    }
    return found;
  }
}

function* chunks(refs: string[]): Generator<string[]> {
  const unique = [...new Set(refs)];
  for (let i = 0; i < unique.length; i += CHUNK)
    yield unique.slice(i, i + CHUNK);
}
