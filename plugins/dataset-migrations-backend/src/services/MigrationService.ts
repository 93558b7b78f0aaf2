import { createHash, randomUUID } from 'node:crypto';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { parseInput } from '../validation/parseInput';
import {
  classifyChanges,
  expandPhaseOf,
  inferChanges,
  MIGRATION_SPEC_API_VERSION,
  targetSchemaSchema,
  createMigrationRequestSchema,
  contractRequestSchema,
  getDeclaredSchemaVersion,
  isLiveMigration,
  isMovedConsumerState,
  rollbackRequestSchema,
  type ConsumerState,
  type ConsumerStateCounts,
  type PersonOverride,
  isActiveMigrationStatus,
  planFieldChanges,
  changeExpression,
  changeKind,
  type DatasetDetails,
  type DatasetSummary,
  type InferredSpec,
  type Migration,
  type MigrationDetails,
  type MigrationPlan,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { Entity } from '@backstage/catalog-model';
import type { MigrationStore, QueueResult } from '../database/MigrationStore';
import type { EngineRegistry } from '../engines/EngineRegistry';
import type { JobQueue } from '../queue/JobQueue';
import {
  createRunContext,
  runOf,
  PINNED_PLAN,
  type PinnedPlan,
} from '../jobs/runContext';
import {
  DatasetCatalog,
  consumersOf,
  currentState,
} from '../catalog/DatasetCatalog';

/**
 * What the service reads of, and does to, the consumer ledger: the rules that tie
 * migrations to their consumers (rollback, a later migration, the dataset's counts).
 */
export interface ConsumerLedgerPort {
  /** Per dataset, consumers per state over its open (live, not contracted) migrations. */
  countOpenByDataset(
    datasetRefs: string[],
  ): Promise<Map<string, ConsumerStateCounts>>;
  /** Consumers whose merged patch reads the migration's new version. */
  listMergedPatches(migrationId: string): Promise<string[]>;
  /** Consumers still moving to the migration's version, with their state. */
  listMoving(
    migrationId: string,
  ): Promise<Array<{ entityRef: string; state: ConsumerState }>>;
  /** Supersedes a rolled-back migration's consumers and closes their pull requests. */
  settleRolledBack(
    migration: Migration,
    override?: PersonOverride,
  ): Promise<void>;
}

/** Names plan previews' objects; a created migration's plan uses its own id. */
const PREVIEW_MIGRATION_ID = '00000000-0000-0000-0000-000000000000';

/** What the router serves; the rules of the product live here, not in the routes. */
export class MigrationService {
  constructor(
    private readonly deps: {
      store: MigrationStore;
      catalog: DatasetCatalog;
      engines: EngineRegistry;
      queue: JobQueue;
      /** The consumer ledger; without it, migrations ignore consumers. */
      consumers?: ConsumerLedgerPort;
      /** How long a previous version is kept after its migration succeeded. */
      retentionMs: number;
    },
  ) {}

  async listDatasets(
    credentials: BackstageCredentials,
  ): Promise<DatasetSummary[]> {
    const entities = await this.deps.catalog.listDatasets(credentials);
    const refs = entities.map(e => stringifyEntityRef(e));
    const [versions, latest] = await Promise.all([
      this.deps.store.getSchemaVersions(refs),
      this.deps.store.latestMigrations(refs),
    ]);
    const counts = await this.consumerCounts(refs);
    return entities.map((entity, i) =>
      this.summarize(
        entity,
        versions.get(refs[i]),
        latest.get(refs[i]),
        counts.get(refs[i]),
      ),
    );
  }

  async getDataset(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<DatasetDetails> {
    const ref = DatasetCatalog.normalizeRef(entityRef);
    const entity = await this.deps.catalog.getDataset(ref, credentials);
    const { location, migratedVersion: version } = await currentState(
      entity,
      this.deps.store,
    );
    const [schema, latest] = await Promise.all([
      this.deps.engines.get(location.engine).introspect(location),
      this.deps.store.latestMigrations([ref]),
    ]);
    const counts = await this.consumerCounts([ref]);
    return {
      ...this.summarize(entity, version, latest.get(ref), counts.get(ref)),
      engine: location.engine,
      table: location.table,
      fields: schema.fields,
      indexes: schema.indexes ?? [],
      rowEstimate: schema.rowEstimate,
    };
  }

  /**
   * A spec that takes the dataset to a desired schema, each change with the evidence
   * it was inferred from, for a person to confirm before planning it.
   */
  async inferSpec(
    body: unknown,
    credentials: BackstageCredentials,
  ): Promise<InferredSpec> {
    const target = parseInput(targetSchemaSchema, body, 'target schema');
    const entityRef = DatasetCatalog.normalizeRef(target.entityRef);
    const entity = await this.deps.catalog.getDataset(entityRef, credentials);
    const { location, migratedVersion } = await currentState(
      entity,
      this.deps.store,
    );
    const engine = this.deps.engines.get(location.engine);
    const schema = await engine.introspect(location);
    const currentVersion = migratedVersion ?? getDeclaredSchemaVersion(entity);
    const inferred = await inferChanges(
      schema.fields,
      target.fields,
      engine.sampleOverlap &&
        ((field, examples) => engine.sampleOverlap!(location, field, examples)),
    );
    return {
      spec: {
        apiVersion: MIGRATION_SPEC_API_VERSION,
        kind: 'MigrationSpec',
        entityRef,
        targetVersion: currentVersion + 1,
        changes: inferred.map(i => i.change),
      },
      evidence: inferred.map(i => i.evidence),
    };
  }

  /** The plan a request would execute: target schema, compatibility, SQL. Changes nothing. */
  async planMigration(
    body: unknown,
    credentials: BackstageCredentials,
  ): Promise<MigrationPlan> {
    const request = await this.parse(body, credentials);
    return this.plan(await this.validate(request), PREVIEW_MIGRATION_ID);
  }

  /**
   * Queues a migration with its plan, or answers with the one an identical request
   * already made. Nothing is written unless the whole request is valid against the
   * live schema.
   */
  async createMigration(
    body: unknown,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<{ migration: Migration; created: boolean }> {
    const request = await this.parse(body, credentials);
    const repeated = await this.deps.store.findByFingerprint(
      request.fingerprint,
    );
    if (repeated) return { migration: repeated, created: false };

    const valid = await this.validate(request);
    if (!request.dryRun) await this.assertConsumersMoved(request.entityRef);
    const id = randomUUID();
    const result = await this.deps.store.createMigration(
      {
        id,
        entityRef: request.entityRef,
        fromVersion: valid.currentVersion,
        targetVersion: request.targetVersion,
        changes: request.changes,
        dryRun: request.dryRun,
        fingerprint: request.fingerprint,
        requestedBy: credentials.principal.userEntityRef,
        plan: await this.plan(valid, id),
      },
      async (tx, migrationId) => {
        await this.deps.queue.enqueueMigration(tx, migrationId);
        // Consumers and their impact are known before the data moves; a dry run has none.
        if (!request.dryRun)
          await this.deps.queue.enqueueConsumerDiscovery(tx, migrationId);
      },
    );
    if (result.queued) return { migration: result.migration, created: true };
    // Lost a race to an identical request, or the dataset is busy with another one.
    const twin = await this.deps.store.findByFingerprint(request.fingerprint);
    if (twin) return { migration: twin, created: false };
    throw this.busy(request.entityRef, result);
  }

  /**
   * A later migration waits while an earlier live one is not contracted and any of
   * its consumers is still moving: they would be left two versions behind.
   */
  private async assertConsumersMoved(entityRef: string): Promise<void> {
    const ledger = this.deps.consumers;
    if (!ledger) return;
    const open = (
      await this.deps.store.listMigrations({ entityRef, limit: 500 })
    ).filter(m => isLiveMigration(m) && !m.contractedAt);
    for (const previous of open) {
      const moving = await ledger.listMoving(previous.id);
      if (moving.length === 0) continue;
      throw new ConflictError(
        `dataset ${entityRef} waits for migration ${previous.id} (to version ${
          previous.targetVersion
        }), which is not contracted: ${moving.length} ${
          moving.length === 1 ? 'consumer is' : 'consumers are'
        } still moving to it: ${moving
          .map(c => `${c.entityRef} (${c.state})`)
          .join(', ')}; start the next migration once they have moved`,
      );
    }
  }

  /** The request, well-formed and about a dataset the caller may see. */
  private async parse(body: unknown, credentials: BackstageCredentials) {
    const request = parseInput(
      createMigrationRequestSchema,
      body,
      'migration request',
    );
    const entityRef = DatasetCatalog.normalizeRef(request.entityRef);
    const fingerprint = createHash('sha256')
      .update(
        JSON.stringify([
          entityRef,
          request.targetVersion,
          request.changes,
          request.dryRun,
          request.renameDataset?.to ?? null,
        ]),
      )
      .digest('hex');
    const entity = await this.deps.catalog.getDataset(entityRef, credentials);
    return { ...request, entityRef, fingerprint, entity };
  }

  /** Checks the request against the dataset's current version and live schema. */
  private async validate(
    request: Awaited<ReturnType<MigrationService['parse']>>,
  ) {
    const { location, migratedVersion } = await currentState(
      request.entity,
      this.deps.store,
    );
    const currentVersion =
      migratedVersion ?? getDeclaredSchemaVersion(request.entity);
    const engine = this.deps.engines.get(location.engine);
    const schema = await engine.introspect(location);
    const { fields, problems } = planFieldChanges(
      schema.fields,
      request.changes,
    );
    if (engine.checkExpression) {
      for (const [index, change] of request.changes.entries()) {
        const expression = changeExpression(change);
        if (!expression) continue;
        const found = await engine.checkExpression(
          expression.sql,
          schema.fields,
        );
        problems.push(
          ...found.map(
            problem =>
              `changes[${index}] (${changeKind(change)}) ${
                expression.key
              }: ${problem}`,
          ),
        );
      }
    }
    const renamedTo =
      request.renameDataset &&
      renamedTable(location.table, request.renameDataset.to);
    if (renamedTo === location.table) {
      problems.push(`renameDataset.to: the dataset is already ${renamedTo}`);
    }
    if (request.targetVersion <= currentVersion) {
      problems.unshift(
        `targetVersion: must be above the current schema version ${currentVersion}`,
      );
    }
    if (problems.length > 0) {
      throw new InputError(`Invalid migration request: ${problems.join('; ')}`);
    }
    return {
      request,
      currentVersion,
      location,
      renamedTo,
      engine,
      source: schema.fields,
      target: fields,
    };
  }

  private async plan(
    valid: Awaited<ReturnType<MigrationService['validate']>>,
    migrationId: string,
  ): Promise<MigrationPlan> {
    const {
      request,
      currentVersion,
      location,
      renamedTo,
      engine,
      source,
      target,
    } = valid;
    const stages = await engine.plan({
      migrationId,
      entityRef: request.entityRef,
      dataset: { table: location.table },
      ...(renamedTo ? { renamedTo: { table: renamedTo } } : {}),
      fromVersion: currentVersion,
      targetVersion: request.targetVersion,
      targetFields: target,
    });
    return {
      entityRef: request.entityRef,
      engine: location.engine,
      table: location.table,
      ...(renamedTo ? { targetTable: renamedTo } : {}),
      fromVersion: currentVersion,
      targetVersion: request.targetVersion,
      source,
      target: target.map(({ source: _from, ...field }) => field),
      compatibility: classifyChanges(source, request.changes),
      ...(renamedTo ? {} : { expand: expandPhaseOf(source, target) }),
      stages,
    };
  }

  async listMigrations(
    entityRef: string | undefined,
    limit: number,
  ): Promise<Migration[]> {
    return this.deps.store.listMigrations({
      entityRef: entityRef && DatasetCatalog.normalizeRef(entityRef),
      limit,
    });
  }

  async getMigration(id: string): Promise<MigrationDetails> {
    const migration = await this.deps.store.getMigration(id);
    if (!migration) throw new NotFoundError(`migration ${id} was not found`);
    return migration;
  }

  /** A migration without its steps and logs, for decisions on its status. */
  private async find(id: string): Promise<Migration> {
    const migration = await this.deps.store.getMigrationWithPlan(id);
    if (!migration) throw new NotFoundError(`migration ${id} was not found`);
    return migration;
  }

  async cancelMigration(id: string): Promise<Migration> {
    const migration = await this.deps.store.requestCancel(id);
    if (!migration) throw new NotFoundError(`migration ${id} was not found`);
    if (
      !isActiveMigrationStatus(migration.status) &&
      migration.status !== 'cancelled'
    ) {
      throw new ConflictError(
        `migration ${id} has already ${migration.status}`,
      );
    }
    return migration;
  }

  async retryMigration(id: string): Promise<Migration> {
    const existing = await this.find(id);
    if (existing.status !== 'failed' && existing.status !== 'cancelled') {
      throw new ConflictError(
        `migration ${id} is ${existing.status}; only failed or cancelled migrations can be retried`,
      );
    }
    const result = await this.deps.store.requeueMigration(
      id,
      (tx, migrationId) => this.deps.queue.enqueueMigration(tx, migrationId),
    );
    if (result.queued) return result.migration;
    throw this.busy(existing.entityRef, result);
  }

  /**
   * Puts the dataset's readers back on the previous version, losing no write made
   * since the cut-over. Only the dataset's latest migration, before it is contracted.
   */
  async rollbackMigration(
    id: string,
    credentials: BackstageCredentials,
    body: unknown = {},
  ): Promise<Migration> {
    const { override: asked } = parseInput(
      rollbackRequestSchema,
      body ?? {},
      'rollback request',
    );
    const migration = await this.currentMigration(id, 'rolled back');
    // Consumers that merged their patch read the new field names: going back breaks them.
    const merged = (await this.deps.consumers?.listMergedPatches(id)) ?? [];
    if (merged.length > 0 && !asked) {
      throw new ConflictError(
        `rollback refused: ${merged.length} ${
          merged.length === 1 ? 'consumer has' : 'consumers have'
        } merged a patch that reads version ${
          migration.targetVersion
        } and would break on version ${migration.fromVersion}: ${merged.join(
          ', ',
        )}; to roll back anyway, send an override with the reason`,
      );
    }
    const override: PersonOverride | undefined = asked && {
      reason: asked.reason,
      by: principalRef(credentials),
      at: new Date().toISOString(),
    };
    await this.operate(migration, 'rollback');
    if (!(await this.deps.store.markRolledBack(id, override))) {
      throw new ConflictError(
        `migration ${id} changed while it was rolled back`,
      );
    }
    // Readers are back; the consumers' work for this version is over.
    await this.deps.consumers?.settleRolledBack(migration, override);
    await this.deps.catalog
      .refresh(migration.entityRef, credentials)
      .catch(() => {});
    return this.getMigration(id);
  }

  /**
   * The breaking moment: the name becomes exactly the new version and the previous
   * one is dropped for good. Waits for the retention period, and for every consumer
   * to have moved, unless a person overrides with a reason (kept with the run).
   */
  async contractMigration(
    id: string,
    body: unknown,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<Migration> {
    const request = parseInput(
      contractRequestSchema,
      body ?? {},
      'contract request',
    );
    const migration = await this.liveMigration(id, 'contracted');
    const keptUntil = Date.parse(migration.finishedAt!) + this.deps.retentionMs;
    if (Date.now() < keptUntil) {
      throw new ConflictError(
        `version ${migration.fromVersion} is kept until ${new Date(
          keptUntil,
        ).toISOString()}; contract it after that`,
      );
    }
    const blockers = (await this.deps.consumers?.listMoving(id)) ?? [];
    const named = blockers.map(b => `${b.entityRef} (${b.state})`);
    if (blockers.length > 0 && !request.override) {
      throw new ConflictError(
        `contract refused: ${blockers.length} consumer${
          blockers.length > 1 ? 's' : ''
        } still read${blockers.length > 1 ? '' : 's'} version ${
          migration.fromVersion
        }: ${named.join(
          ', ',
        )}. Each must be done or unaffected first, or override with a reason`,
      );
    }
    await this.operate(migration, 'contract');
    const override =
      blockers.length > 0 && request.override
        ? {
            reason: request.override.reason,
            by: credentials.principal.userEntityRef,
            at: new Date().toISOString(),
            blockers: named,
          }
        : undefined;
    if (!(await this.deps.store.markContracted(id, override))) {
      throw new ConflictError(
        `migration ${id} changed while it was contracted`,
      );
    }
    return this.getMigration(id);
  }

  /** A succeeded, real migration whose previous version is still there. */
  private async liveMigration(id: string, action: string): Promise<Migration> {
    const migration = await this.find(id);
    if (!isLiveMigration(migration)) {
      throw new ConflictError(
        `migration ${id} is ${
          migration.dryRun ? 'a dry run' : migration.status
        }; it cannot be ${action}`,
      );
    }
    if (migration.contractedAt) {
      throw new ConflictError(
        `migration ${id} was contracted: version ${migration.fromVersion} is gone`,
      );
    }
    return migration;
  }

  /** A succeeded, real migration that produced the dataset's current version. */
  private async currentMigration(
    id: string,
    action: string,
  ): Promise<Migration> {
    const migration = await this.liveMigration(id, action);
    const current = await this.deps.store.getSchemaVersion(migration.entityRef);
    if (current !== migration.targetVersion) {
      throw new ConflictError(
        `the dataset is at version ${current}; only the migration to it can be ${action}`,
      );
    }
    return migration;
  }

  /** Runs an engine operation on a finished migration, recorded as a step of its last attempt. */
  private async operate(
    migration: Migration,
    operation: 'rollback' | 'contract',
  ): Promise<void> {
    const pinned = await this.deps.store.getCheckpoint<PinnedPlan>(
      migration.id,
      PINNED_PLAN,
    );
    if (!pinned)
      throw new ConflictError(
        `migration ${migration.id} has no recorded plan to ${operation}`,
      );
    // The run finished; what happens now is a step of its last attempt.
    const run = runOf({ ...migration, dryRun: false }, pinned, {
      ...createRunContext(this.deps.store, migration.id, migration.attempts),
      throwIfCancelled: async () => {},
    });
    try {
      await this.deps.engines.get(pinned.engine)[operation](run);
    } catch (error) {
      throw new ConflictError(
        `${operation} refused: ${(error as Error).message}`,
      );
    }
  }

  /** What the catalog writes back onto the entity: its migrated version and table. */
  async getMigratedState(
    entityRef: string,
  ): Promise<{ schemaVersion?: number; table?: string }> {
    return (
      (await this.deps.store.getDatasetState(
        DatasetCatalog.normalizeRef(entityRef),
      )) ?? {}
    );
  }

  private busy(entityRef: string, result: QueueResult): ConflictError {
    const active = !result.queued && result.active;
    return new ConflictError(
      active
        ? `dataset ${entityRef} is busy with migration ${active.id} (${active.status}, to version ${active.targetVersion})`
        : `dataset ${entityRef} could not be queued; try again`,
    );
  }

  /** Consumers per state over each dataset's open migrations. */
  private async consumerCounts(
    refs: string[],
  ): Promise<Map<string, ConsumerStateCounts>> {
    return (await this.deps.consumers?.countOpenByDataset(refs)) ?? new Map();
  }

  private summarize(
    entity: Entity,
    migratedVersion: number | undefined,
    lastMigration: DatasetSummary['lastMigration'],
    counts?: ConsumerStateCounts,
  ): DatasetSummary {
    return {
      consumersOnPreviousVersion: counts
        ? Object.entries(counts)
            .filter(([state]) => !isMovedConsumerState(state as ConsumerState))
            .reduce((sum, [, n]) => sum + n, 0)
        : undefined,
      ...(counts ? { consumerCounts: counts } : {}),
      entityRef: stringifyEntityRef(entity),
      title: entity.metadata.title ?? entity.metadata.name,
      owner: entity.spec?.owner as string | undefined,
      schemaVersion: migratedVersion ?? getDeclaredSchemaVersion(entity),
      consumerCount: consumersOf(entity).length,
      lastMigration,
    };
  }
}

/** Who made a request: the user's entity ref, else the principal's kind. */
function principalRef(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  return (
    principal.userEntityRef ?? principal.subject ?? principal.type ?? 'unknown'
  );
}

/** A new name in the dataset's own schema, unless it names one (`schema.name`). */
function renamedTable(current: string, to: string): string {
  const schema = current.includes('.') ? current.split('.')[0] : undefined;
  return to.includes('.') || !schema ? to : `${schema}.${to}`;
}
