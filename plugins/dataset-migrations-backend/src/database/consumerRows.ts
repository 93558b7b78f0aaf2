import type {
  ConsumerDecision,
  ConsumerFailure,
  ConsumerImpact,
  ConsumerPullRequest,
  ConsumerState,
  ConsumerVerification,
  MigrationConsumer,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';

/** A row of the consumer ledger, which every consumer store part reads. */
export interface ConsumerRow {
  migration_id: string;
  entity_ref: string;
  title: string | null;
  owner: string | null;
  depth: number;
  via: string | null;
  repository_url: string | null;
  state: ConsumerState;
  failure_kind: string | null;
  failure_message: string | null;
  impact: ConsumerImpact | null;
  verification: ConsumerVerification | null;
  pull_request: ConsumerPullRequest | null;
  patch: string | null;
  patched_files: ChangedFile[] | null;
  patch_base_commit: string | null;
  superseded_reason: string | null;
  decision: ConsumerDecision | null;
  attempts: number;
  updated_at: Date | string;
}

export const CONSUMERS_TABLE = 'migration_consumers';
/** Everything but the patched files, which only the pipeline's own steps read. */
export const LEDGER_COLUMNS = [
  'migration_id',
  'entity_ref',
  'title',
  'owner',
  'depth',
  'via',
  'repository_url',
  'state',
  'failure_kind',
  'failure_message',
  'impact',
  'verification',
  'pull_request',
  'patch',
  'superseded_reason',
  'decision',
  'attempts',
  'updated_at',
];

export function toConsumer(row: ConsumerRow): MigrationConsumer {
  return {
    entityRef: row.entity_ref,
    title: row.title ?? undefined,
    owner: row.owner ?? undefined,
    depth: row.depth,
    via: row.via ?? undefined,
    repositoryUrl: row.repository_url ?? undefined,
    state: row.state,
    failure: row.failure_kind
      ? {
          kind: row.failure_kind as ConsumerFailure['kind'],
          message: row.failure_message ?? '',
        }
      : undefined,
    impact: row.impact ?? undefined,
    verification: row.verification ?? undefined,
    pullRequest: row.pull_request ?? undefined,
    patch: row.patch ?? undefined,
    supersededReason: row.superseded_reason ?? undefined,
    ...(row.decision
      ? {
          decision: {
            ...row.decision,
            // now() as JSON carries an offset; other times here are ISO in UTC.
            decidedAt: new Date(row.decision.decidedAt).toISOString(),
          },
        }
      : {}),
    attempts: row.attempts,
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
