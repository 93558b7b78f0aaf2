import { stringifyEntityRef } from '@backstage/catalog-model';
import { TableClaims } from '../catalog/TableClaims';
import type {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  csvTable,
  consumerDecisionRequestSchema,
  acceptsConsumerDecisions,
  decisionRefusal,
  isLiveMigration,
  needsDecision,
  type ConsumerState,
  impactPreviewRequestSchema,
  retryConsumersRequestSchema,
  rewritePreviewRequestSchema,
  consumerMigrationsQuerySchema,
  consumerLedgerQuerySchema,
  type ConsumerContractOutlook,
  type ConsumerDecisionKind,
  type ConsumerDecisionResponse,
  type ConsumerMigrationEntry,
  type ConsumerMigrationsResponse,
  type Migration,
  type CodingAgentResponse,
  type ConsumerLedger,
  type MigrationConsumer,
  type FieldChange,
  type ImpactPreview,
  type RetryConsumersResponse,
  type RetryableConsumersResponse,
  type RewritePreviewResponse,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { MigrationStore } from '../database/MigrationStore';
import type { MigrationVisibility } from '../database/migrationVisibility';
import type { EngineRegistry } from '../engines/EngineRegistry';
import { DatasetCatalog, currentState } from '../catalog/DatasetCatalog';
import { namedFew } from '../validation/namedFew';
import { parseInput } from '../validation/parseInput';
import type { ConsumerStore } from '../database/ConsumerStore';
import type { LedgerPage } from '../database/ConsumerLedgerStore';
import { discoverConsumers } from '../consumers/discovery';
import {
  unregisteredRepository,
  type PullRequestRepositories,
} from '../consumers/repositories/registeredRepository';
import {
  pastWorkerBudget,
  type RewriteWorkers,
} from '../consumers/rewriteWorkers';
import type { RepositoryReader } from '../consumers/repositories/RepositoryReader';
import {
  datasetTarget,
  renamedRelation,
  type DatasetTarget,
} from '../consumers/sql/datasetTarget';
import {
  consumerMapping,
  type ConsumerMapping,
} from '../consumers/sql/fieldMapping';
import { loadSqlParser } from '../sql/sqlParser';
import { mapConcurrently } from '../consumers/mapConcurrently';
import {
  CANNOT_RUN_HERE,
  DIFFERENT_RESULTS,
  SHADOW_CHECK_FAILED,
  withoutFigures,
} from '../consumers/verification/shadowCheck';
import { previousVersionKeptUntil } from './retention';
import { seesNoRows, withoutRows, type SeesRowsOf } from './rowsWithheld';

const HIDDEN =
  '(its error may quote the dataset’s values: shown only to who may start or approve a migration of it)';
const FIGURES_HIDDEN =
  '(its counts, checksums and rows are the dataset’s data: shown only to who may start or approve a migration of it)';

/** Consumers a page of the impact report reads at a time. */
const IMPACT_CSV_PAGE = 500;

/** The state a decision puts its consumer in. */
const STATE_AFTER_DECISION: Record<ConsumerDecisionKind, ConsumerState> = {
  'keep-field': 'kept',
  exclude: 'excluded',
  // The agent takes over once the new version is live, as for unparseable code.
  agent: 'discovered',
};

/** The consumer half of the API: ledgers, impact reports, previews and retries. */
export class ConsumerService {
  constructor(
    private readonly deps: {
      consumers: ConsumerStore;
      migrations: MigrationStore;
      catalog: DatasetCatalog;
      engines: EngineRegistry;
      readers: RepositoryReader[];
      enqueueConsumer(migrationId: string, entityRef: string): Promise<void>;
      /** Whether a coding agent is configured to take over a consumer's code. */
      hasAgent?: boolean;
      /** Queues a migration that waits for decisions once none is missing. */
      resumeIfDecided?(migrationId: string): Promise<void>;
      /** How long a live run keeps its previous version (`contract.retention`). */
      retentionMs: number;
      /** Where previews are rewritten: off the event loop. */
      rewrites: RewriteWorkers;
      /** Whose repositories are read (`consumers.pullRequestRepositories`); default `registered`. */
      pullRequestRepositories?: PullRequestRepositories;
    },
  ) {}

  /** Whether a consumer can be handed to a coding agent here. */
  codingAgent(): CodingAgentResponse {
    return { configured: this.deps.hasAgent === true };
  }

  /**
   * The migration's consumers as the caller may see them: those whose catalog
   * entity the caller cannot read come without patch, files or evidence. With a
   * `query` of `limit` (and `offset`), a page of them.
   */
  async ledger(
    migrationId: string,
    credentials: BackstageCredentials,
    query: unknown = {},
    seesRowsOf: SeesRowsOf = seesNoRows,
  ): Promise<ConsumerLedger> {
    const { state, ...page } = parseInput(
      consumerLedgerQuerySchema,
      query,
      'query',
    );
    return this.readablePage(
      migrationId,
      credentials,
      {
        ...page,
        ...(state ? { states: state } : {}),
      },
      seesRowsOf,
    );
  }

  /** A page of the ledger, each consumer as the caller may see it (see `ledger`). */
  private async readablePage(
    migrationId: string,
    credentials: BackstageCredentials,
    page: LedgerPage,
    seesRowsOf: SeesRowsOf,
  ): Promise<ConsumerLedger> {
    const migration = await this.requireMigration(migrationId);
    const ledger = await this.deps.consumers.ledger(migrationId, page);
    // One batch read with the caller's credentials: the catalog applies its own policy.
    const [dataset, ...readable] = await this.deps.catalog.getEntities(
      [migration.entityRef, ...ledger.consumers.map(c => c.entityRef)],
      credentials,
    );
    const seesRows =
      Boolean(dataset) &&
      (await seesRowsOf([migration.entityRef])).has(migration.entityRef);
    return {
      ...ledger,
      consumers: ledger.consumers.map((consumer, i) => {
        if (!readable[i]) return redacted(consumer);
        // Rows a shadow check found on one side only are the dataset's data.
        return seesRows ? consumer : withoutRowSamples(consumer);
      }),
    };
  }

  /**
   * A consumer owner's view: the entity's rows in the ledgers of the runs the
   * caller may read, newest first, each with what contract waits for. A 404
   * unless the caller may read the entity in the catalog, as ledgers hide it.
   */
  async ofEntity(
    query: unknown,
    credentials: BackstageCredentials,
    visibility: MigrationVisibility,
    seesRowsOf: SeesRowsOf = seesNoRows,
  ): Promise<ConsumerMigrationsResponse> {
    const { limit, offset, ...request } = parseInput(
      consumerMigrationsQuerySchema,
      query,
      'query',
    );
    const entityRef = DatasetCatalog.normalizeRef(request.entityRef);
    if (!(await this.deps.catalog.getEntity(entityRef, credentials)))
      throw new NotFoundError(
        `entity ${entityRef} was not found in the catalog`,
      );
    const { entries, more } = await this.deps.consumers.listByEntity(
      entityRef,
      { limit, offset, visibility },
    );
    // Rows a shadow check found on one side only are the dataset's data.
    const datasets = await this.deps.catalog.getEntities(
      entries.map(e => e.migration.entityRef),
      credentials,
    );
    const seen = await seesRowsOf([
      ...new Set(entries.map(e => e.migration.entityRef)),
    ]);
    const moving = await this.deps.consumers.countMoving(
      entries.map(e => e.migration.id),
    );
    const items = entries.map(
      ({ migration, consumer }, i): ConsumerMigrationEntry => ({
        // Why a run failed may quote its dataset's rows: the run says, to who may see them.
        migration: withoutRows(migration),
        consumer:
          datasets[i] && seen.has(migration.entityRef)
            ? consumer
            : withoutRowSamples(consumer),
        contract: this.contractOutlook(migration, moving.get(migration.id)),
      }),
    );
    return { items, ...(more ? { nextOffset: offset + limit } : {}) };
  }

  /** When the run's previous version may go, by the rules `contractMigration` applies. */
  private contractOutlook(
    migration: Migration,
    moving = 0,
  ): ConsumerContractOutlook {
    const live = isLiveMigration(migration) && !migration.contractedAt;
    return {
      ...(live && migration.finishedAt
        ? {
            previousVersionKeptUntil: new Date(
              previousVersionKeptUntil(migration, this.deps.retentionMs),
            ).toISOString(),
          }
        : {}),
      consumersStillMoving: live ? moving : 0,
    };
  }

  /**
   * The impact report as CSV, one row per consumer file, with owners: the
   * header, then one chunk per page of the ledger, so a large ledger is never
   * held (or checked against the catalog) at once. Each page starts past the
   * last consumer of the one before, so consumers added or removed meanwhile
   * cannot make another appear twice or not at all.
   */
  async *impactCsv(
    migrationId: string,
    credentials: BackstageCredentials,
    pageSize = IMPACT_CSV_PAGE,
  ): AsyncGenerator<string> {
    let after: LedgerPage['after'];
    for (;;) {
      const page = await this.readablePage(
        migrationId,
        credentials,
        {
          limit: pageSize,
          offset: 0,
          ...(after ? { after } : {}),
        },
        // The report has no shadow check's rows.
        seesNoRows,
      );
      yield impactCsvRows(page.consumers, !after);
      const last = page.consumers.at(-1);
      if (page.nextOffset === undefined || !last) return;
      after = { depth: last.depth, entityRef: last.entityRef };
    }
  }

  /**
   * Sends failed consumers (all, or the ones named) through the pipeline again,
   * once the caller may update every one of them; with `allowedOnly`, those the
   * caller may update (`mayUpdate`), naming the others.
   */
  async retry(
    migrationId: string,
    body: unknown,
    authorize: AuthorizeConsumers,
    mayUpdate: MayUpdateConsumers,
  ): Promise<RetryConsumersResponse> {
    const request = parseInput(
      retryConsumersRequestSchema,
      body,
      'retry request',
    );
    const migration = await this.requireMigration(migrationId);
    const ended = whyConsumersWait(migration);
    if (ended) throw new ConflictError(ended);
    if (request.entityRefs) {
      const known = await this.deps.consumers.existing(
        migrationId,
        request.entityRefs,
      );
      const unknown = request.entityRefs.filter(ref => !known.has(ref));
      if (unknown.length > 0)
        throw new InputError(
          `entityRefs: ${namedFew(unknown)} ${
            unknown.length > 1 ? 'are not consumers' : 'is not a consumer'
          } of migration ${migrationId}`,
        );
    }
    // Exactly the consumers checked are reset: one that fails meanwhile waits for the next retry.
    const candidates =
      request.entityRefs ?? (await this.deps.consumers.retryable(migrationId));
    let targets = candidates;
    let notAllowed: string[] | undefined;
    if (request.allowedOnly) {
      const allowed = await mayUpdate(candidates);
      targets = candidates.filter(ref => allowed.has(ref));
      notAllowed = candidates.filter(ref => !allowed.has(ref));
    } else {
      await authorize(targets);
    }
    const retried =
      targets.length > 0
        ? await this.deps.consumers.resetForRetry(migrationId, targets)
        : [];
    for (const ref of retried)
      await this.deps.enqueueConsumer(migrationId, ref);
    return { retried, ...(notAllowed ? { notAllowed } : {}) };
  }

  /**
   * The consumers a retry of all would send again, split by `mayUpdate` (the
   * caller's permission), changing nothing.
   */
  async retryable(
    migrationId: string,
    mayUpdate: MayUpdateConsumers,
  ): Promise<RetryableConsumersResponse> {
    const migration = await this.requireMigration(migrationId);
    // What the retry would refuse is not offered.
    const refs = whyConsumersWait(migration)
      ? []
      : await this.deps.consumers.retryable(migrationId);
    const allowed = await mayUpdate(refs);
    return {
      allowed: refs.filter(ref => allowed.has(ref)),
      notAllowed: refs.filter(ref => !allowed.has(ref)),
    };
  }

  /**
   * Records what happens to a consumer that reads a field the migration drops or
   * recomputes; the last decision a waiting migration needed queues it again.
   */
  async decide(
    migrationId: string,
    body: unknown,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    authorize: AuthorizeConsumers,
    seesRowsOf: SeesRowsOf = seesNoRows,
  ): Promise<ConsumerDecisionResponse> {
    const request = parseInput(consumerDecisionRequestSchema, body, 'decision');
    const migration = await this.deps.migrations.getMigrationWithPlan(
      migrationId,
    );
    if (!migration)
      throw new NotFoundError(`migration ${migrationId} was not found`);
    const { entityRef } = request;
    const consumer = await this.deps.consumers.get(migrationId, entityRef);
    if (!consumer)
      throw new NotFoundError(
        `${entityRef} is not a consumer of migration ${migrationId}`,
      );
    await authorize([entityRef]);
    if (!needsDecision(consumer))
      throw new ConflictError(
        `${entityRef} does not need a decision: it is ${consumer.state}${
          consumer.failure ? ` (${consumer.failure.kind})` : ''
        }`,
      );
    if (!acceptsConsumerDecisions(migration))
      throw new ConflictError(
        `migration ${migrationId} is ${
          migration.contractedAt ? 'contracted' : migration.status
        }; decisions are taken while it waits for approval or for them, or its new version is live`,
      );
    if (request.decision === 'agent' && !this.deps.hasAgent)
      throw new ConflictError(
        'no coding agent is configured (datasetMigrations.consumers.agent) to hand this consumer to; keep the field or exclude the consumer',
      );
    // As assessing would refuse it after the cut-over: refused now, before the
    // run moves on counting it decided.
    const refusal = decisionRefusal(request.decision, consumer.impact);
    if (refusal) throw new ConflictError(`${entityRef}: ${refusal}`);
    const state = STATE_AFTER_DECISION[request.decision];
    const decided = await this.deps.consumers.decide(
      migrationId,
      entityRef,
      {
        kind: request.decision,
        ...(request.reason ? { reason: request.reason } : {}),
        decidedBy: credentials.principal.userEntityRef,
      },
      state,
    );
    if (!decided)
      throw new ConflictError(
        `${entityRef} changed while the decision was recorded; look at it again`,
      );
    if (state === 'discovered' && isLiveMigration(migration))
      await this.deps.enqueueConsumer(migrationId, entityRef);
    await this.deps.resumeIfDecided?.(migrationId);
    const now = (await this.deps.consumers.get(migrationId, entityRef))!;
    // As the ledger shows it: a shadow check's rows only to who may see the dataset's.
    const seesRows =
      Boolean(
        await this.deps.catalog.getEntity(migration.entityRef, credentials),
      ) && (await seesRowsOf([migration.entityRef])).has(migration.entityRef);
    return { consumer: seesRows ? now : withoutRowSamples(now) };
  }

  /** `signal` aborts when the request goes away: a preview still queued is dropped. */
  async rewritePreview(
    body: unknown,
    credentials: BackstageCredentials,
    signal?: AbortSignal,
  ): Promise<RewritePreviewResponse> {
    const request = parseInput(
      rewritePreviewRequestSchema,
      body,
      'rewrite preview request',
    );
    const { target, mapping } = await this.mappingFor(
      request.entityRef,
      request.changes,
      credentials,
      request.renameDataset,
    );
    const rewritten = await this.deps.rewrites.rewrite(
      request.files,
      target,
      mapping,
      signal,
    );
    return {
      files: rewritten.map(result => ({
        path: result.path,
        content: result.content,
        status: result.status,
        impact: result.impact,
      })),
    };
  }

  /**
   * Which consumers a mapping would affect, read from their repositories now.
   * Their SQL (a file up to a megabyte each) is parsed on the preview workers,
   * one consumer at a time per request, so a request holds one place in their
   * queue and never the event loop; `signal` aborts when the request goes away.
   */
  async impactPreview(
    body: unknown,
    credentials: BackstageCredentials,
    signal?: AbortSignal,
  ): Promise<ImpactPreview> {
    const request = parseInput(
      impactPreviewRequestSchema,
      body,
      'impact request',
    );
    const entityRef = DatasetCatalog.normalizeRef(request.entityRef);
    const { target, mapping } = await this.mappingFor(
      entityRef,
      request.changes,
      credentials,
      request.renameDataset,
    );
    const found = await discoverConsumers(
      this.deps.catalog,
      entityRef,
      credentials,
      1,
    );
    const preview: ImpactPreview = {
      consumers: found.length,
      byStatus: {
        unaffected: 0,
        affected: 0,
        'needs-decision': 0,
        unparseable: 0,
        'no-repository': 0,
        'repository-not-registered': 0,
        unreachable: 0,
        'behind-previous-version': 0,
        'assessment-stopped': 0,
      },
      affected: [],
    };
    // Consumers that have not moved off an earlier migration read an older version
    // than this change starts from: whatever their code reads, they are not unaffected.
    const holds = await this.deps.consumers.listHolds(
      entityRef,
      found.map(c => c.entityRef),
    );
    // A repository is read only for an entity registered from it, as the
    // consumer steps do.
    const entities =
      this.deps.pullRequestRepositories === 'any'
        ? undefined
        : await this.deps.catalog.getEntities(
            found.map(c => c.entityRef),
            credentials,
          );
    const unregistered = new Set(
      found
        .filter(
          (c, i) =>
            entities &&
            c.repositoryUrl &&
            unregisteredRepository(entities[i], c.entityRef, c.repositoryUrl),
        )
        .map(c => c.entityRef),
    );
    // Repositories are read 8 at a time; what is read waits its turn for a worker.
    let turn: Promise<unknown> = Promise.resolve();
    const assessInTurn = (files: ChangedFile[]) => {
      const assessed = turn.then(() =>
        this.deps.rewrites.assess(files, target, mapping, signal),
      );
      turn = assessed.catch(() => undefined);
      return assessed;
    };
    await mapConcurrently(found, 8, async consumer => {
      const hold = holds.get(consumer.entityRef);
      if (hold) {
        preview.byStatus['behind-previous-version']++;
        preview.affected.push({
          entityRef: consumer.entityRef,
          status: 'behind-previous-version',
          fields: [],
        });
        return;
      }
      if (unregistered.has(consumer.entityRef)) {
        preview.byStatus['repository-not-registered']++;
        return;
      }
      const url = consumer.repositoryUrl;
      const reader = url && this.deps.readers.find(r => r.supports(url));
      if (!url || !reader) {
        preview.byStatus['no-repository']++;
        return;
      }
      let impact;
      try {
        impact = await assessInTurn((await reader.read(url)).files);
      } catch (error) {
        // Its own code past the worker's time or memory: this consumer's, told
        // as such, not the whole preview's.
        if (pastWorkerBudget(error) && !signal?.aborted) {
          preview.byStatus['assessment-stopped']++;
          preview.affected.push({
            entityRef: consumer.entityRef,
            status: 'assessment-stopped',
            fields: [],
          });
          return;
        }
        // Busy workers or a client gone: the request's.
        if (error instanceof ServiceUnavailableError || signal?.aborted)
          throw error;
        preview.byStatus.unreachable++;
        return;
      }
      preview.byStatus[impact.status]++;
      if (impact.status !== 'unaffected')
        preview.affected.push({
          entityRef: consumer.entityRef,
          status: impact.status,
          fields: impact.fields,
        });
    });
    preview.affected.sort((a, b) => a.entityRef.localeCompare(b.entityRef));
    return preview;
  }

  private async mappingFor(
    entityRef: string,
    changes: FieldChange[],
    credentials: BackstageCredentials,
    renameDataset?: { to: string },
  ): Promise<{ target: DatasetTarget; mapping: ConsumerMapping }> {
    const entity = await this.deps.catalog.getDataset(
      DatasetCatalog.normalizeRef(entityRef),
      credentials,
    );
    const { location } = await currentState(entity, this.deps.migrations);
    await TableClaims.assertOwnTable(
      this.deps.catalog,
      this.deps.engines,
      stringifyEntityRef(entity),
      location,
    );
    const schema = await this.deps.engines
      .get(location.engine)
      .introspect(location);
    const target = datasetTarget(location.table, schema.fields);
    const renamedTo =
      renameDataset && renamedRelation(target, renameDataset.to);
    if (renamedTo?.schema === target.schema && renamedTo.table === target.table)
      throw new InputError(
        `renameDataset.to: the dataset is already ${location.table}`,
      );
    const mapping = consumerMapping(schema.fields, changes, renamedTo);
    await loadSqlParser();
    return { target, mapping };
  }

  private async requireMigration(id: string) {
    // Without its plan: a ledger page needs the run's dataset and status only.
    const [migration] = await this.deps.migrations.listMigrations({
      ids: [id],
      limit: 1,
    });
    if (!migration) throw new NotFoundError(`migration ${id} was not found`);
    return migration;
  }
}

/**
 * Throws (403) unless the caller may update every one of these consumers; a
 * service calls it before it changes anything.
 */
export type AuthorizeConsumers = (entityRefs: string[]) => Promise<void>;

/** Of these consumers, those the caller may update (one batch of decisions). */
export type MayUpdateConsumers = (entityRefs: string[]) => Promise<Set<string>>;

/** What anyone who may read the run sees of a consumer whose entity they cannot read. */
function redacted(consumer: MigrationConsumer): MigrationConsumer {
  const { patch, verification, repositoryUrl, pullRequest, ...kept } = consumer;
  return {
    ...kept,
    ...(consumer.failure
      ? {
          failure: {
            kind: consumer.failure.kind,
            message: 'hidden: you may not read this consumer',
          },
        }
      : {}),
    ...(consumer.impact ? { impact: { ...consumer.impact, files: [] } } : {}),
    // Who decided and what stays; why may quote the consumer's code.
    ...(consumer.decision
      ? { decision: { ...consumer.decision, reason: undefined } }
      : {}),
    redacted: true,
  };
}

/**
 * A consumer as who may not see the dataset's rows reads it: its shadow checks
 * without their rows, counts and checksums (a count can be made to equal a
 * value, a one-value result's checksum is an unkeyed hash of it), a mismatch
 * told as a difference only, and no error of a check that failed, which the
 * engine may word with the dataset's values (`invalid input syntax for type
 * integer: "…"`). Its failure's text, kept from before figures were left out
 * of it, likewise.
 */
function withoutRowSamples(consumer: MigrationConsumer): MigrationConsumer {
  const failure = consumer.failure && {
    ...consumer.failure,
    message: withoutFigures(consumer.failure.message),
  };
  if (!consumer.verification)
    return failure ? { ...consumer, failure } : consumer;
  return {
    ...consumer,
    ...(failure ? { failure } : {}),
    verification: {
      ...consumer.verification,
      shadowChecks: consumer.verification.shadowChecks.map(
        ({ differingRows, before, after, ...check }) => {
          if (check.detail?.startsWith(CANNOT_RUN_HERE))
            return {
              ...check,
              detail: `${CANNOT_RUN_HERE} ${HIDDEN}`,
              differingRowsHidden: true,
            };
          if (check.outcome !== 'mismatch' && !before && !after) return check;
          const failed = check.detail?.startsWith(SHADOW_CHECK_FAILED);
          return {
            ...check,
            ...(check.outcome === 'mismatch'
              ? {
                  detail: failed
                    ? `${SHADOW_CHECK_FAILED} ${HIDDEN}`
                    : `${DIFFERENT_RESULTS} ${FIGURES_HIDDEN}`,
                }
              : {}),
            differingRowsHidden: true,
          };
        },
      ),
    },
  };
}

/** The impact report's rows for these consumers, after its header on the first page. */
function impactCsvRows(
  consumers: MigrationConsumer[],
  withHeader: boolean,
): string {
  const rows: string[][] = [];
  if (withHeader)
    rows.push([
      'consumer',
      'owner',
      'depth',
      'state',
      'impact',
      'file',
      'file_status',
      'fields',
      'lines',
      'problem',
      'pull_request',
    ]);
  for (const c of consumers) {
    const base = [
      c.entityRef,
      c.owner ?? '',
      String(c.depth),
      c.state,
      c.impact?.status ?? '',
    ];
    const tail = (problem: string) => [problem, c.pullRequest?.url ?? ''];
    const files = c.impact?.files ?? [];
    if (files.length === 0)
      rows.push([...base, '', '', '', '', ...tail(c.failure?.message ?? '')]);
    for (const f of files)
      rows.push([
        ...base,
        f.path,
        f.status,
        f.fields.join(' '),
        f.lines.join(' '),
        ...tail(f.problem?.message ?? ''),
      ]);
  }
  return rows.length > 0 ? csvTable(rows) : '';
}

/** Why no consumer of this run may be sent on now, if none may. */
function whyConsumersWait(migration: Migration): string | undefined {
  const { id, status } = migration;
  if (status === 'rolled-back')
    return `migration ${id} was rolled back: its consumers are superseded and need nothing more`;
  // Sent on, a consumer would be patched for a version that will not exist.
  if (status === 'cancelled' || status === 'failed')
    return `migration ${id} ${
      status === 'cancelled' ? 'was cancelled' : 'failed'
    }: its consumers need nothing more unless the migration is retried, which assesses them again`;
  return undefined;
}
