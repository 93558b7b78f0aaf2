/**
 * What every consumer step shares: the pipeline's dependencies, the migration as
 * the steps read it, the consumer a step works on, and how a step fails it.
 */
import type {
  AuditorService,
  AuthService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_VERIFY_COMMAND,
  type ConsumerFailure,
  type ConsumerState,
  type FileImpact,
  type Migration,
  type MigrationConsumer,
  type MigrationPlan,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  MigrationInterruptedError,
  type ChangedFile,
  type ScmProvider,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import type { DatasetCatalog } from '../../catalog/DatasetCatalog';
import type { CampaignPullRequestSlots } from '../../database/CampaignPullRequestSlots';
import type { ConsumerStore } from '../../database/ConsumerStore';
import type { MigrationStore } from '../../database/MigrationStore';
import type { EngineRegistry } from '../../engines/EngineRegistry';
import { loadSqlParser } from '../../sql/sqlParser';
import type { CodingAgent } from '../agent/CommandCodingAgent';
import type { AssessConsumer } from '../impact';
import type { MergedPatch } from '../movedOffPrevious';
import { WorkerExitError, pastWorkerBudget } from '../rewriteWorkers';
import type { PlannedCheck, ShadowPlanInput } from '../verification/shadowPlan';
import type {
  RepositoryReader,
  RepositorySnapshot,
} from '../repositories/RepositoryReader';
import {
  datasetTarget,
  renamedRelation,
  type DatasetTarget,
} from '../sql/datasetTarget';
import { consumerMapping, type ConsumerMapping } from '../sql/fieldMapping';
import type { ParseProblem } from '../sql/rewriteSql';
import type { SandboxIsolation } from '../sandbox/namespaces';
import {
  unregisteredRepository,
  type PullRequestRepositories,
} from '../repositories/registeredRepository';

/** What the steps need from the backend. */
export interface StepDependencies {
  consumers: ConsumerStore;
  migrations: MigrationStore;
  catalog: DatasetCatalog;
  engines: EngineRegistry;
  readers: RepositoryReader[];
  scm: ScmProvider[];
  agent?: CodingAgent;
  /** Reading the consumer's code: off this thread, within a budget. */
  code: ConsumerCode;
  auth: AuthService;
  /** Throttles and automerge of campaign migrations' pull requests; without it, none. */
  campaigns?: {
    pullRequests: Pick<CampaignPullRequestSlots, 'rolloutOf' | 'withSlot'>;
    /** Queues the consumer's job again to run at `runAt` (a throttled pull request waits). */
    defer(migrationId: string, entityRef: string, runAt: Date): Promise<void>;
  };
  /** Records merges made without a person (campaign automerge). */
  auditor?: AuditorService;
  limits: {
    /** Which repositories pull requests may go to; default `registered`. */
    pullRequestRepositories?: PullRequestRepositories;
    /** Whether a consumer's verify command (a catalog annotation) may run at all. */
    runVerifyCommands: boolean;
    commandTimeoutMs: number;
    commandMemoryMb: number;
    commandIsolation: SandboxIsolation;
    shadowTimeoutMs: number;
    /** How far through derived datasets discovery follows readers. */
    maxDepth: number;
  };
}

/**
 * What the steps read a consumer's code with (rule patterns, the SQL parser,
 * dbt rendering): the plugin's RewriteWorkers, on worker threads within a time
 * and memory budget, rejecting with WorkerTimeoutError or WorkerMemoryError past
 * them and WorkerExitError when a worker ends otherwise (see codeReadingFailure).
 */
export interface ConsumerCode {
  /** `assessConsumer`: what the consumer reads of the dataset, and each file's rewrite. */
  assessment: AssessConsumer;
  /** `planShadowChecks`: what a patch's shadow checks compare. */
  shadowPlan(input: ShadowPlanInput): Promise<PlannedCheck[]>;
  /** `movedOffPrevious`: whether a merged consumer's default branch has left the previous version. */
  movedOffPrevious(
    onDefault: ChangedFile[],
    patch: MergedPatch,
    target: DatasetTarget,
    mapping: ConsumerMapping,
  ): Promise<boolean>;
  /** `parseProblem`: the first SQL file of the coding agent's that does not parse. */
  parseProblem(
    files: ChangedFile[],
    target: DatasetTarget,
  ): Promise<ParseProblem | undefined>;
}

/** Why a step stopped a consumer: ends it in `failed` with this reason. */
export class ConsumerFailed extends Error {
  constructor(readonly failure: ConsumerFailure) {
    super(failure.message);
  }
}

/**
 * Reading a consumer's code on a worker (`assess`, `planShadowChecks`) failed:
 * past its time or memory (a file that defeats a rule's pattern, say), the
 * consumer is a person's, with nothing of it changed; a worker that crashed or
 * a backend stopping is not the consumer's doing, so the job is retried (and
 * only its last attempt records a failure).
 */
export function codeReadingFailure(error: unknown, reading: string): unknown {
  if (pastWorkerBudget(error))
    return new ConsumerFailed({
      kind: 'assessment-stopped',
      message: `${reading} stopped: ${
        (error as Error).message
      } (datasetMigrations.consumers.assessment); nothing of it was changed and contract waits for it: retry it, after raising the limit if its code is that large, or find the file that defeats the rules`,
    });
  if (error instanceof WorkerExitError)
    return new MigrationInterruptedError(error.message);
  return error;
}

/**
 * A source location is the entity's word only: unless configured otherwise, a
 * consumer's repository is read and written only when the entity was registered
 * from it (from its default branch, where that is known), read from the catalog
 * now, since the entity may have moved since it was discovered.
 */
export async function assertRegisteredRepository(
  deps: StepDependencies,
  entityRef: string,
  repositoryUrl: string,
  defaultBranch?: string,
): Promise<void> {
  const refusal = await registeredRepositoryRefusal(
    deps,
    entityRef,
    repositoryUrl,
    defaultBranch,
  );
  if (refusal)
    throw new ConsumerFailed({
      kind: 'repository-not-registered',
      message: refusal,
    });
}

/** Why `assertRegisteredRepository` would refuse, or undefined. */
export async function registeredRepositoryRefusal(
  { catalog, auth, limits }: StepDependencies,
  entityRef: string,
  repositoryUrl: string,
  defaultBranch?: string,
): Promise<string | undefined> {
  if (limits.pullRequestRepositories === 'any') return undefined;
  const [entity] = await catalog.getEntities(
    [entityRef],
    await auth.getOwnServiceCredentials(),
  );
  return unregisteredRepository(
    entity,
    entityRef,
    repositoryUrl,
    defaultBranch,
  );
}

export interface MigrationContext {
  migration: Migration;
  plan: MigrationPlan;
  target: DatasetTarget;
  mapping: ConsumerMapping;
}

/** One consumer as a step sees it, with its repository read at most once per job. */
export interface StepInput {
  consumer: MigrationConsumer;
  /** The default branch now, or at `commit` (the commit a patch was made from). */
  snapshot(commit?: string): Promise<RepositorySnapshot>;
}

/** A step: from the consumer's state, records the next one and returns it. */
export type Step = (
  deps: StepDependencies,
  context: MigrationContext,
  input: StepInput,
) => Promise<ConsumerState | undefined>;

/** The migration with what its consumers' SQL is read against; none before it is planned. */
export async function loadMigrationContext(
  migrations: MigrationStore,
  migrationId: string,
): Promise<MigrationContext | undefined> {
  const migration = await migrations.getMigrationWithPlan(migrationId);
  if (!migration?.plan) return undefined;
  await loadSqlParser();
  const target = datasetTarget(migration.plan.table, migration.plan.source);
  return {
    migration,
    plan: migration.plan,
    target,
    mapping: consumerMapping(
      migration.plan.source,
      migration.changes,
      migration.plan.targetTable
        ? renamedRelation(target, migration.plan.targetTable)
        : undefined,
    ),
  };
}

export function readerFor(
  { readers }: StepDependencies,
  url: string,
): RepositoryReader {
  const reader = readers.find(r => r.supports(url));
  if (!reader) {
    throw new ConsumerFailed({
      kind: 'repository-unreachable',
      message: `no repository reader handles ${url}`,
    });
  }
  return reader;
}

export function scmFor({ scm }: StepDependencies, url: string): ScmProvider {
  const provider = scm.find(p => p.supports(url));
  if (!provider) {
    throw new ConsumerFailed({
      kind: 'pull-request-failed',
      message: `no source-control provider handles ${url}`,
    });
  }
  return provider;
}

/** The command the consumer's owner named to check a change, if any. */
export async function verifyCommandOf(
  { catalog, auth }: StepDependencies,
  entityRef: string,
): Promise<string | undefined> {
  const entity: Entity | undefined = await catalog.getEntity(
    entityRef,
    await auth.getOwnServiceCredentials(),
  );
  return entity?.metadata.annotations?.[ANNOTATION_VERIFY_COMMAND];
}

/** `path:line[:column]: problem` for each file of a status, for a failure reason. */
export function describeProblems(
  files: FileImpact[],
  status: FileImpact['status'],
): string {
  return files
    .filter(f => f.status === status)
    .map(f => {
      const at = f.problem?.position;
      let where = '';
      if (at)
        where =
          status === 'unparseable' ? `:${at.line}:${at.column}` : `:${at.line}`;
      return `${f.path}${where}: ${f.problem?.message}`;
    })
    .join('; ');
}
