import type {
  DryRunSample,
  ContractOverride,
  MigrationApproval,
  Migration,
  MigrationPlan,
  MigrationStatus,
  MigrationSummary,
  PersonOverride,
  RecordedVerification,
} from '@dataset-migrations/plugin-dataset-migrations-common';

/** A row of `migrations`, which the request store and the run journal both write. */
export type MigrationRow = {
  id: string;
  entity_ref: string;
  from_version: number;
  target_version: number;
  changes: Migration['changes'];
  dry_run: boolean;
  fingerprint: string;
  status: MigrationStatus;
  failure_reason: string | null;
  requested_by: string;
  attempts: number;
  cancel_requested_at: Date | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Date;
  lease_owner: string | null;
  lease_expires_at: Date | null;
  plan: MigrationPlan | null;
  contracted_at: Date | null;
  contract_override: ContractOverride | null;
  retried_at_attempt: number;
  verification: RecordedVerification | null;
  dry_run_sample: DryRunSample | null;
  rollback_override: PersonOverride | null;
  dataset_owner: string | null;
  campaign_id: string | null;
  campaign_wave: number | null;
  approval: MigrationApproval | null;
};

/**
 * The columns `toMigration` reads: every one but the plan, the verification and
 * the dry run's sample, which only a run's own page shows. A plan is ~10 KB of
 * JSON; lists of runs read many and would parse them only to drop them.
 */
export const MIGRATION_COLUMNS = [
  'id',
  'entity_ref',
  'from_version',
  'target_version',
  'changes',
  'dry_run',
  'fingerprint',
  'status',
  'failure_reason',
  'requested_by',
  'attempts',
  'cancel_requested_at',
  'created_at',
  'started_at',
  'finished_at',
  'updated_at',
  'lease_owner',
  'lease_expires_at',
  'contracted_at',
  'contract_override',
  'retried_at_attempt',
  'rollback_override',
  'dataset_owner',
  'campaign_id',
  'campaign_wave',
  'approval',
] as const;

/** A row as read with `MIGRATION_COLUMNS`. */
export type MigrationListRow = Pick<
  MigrationRow,
  (typeof MIGRATION_COLUMNS)[number]
>;

export function toSummary(row: MigrationListRow): MigrationSummary {
  return {
    id: row.id,
    status: row.status,
    fromVersion: row.from_version,
    targetVersion: row.target_version,
    dryRun: row.dry_run,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString(),
  };
}

export function toMigration(row: MigrationListRow): Migration {
  return {
    ...toSummary(row),
    entityRef: row.entity_ref,
    changes: row.changes,
    failureReason: row.failure_reason ?? undefined,
    requestedBy: row.requested_by,
    attempts: row.attempts,
    retriedAtAttempt: row.retried_at_attempt,
    cancelRequested: row.cancel_requested_at !== null,
    startedAt: row.started_at?.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    contractedAt: row.contracted_at?.toISOString(),
    ...(row.contract_override
      ? { contractOverride: row.contract_override }
      : {}),
    ...(row.rollback_override
      ? {
          rollbackOverride: {
            ...row.rollback_override,
            at: new Date(row.rollback_override.at).toISOString(),
          },
        }
      : {}),
    ...(row.dataset_owner ? { datasetOwner: row.dataset_owner } : {}),
    ...(row.campaign_id
      ? { campaign: { id: row.campaign_id, wave: row.campaign_wave ?? 0 } }
      : {}),
    ...(row.approval ? { approval: row.approval } : {}),
  };
}

export function toMigrationWithPlan(
  row: MigrationRow,
): Migration & { plan?: MigrationPlan } {
  return { ...toMigration(row), plan: row.plan ?? undefined };
}
