import { createHash, randomUUID } from 'node:crypto';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { BackstageCredentials, BackstageUserPrincipal } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  createMigrationRequestSchema,
  describeIssues,
  getDeclaredSchemaVersion,
  isActiveMigrationStatus,
  planFieldChanges,
  type DatasetDetails,
  type DatasetSummary,
  type Migration,
  type MigrationDetails,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { Entity } from '@backstage/catalog-model';
import type { MigrationStore, QueueResult } from '../database/MigrationStore';
import type { EngineRegistry } from '../engines/EngineRegistry';
import type { JobQueue } from '../jobs/JobQueue';
import { DatasetCatalog, consumersOf, locationOf } from './DatasetCatalog';

/** What the router serves; the rules of the product live here, not in the routes. */
export class MigrationService {
  constructor(
    private readonly deps: {
      store: MigrationStore;
      catalog: DatasetCatalog;
      engines: EngineRegistry;
      queue: JobQueue;
    },
  ) {}

  async listDatasets(credentials: BackstageCredentials): Promise<DatasetSummary[]> {
    const entities = await this.deps.catalog.listDatasets(credentials);
    const refs = entities.map(e => stringifyEntityRef(e));
    const [versions, latest] = await Promise.all([
      this.deps.store.getSchemaVersions(refs),
      this.deps.store.latestMigrations(refs),
    ]);
    return entities.map((entity, i) =>
      this.summarize(entity, versions.get(refs[i]), latest.get(refs[i])),
    );
  }

  async getDataset(entityRef: string, credentials: BackstageCredentials): Promise<DatasetDetails> {
    const ref = DatasetCatalog.normalizeRef(entityRef);
    const entity = await this.deps.catalog.getDataset(ref, credentials);
    const location = locationOf(entity);
    const [schema, version, latest] = await Promise.all([
      this.deps.engines.get(location.engine).introspect(location),
      this.deps.store.getSchemaVersion(ref),
      this.deps.store.latestMigrations([ref]),
    ]);
    return {
      ...this.summarize(entity, version, latest.get(ref)),
      engine: location.engine,
      table: location.table,
      fields: schema.fields,
    };
  }

  /**
   * Queues a migration, or answers with the one an identical request already made.
   * Nothing is written unless the whole request is valid against the live schema.
   */
  async createMigration(
    body: unknown,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<{ migration: Migration; created: boolean }> {
    const parsed = createMigrationRequestSchema.safeParse(body);
    if (!parsed.success) {
      throw new InputError(`Invalid migration request: ${describeIssues(parsed.error).join('; ')}`);
    }
    const request = parsed.data;
    const entityRef = DatasetCatalog.normalizeRef(request.entityRef);
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([entityRef, request.targetVersion, request.changes, request.dryRun]))
      .digest('hex');

    const entity = await this.deps.catalog.getDataset(entityRef, credentials);
    const repeated = await this.deps.store.findByFingerprint(fingerprint);
    if (repeated) return { migration: repeated, created: false };

    const currentVersion =
      (await this.deps.store.getSchemaVersion(entityRef)) ?? getDeclaredSchemaVersion(entity);
    const location = locationOf(entity);
    const schema = await this.deps.engines.get(location.engine).introspect(location);
    const problems = planFieldChanges(schema.fields, request.changes).problems;
    if (request.targetVersion <= currentVersion) {
      problems.unshift(
        `targetVersion: must be above the current schema version ${currentVersion}`,
      );
    }
    if (problems.length > 0) {
      throw new InputError(`Invalid migration request: ${problems.join('; ')}`);
    }

    const result = await this.deps.store.createMigration(
      {
        id: randomUUID(),
        entityRef,
        fromVersion: currentVersion,
        targetVersion: request.targetVersion,
        changes: request.changes,
        dryRun: request.dryRun,
        fingerprint,
        requestedBy: credentials.principal.userEntityRef,
      },
      (tx, id) => this.deps.queue.enqueueMigration(tx, id),
    );
    if (result.queued) return { migration: result.migration, created: true };
    // Lost a race to an identical request, or the dataset is busy with another one.
    const twin = await this.deps.store.findByFingerprint(fingerprint);
    if (twin) return { migration: twin, created: false };
    throw this.busy(entityRef, result);
  }

  async listMigrations(entityRef: string | undefined, limit: number): Promise<Migration[]> {
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

  async cancelMigration(id: string): Promise<Migration> {
    const migration = await this.deps.store.requestCancel(id);
    if (!migration) throw new NotFoundError(`migration ${id} was not found`);
    if (!isActiveMigrationStatus(migration.status) && migration.status !== 'cancelled') {
      throw new ConflictError(`migration ${id} has already ${migration.status}`);
    }
    return migration;
  }

  async retryMigration(id: string): Promise<Migration> {
    const existing = await this.getMigration(id);
    if (existing.status !== 'failed' && existing.status !== 'cancelled') {
      throw new ConflictError(
        `migration ${id} is ${existing.status}; only failed or cancelled migrations can be retried`,
      );
    }
    const result = await this.deps.store.requeueMigration(id, (tx, migrationId) =>
      this.deps.queue.enqueueMigration(tx, migrationId),
    );
    if (result.queued) return result.migration;
    throw this.busy(existing.entityRef, result);
  }

  async getSchemaVersion(entityRef: string): Promise<number | undefined> {
    return this.deps.store.getSchemaVersion(DatasetCatalog.normalizeRef(entityRef));
  }

  private busy(entityRef: string, result: QueueResult): ConflictError {
    const active = !result.queued && result.active;
    return new ConflictError(
      active
        ? `dataset ${entityRef} is busy with migration ${active.id} (${active.status}, to version ${active.targetVersion})`
        : `dataset ${entityRef} could not be queued; try again`,
    );
  }

  private summarize(
    entity: Entity,
    migratedVersion: number | undefined,
    lastMigration: DatasetSummary['lastMigration'],
  ): DatasetSummary {
    return {
      entityRef: stringifyEntityRef(entity),
      title: entity.metadata.title ?? entity.metadata.name,
      owner: entity.spec?.owner as string | undefined,
      schemaVersion: migratedVersion ?? getDeclaredSchemaVersion(entity),
      consumerCount: consumersOf(entity).length,
      lastMigration,
    };
  }
}
