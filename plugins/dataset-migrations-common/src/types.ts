import type { Compatibility } from './compatibility';
import type { ConsumerStateCounts, ResultFigures } from './consumers';
import type { ExpandPhase } from './expand';
import type { FieldChange } from './schemas';

/** @public */
export const MIGRATION_STATUSES = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  /** Succeeded, then readers were put back on the previous version. */
  'rolled-back',
  /**
   * Waits, before its first stage, for a person to decide what happens to each
   * consumer that reads a field the migration drops or recomputes.
   */
  'awaiting-decision',
  /** Runs nothing until someone allowed to approves it (see `approval`). */
  'awaiting-approval',
  /** Someone allowed to approve it did not; it never ran. */
  'rejected',
] as const;

/** @public */
export type MigrationStatus = (typeof MIGRATION_STATUSES)[number];

/**
 * Statuses a migration can still leave; at most one such migration per dataset.
 *
 * @public
 */
export const ACTIVE_MIGRATION_STATUSES: readonly MigrationStatus[] = [
  'queued',
  'running',
  'awaiting-decision',
  'awaiting-approval',
];

/** @public */
export function isActiveMigrationStatus(status: MigrationStatus): boolean {
  return ACTIVE_MIGRATION_STATUSES.includes(status);
}

/**
 * The migration's new version is what readers get: it succeeded and was not a dry run.
 *
 * @public
 */
export function isLiveMigration(migration: {
  status: MigrationStatus;
  dryRun: boolean;
}): boolean {
  return migration.status === 'succeeded' && !migration.dryRun;
}

/**
 * Whether a decision for one of the migration's consumers is taken now: while the
 * run is still active (owners told their consumer needs one may take it while the
 * run waits for its approval), or its new version is live and not contracted.
 *
 * @public
 */
export function acceptsConsumerDecisions(migration: {
  status: MigrationStatus;
  dryRun: boolean;
  contractedAt?: string;
}): boolean {
  return (
    isActiveMigrationStatus(migration.status) ||
    (isLiveMigration(migration) && !migration.contractedAt)
  );
}

/**
 * One field of a dataset's schema, as the engine reports it.
 *
 * @public
 */
export interface DatasetField {
  name: string;
  type: string;
  nullable: boolean;
  primaryKey: boolean;
  /** The column's default, as the engine's SQL expression. */
  default?: string;
}

/**
 * A secondary index of a dataset (the primary key is on its fields).
 *
 * @public
 */
export interface DatasetIndex {
  name: string;
  unique: boolean;
  /** As the engine would create it. */
  definition: string;
}

/** @public */
export interface MigrationSummary {
  id: string;
  status: MigrationStatus;
  fromVersion: number;
  targetVersion: number;
  dryRun: boolean;
  createdAt: string;
  finishedAt?: string;
}

/** @public */
export interface DatasetSummary {
  entityRef: string;
  title: string;
  owner?: string;
  schemaVersion: number;
  consumerCount: number;
  lastMigration?: MigrationSummary;
  /**
   * Consumers of the dataset's open migrations still moving to their version (in
   * no state of `MOVED_CONSUMER_STATES`); absent without an open migration.
   */
  consumersOnPreviousVersion?: number;
  /**
   * Consumers of every open migration of the dataset (live: succeeded, not a dry
   * run, not contracted, not rolled back), per state; absent when there is none.
   * `consumersOnPreviousVersion` is the sum of the states not in
   * `MOVED_CONSUMER_STATES`.
   */
  consumerCounts?: ConsumerStateCounts;
  /**
   * Of `consumerCounts.failed`, those that wait for a person's decision
   * (`needsDecision`) rather than for a fix; with `consumerCounts`.
   */
  consumersUndecided?: number;
}

/**
 * A dataset with its live schema, as introspected on its engine.
 *
 * @public
 */
export interface DatasetDetails extends DatasetSummary {
  engine: string;
  table: string;
  fields: DatasetField[];
  indexes: DatasetIndex[];
  /** The engine's estimate, not a count. */
  rowEstimate: number;
  /** Readers nobody discovered of the latest migration's previous shape (see Migration). */
  undiscoveredReads?: UndiscoveredReads;
}

/** @public */
export type MigrationStepStatus = 'running' | 'succeeded' | 'failed';

/** @public */
export interface MigrationStep {
  name: string;
  attempt: number;
  status: MigrationStepStatus;
  startedAt: string;
  finishedAt?: string;
  /** Rows this step has handled so far, for steps that move rows. */
  rowsDone?: number;
  rowsTotal?: number;
}

/** @public */
export interface MigrationLogLine {
  attempt: number;
  step?: string;
  level: 'info' | 'warn' | 'error';
  message: string;
  createdAt: string;
}

/** @public */
export interface Migration extends MigrationSummary {
  entityRef: string;
  changes: FieldChange[];
  requestedBy: string;
  attempts: number;
  /** Attempts made before the last retry (0 when never retried). */
  retriedAtAttempt: number;
  failureReason?: string;
  cancelRequested: boolean;
  startedAt?: string;
  updatedAt: string;
  /** When the previous version was dropped; no rollback after this. */
  contractedAt?: string;
  /** Set when a person contracted while consumers had not moved yet. */
  contractOverride?: ContractOverride;
  /**
   * Reads of the previous shape after every known consumer moved, as the last
   * contract request found them; absent when that found none or nobody asked yet.
   */
  undiscoveredReads?: UndiscoveredReads;
  /** A rollback made although consumers had merged patches: who, when and why. */
  rollbackOverride?: PersonOverride;
  /** The dataset's owner when the migration was requested. */
  datasetOwner?: string;
  /** Set when the migration needed a person's approval before it could run. */
  approval?: MigrationApproval;
  /** The campaign that started it, and its wave there (0 is the canary). */
  campaign?: { id: string; wave: number };
  /**
   * What the server would check before a rollback or contract, as it stands now;
   * set on a live run that is not contracted, so a button can say why it would be
   * refused before anyone clicks it.
   */
  gates?: MigrationGates;
}

/**
 * The state a rollback or contract of a live run is judged on.
 *
 * @public
 */
export interface MigrationGates {
  /** Until when the previous version is kept: contract is refused before. */
  keptUntil: string;
  /** The dataset's schema version now: only the run to it can be rolled back. */
  datasetVersion: number;
}

/**
 * Why a migration waits for approval, what exactly is to be approved, and the decision.
 *
 * @public
 */
export interface MigrationApproval {
  /** Why it needs approval, e.g. "the change is breaking". */
  reasons: string[];
  /**
   * Digest of the request and its pinned plan. An approval names the digest it
   * approves; a request that changed since needs a new approval.
   */
  requestDigest: string;
  decision?: ApprovalDecision;
}

/**
 * A person's decision on a migration awaiting approval.
 *
 * @public
 */
export interface ApprovalDecision {
  outcome: 'approved' | 'rejected';
  /** The user's entity ref. */
  by: string;
  at: string;
  comment?: string;
}

/**
 * A person's decision to go ahead although the rules would refuse, kept with the migration.
 *
 * @public
 */
export interface PersonOverride {
  reason: string;
  /** The user's entity ref. */
  by: string;
  at: string;
}

/**
 * A contract made although consumers still read the previous shape.
 *
 * @public
 */
export interface ContractOverride extends PersonOverride {
  /** The consumers that had not moved, as `entityRef (state)`. */
  blockers: string[];
  /** Reads of the previous shape nobody accounted for, when there were any. */
  undiscoveredReads?: UndiscoveredReads;
}

/**
 * The engine's own evidence that the previous shape is still read after every known
 * consumer moved: a reader nobody discovered. Contract waits while `count` is above
 * zero, unless a person overrides with a reason.
 *
 * @public
 */
export interface UndiscoveredReads {
  /** Reads of the previous shape the engine counted in the window. */
  count: number;
  /** Where the window starts: the later of the cut-over and the last known consumer's move. */
  since: string;
  /** When the engine last looked (the window's end). */
  checkedAt: string;
  /** The last read the engine saw, when it can tell. */
  lastReadAt?: string;
  /** What was counted, in the engine's words: which relation, which statistics. */
  evidence: string;
}

/**
 * One stage of a migration as the engine will run it, for people to review.
 *
 * @public
 */
export interface PlannedStage {
  name: string;
  description: string;
  /** The statements, as the engine sends them; `$n` are per-batch parameters. */
  sql: string[];
  /**
   * What this stage may break that the engine cannot prevent (a statement
   * readers or writers run that fails once the name is a view), for people to
   * act on before they start.
   */
  warnings?: string[];
}

/**
 * The reviewable artifact of a migration: what changes, how compatible, and the SQL.
 *
 * @public
 */
export interface MigrationPlan {
  entityRef: string;
  engine: string;
  table: string;
  /** Where readers find the dataset after the cut-over, when the migration renames it. */
  targetTable?: string;
  fromVersion: number;
  targetVersion: number;
  source: DatasetField[];
  target: DatasetField[];
  compatibility: Compatibility;
  /**
   * What the dataset's name serves from cut-over until contract; absent when the
   * migration renames the dataset (the new name serves the new version, the old
   * name the previous one).
   */
  expand?: ExpandPhase;
  stages: PlannedStage[];
}

/**
 * What a migration's verify stage compared: the source version read through the
 * migration's mapping against the new version, by row count and an
 * order-independent checksum.
 *
 * @public
 */
export interface VerificationFigures {
  source: ResultFigures;
  target: ResultFigures;
  /** The engine's verdict; a mismatch fails the run before its cut-over. */
  matched: boolean;
  durationMs: number;
  /**
   * Rows deleted from the source while the backfill copied them, removed from the
   * target before comparing; explains a target smaller than what was copied.
   */
  rowsDeletedDuringCopy?: number;
}

/**
 * One side of a recorded verification: its row count, and its checksum unless
 * withheld (see `RecordedVerification.checksumsWithheld`).
 *
 * @public
 */
export interface VerifiedSide {
  rows: number;
  checksum?: string;
}

/**
 * Verification figures as stored with a run: the latest attempt's to verify.
 *
 * @public
 */
export interface RecordedVerification
  extends Omit<VerificationFigures, 'source' | 'target'> {
  source: VerifiedSide;
  target: VerifiedSide;
  attempt: number;
  recordedAt: string;
  /**
   * Set, and both checksums left out, for a caller who may not see the
   * dataset's rows: a checksum is a hash of them, which a guess can be checked
   * against (a table of one row).
   */
  checksumsWithheld?: string;
}

/**
 * A few rows of the dataset as the dry run transformed them: each row's values on
 * the current version and on the new one, as text. Only the key and the fields
 * the migration changes are shown, so a sample shows no more data than it must.
 *
 * @public
 */
export interface DryRunSample {
  /** The current version's columns shown, key first. */
  before: string[];
  /** The new version's columns shown, key first. */
  after: string[];
  /** Each row's values by column, as text; null where the value is null. */
  rows: Array<{
    before: Record<string, string | null>;
    after: Record<string, string | null>;
  }>;
}

/** @public */
export interface MigrationDetails extends Migration {
  steps: MigrationStep[];
  logs: MigrationLogLine[];
  /** The plan this migration executes, fixed when it was created. */
  plan?: MigrationPlan;
  /** Absent until an attempt reaches verification. */
  verification?: RecordedVerification;
  /** Rows the dry run transformed, before and after; absent until it has. */
  dryRunSample?: DryRunSample;
  /**
   * Why the dry run's sample is not shown to this caller: its rows are the
   * dataset's data, shown only to who may start or approve its migrations.
   */
  dryRunSampleWithheld?: string;
}
