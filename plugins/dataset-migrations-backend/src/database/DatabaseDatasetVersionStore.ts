import type { Knex } from 'knex';
import type { DatasetState, DatasetVersionStore } from './DatasetVersionStore';
import type { MigrationRow } from './migrationRows';

/**
 * `dataset_versions` in the plugin's database. Only this class writes it, inside the
 * transaction that records the migration's outcome, so the two never disagree.
 */
export class DatabaseDatasetVersionStore implements DatasetVersionStore {
  constructor(private readonly knex: Knex) {}

  /** The dataset is now on the version (and table) this migration produced. */
  async recordMigrated(tx: Knex.Transaction, row: MigrationRow): Promise<void> {
    const { plan } = row;
    await tx('dataset_versions')
      .insert({
        entity_ref: row.entity_ref,
        schema_version: row.target_version,
        migration_id: row.id,
        table_name: plan ? plan.targetTable ?? plan.table : null,
      })
      .onConflict('entity_ref')
      .merge(['schema_version', 'migration_id', 'table_name', 'updated_at']);
  }

  /**
   * The dataset is back on the version (and table) this migration started from,
   * produced by the migration that made it, when one did. Matched by the version
   * this one produced, not by which run the row names: after a later run was
   * rolled back, the row still names that run while the version is this one's.
   */
  async recordRolledBack(
    tx: Knex.Transaction,
    row: MigrationRow,
  ): Promise<void> {
    const producer = await tx('migrations')
      .where({
        entity_ref: row.entity_ref,
        target_version: row.from_version,
        status: 'succeeded',
        dry_run: false,
      })
      .orderBy('finished_at', 'desc', 'last')
      .first('id');
    await tx('dataset_versions')
      .where({ entity_ref: row.entity_ref })
      .andWhere(q =>
        q
          .where({ migration_id: row.id })
          .orWhere({ schema_version: row.target_version }),
      )
      .update({
        schema_version: row.from_version,
        table_name: row.plan?.table ?? null,
        ...(producer ? { migration_id: producer.id } : {}),
        updated_at: tx.fn.now(),
      });
  }

  async getSchemaVersion(entityRef: string): Promise<number | undefined> {
    const row = await this.knex('dataset_versions')
      .where({ entity_ref: entityRef })
      .first('schema_version');
    return row?.schema_version;
  }

  async getDatasetState(entityRef: string): Promise<DatasetState | undefined> {
    const row = await this.knex('dataset_versions')
      .where({ entity_ref: entityRef })
      .first('schema_version', 'table_name');
    if (!row) return undefined;
    return {
      schemaVersion: row.schema_version,
      ...(row.table_name ? { table: row.table_name } : {}),
    };
  }

  async getSchemaVersions(entityRefs: string[]): Promise<Map<string, number>> {
    const rows = await this.knex('dataset_versions')
      .whereIn('entity_ref', entityRefs)
      .select('entity_ref', 'schema_version');
    return new Map(rows.map(row => [row.entity_ref, row.schema_version]));
  }
}
