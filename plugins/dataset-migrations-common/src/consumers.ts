/**
 * Where a consumer of a migrated dataset stands. The happy path is
 * discovered → patched → verified → pr-opened → merged → done; a consumer that
 * reads nothing the migration changes ends unaffected.
 *
 * @public
 */
export const CONSUMER_STATES = [
  'discovered',
  'unaffected',
  'patched',
  'verified',
  'pr-opened',
  'merged',
  'done',
  'failed',
  /**
   * Its migration was rolled back (pull request closed), or cancelled or failed
   * before its new version went live: nothing more will happen to it unless that
   * migration is retried.
   */
  'superseded',
  /** A person kept it reading the old shape for now; it blocks contract until its code moves. */
  'kept',
  /** A person took it out of the migration's scope; it does not block contract. */
  'excluded',
] as const;

/** @public */
export type ConsumerState = (typeof CONSUMER_STATES)[number];

/**
 * Each consumer state in words, as the portal shows it and the backend's messages
 * name it (one wording, wherever a person reads it).
 *
 * @public
 */
export const CONSUMER_STATE_LABELS: Record<ConsumerState, string> = {
  discovered: 'Discovered',
  unaffected: 'Unaffected',
  patched: 'Patched',
  verified: 'Verified',
  'pr-opened': 'Pull request open',
  merged: 'Merged',
  done: 'Done',
  failed: 'Failed',
  superseded: 'Superseded',
  kept: 'Kept on the old shape',
  excluded: 'Excluded',
};

/**
 * States a consumer does not leave without a person (a retry or a merge).
 *
 * @public
 */
export const SETTLED_CONSUMER_STATES: readonly ConsumerState[] = [
  'unaffected',
  'done',
  'failed',
  'superseded',
  'excluded',
];

/**
 * States of a consumer that no longer holds its dataset on the migration's previous
 * version: it reads the new one, never read what changed, a person took it out of
 * scope, or the migration was rolled back. Any other state (`kept` included) is
 * still moving: a later migration of the dataset waits for it, and contract (the
 * breaking moment) is refused while one is.
 *
 * @public
 */
export const MOVED_CONSUMER_STATES: readonly ConsumerState[] = [
  'unaffected',
  'done',
  'excluded',
  'superseded',
];

/**
 * True when the consumer holds nothing back (see {@link MOVED_CONSUMER_STATES}).
 *
 * @public
 */
export function isMovedConsumerState(state: ConsumerState): boolean {
  return MOVED_CONSUMER_STATES.includes(state);
}

/**
 * States of a consumer whose checks (verification, shadow checks) are still to
 * come: its pipeline moves it on by itself. A campaign whose failure policy counts
 * consumer failures waits for them before it calls a wave healthy.
 *
 * @public
 */
export const UNCHECKED_CONSUMER_STATES: readonly ConsumerState[] = [
  'discovered',
  'patched',
];

/**
 * How many consumers are in each state.
 *
 * @public
 */
export type ConsumerStateCounts = Record<ConsumerState, number>;

/**
 * Every state at zero, to count into.
 *
 * @public
 */
export function emptyConsumerStateCounts(): ConsumerStateCounts {
  return Object.fromEntries(
    CONSUMER_STATES.map(state => [state, 0]),
  ) as ConsumerStateCounts;
}

/**
 * Why a consumer failed; each names what a person has to do next.
 *
 * @public
 */
export type ConsumerFailureKind =
  /** The entity has no source-location annotation. */
  | 'no-repository'
  /** The repository could not be read (missing, unreachable, no access). */
  | 'repository-unreachable'
  /** A file that reads the dataset does not parse; the rewriter will not guess. */
  | 'unparseable'
  /** The consumer reads a field the migration drops. */
  | 'needs-decision'
  /**
   * Reading its code for the dataset did not finish within its time or memory
   * (`consumers.assessment`): nothing is known of what it reads, so nothing is
   * changed and contract waits for it.
   */
  | 'assessment-stopped'
  /** Neither the rewriter nor the coding agent produced a patch that parses. */
  | 'patch-failed'
  /** The consumer's own verification command failed or timed out. */
  | 'verification-failed'
  /** The rewritten queries return different rows than the originals. */
  | 'shadow-mismatch'
  | 'pull-request-failed'
  /**
   * The repository its source location names is not the one its entity was
   * registered from, so no pull request goes there (see
   * `consumers.pullRequestRepositories`).
   */
  | 'repository-not-registered'
  /**
   * It has not moved off an earlier migration of the same dataset (e.g. one
   * contracted by a person's override): it reads a version older than this
   * migration starts from, so this migration cannot assess or patch it.
   */
  | 'behind-previous-version';

/** @public */
export interface ConsumerFailure {
  kind: ConsumerFailureKind;
  message: string;
}

/**
 * A place in a file, 1-based.
 *
 * @public
 */
export interface SourcePosition {
  line: number;
  column: number;
}

/** @public */
export type FileImpactStatus =
  | 'rewritten'
  | 'unaffected'
  | 'needs-decision'
  | 'unparseable';

/**
 * What one consumer file reads of the dataset, and what the rewrite did to it.
 *
 * @public
 */
export interface FileImpact {
  path: string;
  status: FileImpactStatus;
  /** Dataset fields the file reads that the migration changes. */
  fields: string[];
  /** Lines (1-based) where those fields are read. */
  lines: number[];
  /** Why the file needs a decision or could not be parsed, with the parser's position. */
  problem?: { message: string; position?: SourcePosition };
  /**
   * The installed dbt package (`dbt_packages/<name>/`) the file belongs to, when it
   * reads a changed field: no one patches it, since `dbt deps` replaces it.
   */
  dbtPackage?: string;
  /**
   * The file runs code that fails or misreads from the cut-over on, whatever
   * is decided, until its code changes: a statement needing a table
   * (`TRUNCATE`, `COPY … TO`, `ALTER TABLE`…), one taking a fixed number of
   * columns from `*` (which has the new version's fields from then), a
   * change-data capture by the table's name, a snapshot checking all columns.
   */
  needsTable?: true;
}

/** @public */
export type ConsumerImpactStatus =
  | 'unaffected'
  | 'affected'
  | 'needs-decision'
  | 'unparseable';

/** @public */
export interface ConsumerImpact {
  status: ConsumerImpactStatus;
  /** Changed fields read anywhere in the consumer. */
  fields: string[];
  /** Files that reference the dataset; others are not listed. */
  files: FileImpact[];
  /**
   * Set by assessments that mark each file of an installed dbt package
   * (`FileImpact.dbtPackage`). A ledger row written before they did lacks it:
   * whether its files are a package's is unknown until it is assessed again.
   */
  dbtPackagesMarked?: true;
}

/**
 * Figures of one query's result, compared between the old and new dataset version.
 *
 * @public
 */
export interface ResultFigures {
  rows: number;
  checksum: string;
}

/** @public */
export interface ShadowCheck {
  path: string;
  /** 1-based index of the statement in its file. */
  statement: number;
  before?: ResultFigures;
  after?: ResultFigures;
  outcome: 'match' | 'mismatch' | 'skipped';
  /** Why it was skipped, or a sample of rows on one side only. */
  detail?: string;
  differingRows?: Array<{ side: 'before' | 'after'; row: unknown }>;
  /**
   * Set, and `differingRows`, `before` and `after` left out (a mismatch's
   * `detail` says only that the results differ), for a caller who may not see
   * the dataset's rows (read it, and start or approve its migrations): its
   * rows, and counts and checksums of them, are its data.
   */
  differingRowsHidden?: boolean;
}

/** @public */
export interface CommandEvidence {
  command: string;
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  /** The end of the command's combined output. */
  outputTail: string;
}

/** @public */
export interface ConsumerVerification {
  command?: CommandEvidence;
  /** Why the consumer's verify command was not run (verify commands are off by config). */
  commandNotRun?: string;
  shadowChecks: ShadowCheck[];
  /** Who wrote the patch. */
  patchedBy: 'rewriter' | 'agent';
  agentTurns?: number;
}

/** @public */
export interface ConsumerPullRequest {
  provider: string;
  url: string;
  number: number;
  branch: string;
  state: 'open' | 'merged' | 'closed';
  /** When this backend opened it: campaigns count pull requests opened per hour. */
  openedAt?: string;
  /** `automerge` when a campaign merged it (verified, shadow-checked, owner opted in). */
  mergedBy?: string;
}

/**
 * What a person decided for a consumer that reads a field the migration drops or
 * recomputes: keep reading it while the expand phase serves it, take the consumer
 * out of scope, or hand its code to the coding agent after the cut-over.
 *
 * @public
 */
export const CONSUMER_DECISION_KINDS = [
  'keep-field',
  'exclude',
  'agent',
] as const;

/** @public */
export type ConsumerDecisionKind = (typeof CONSUMER_DECISION_KINDS)[number];

/**
 * A decision as the ledger keeps it: what, why, who and when.
 *
 * @public
 */
export interface ConsumerDecision {
  kind: ConsumerDecisionKind;
  reason?: string;
  /** The user entity ref of whoever decided. */
  decidedBy: string;
  decidedAt: string;
}

/**
 * Why the coding agent may not take a consumer, when its code reads a changed
 * field through an installed dbt package's files: `dbt deps` replaces them, so a
 * person changes the package (or keeps the field, or excludes the consumer).
 * An impact recorded before package files were marked cannot tell: its
 * consumer is assessed again first. Undefined when nothing stands in the
 * agent's way.
 *
 * @public
 */
export function agentRefusal(
  impact: Pick<ConsumerImpact, 'files' | 'dbtPackagesMarked'> | undefined,
): string | undefined {
  const files = impact?.files ?? [];
  // The agent's patches come after the cut-over, where such code already fails.
  const needsTable = keepRefusal(impact);
  if (needsTable)
    return `the coding agent patches only after the cut-over, and ${needsTable}`;
  // A package's directory need not be called dbt_packages/ (a project's
  // packages-install-path), so the paths alone do not settle it.
  if (files.length > 0 && !impact?.dbtPackagesMarked)
    return 'its impact was recorded before files of installed dbt packages (which `dbt deps` replaces, so the coding agent may not patch them) were told apart; retry the consumer to assess its code again, then decide';
  const packaged = files.filter(f => f.dbtPackage);
  if (packaged.length === 0) return undefined;
  const packages = [...new Set(packaged.map(f => f.dbtPackage))];
  return `the coding agent may not patch the installed dbt package${
    packages.length > 1 ? 's' : ''
  } ${packages.join(', ')} (${packaged
    .map(f => f.path)
    .join(
      ', ',
    )}), which \`dbt deps\` replaces; a person must change the package, keep the field, or exclude the consumer`;
}

/**
 * Why keeping the field does not keep a consumer working, when its code runs a
 * statement that fails once the dataset's name is a view: it breaks at the
 * cut-over whatever the name serves. Undefined otherwise.
 *
 * @public
 */
export function keepRefusal(
  impact: Pick<ConsumerImpact, 'files'> | undefined,
): string | undefined {
  const paths = (impact?.files ?? [])
    .filter(f => f.needsTable)
    .map(f => f.path);
  if (paths.length === 0) return undefined;
  return `${paths.join(', ')} run${
    paths.length === 1 ? 's' : ''
  } code that fails or misreads from the cut-over on, whatever is decided (its reason says why): change the code and retry the consumer, or exclude it`;
}

/**
 * Why a decision would not do what it says for a consumer of this impact, or
 * undefined: the coding agent (see {@link agentRefusal}) and keeping the
 * field (see {@link keepRefusal}); excluding always does what it says.
 *
 * @public
 */
export function decisionRefusal(
  kind: ConsumerDecisionKind,
  impact: Pick<ConsumerImpact, 'files' | 'dbtPackagesMarked'> | undefined,
): string | undefined {
  if (kind === 'agent') return agentRefusal(impact);
  if (kind === 'keep-field') return keepRefusal(impact);
  return undefined;
}

/**
 * Whether a consumer waits for a person's decision before its migration may start.
 *
 * @public
 */
export function needsDecision(consumer: {
  state: ConsumerState;
  failure?: { kind: ConsumerFailureKind };
}): boolean {
  return (
    consumer.state === 'failed' && consumer.failure?.kind === 'needs-decision'
  );
}

/**
 * One consumer of one migration, as the ledger tracks it.
 *
 * @public
 */
export interface MigrationConsumer {
  entityRef: string;
  title?: string;
  owner?: string;
  /** 1 for a direct reader; more when it reads through derived datasets. */
  depth: number;
  /** The derived dataset it reads through, when its depth is above 1. */
  via?: string;
  repositoryUrl?: string;
  state: ConsumerState;
  failure?: ConsumerFailure;
  impact?: ConsumerImpact;
  verification?: ConsumerVerification;
  pullRequest?: ConsumerPullRequest;
  /** The unified diff of the patch, once there is one. */
  patch?: string;
  /** Why it was superseded (its migration was rolled back, cancelled or failed); with state `superseded`. */
  supersededReason?: string;
  /** A person's decision, when the consumer needed one. */
  decision?: ConsumerDecision;
  attempts: number;
  updatedAt: string;
  /**
   * True when the caller may not read the consumer's catalog entity: its patch,
   * files, evidence, failure message, repository and pull request are left out;
   * its ref, state, impact status and counts remain.
   */
  redacted?: boolean;
}

/** @public */
export interface ConsumerLedger {
  migrationId: string;
  /** Over every consumer of the run, also when `consumers` is a page or filtered. */
  counts: ConsumerStateCounts;
  /** How many consumers wait for a person's decision ({@link needsDecision}), over every consumer. */
  undecided: number;
  /** How many consumers the `state` filter matches (every consumer without one). */
  total: number;
  consumers: MigrationConsumer[];
  /** Asked for a page (`limit`) and more follow: the `offset` of the next. */
  nextOffset?: number;
}

/**
 * `POST /rewrite-preview`: rewrite files under a mapping without a repository.
 *
 * @public
 */
export interface RewritePreviewFile {
  path: string;
  content: string;
  status: FileImpactStatus;
  impact: FileImpact;
}

/**
 * How much one file of a pull request changes.
 *
 * @public
 */
export interface PullRequestFileStats {
  path: string;
  additions: number;
  deletions: number;
}

/**
 * `GET /migrations/:id/consumers/:kind/:namespace/:name/pull-request`: a consumer's
 * pull request as the portal shows it, read from its source control now.
 *
 * @public
 */
export interface ConsumerPullRequestDetails extends ConsumerPullRequest {
  title: string;
  /** Markdown. */
  body: string;
  /** The branch it merges into. */
  base: string;
  /** Unified diff of the branch against where it left the base. */
  diff: string;
  /** True when the diff was cut at the provider's size bound (it ends with a marker). */
  diffTruncated: boolean;
  files: PullRequestFileStats[];
  /**
   * True when the portal can merge it (`POST …/pull-request/merge`): a demo
   * affordance for local git repositories; others are merged where they are hosted.
   */
  canMerge: boolean;
}
