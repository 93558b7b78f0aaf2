import { TableClaims } from '../catalog/TableClaims';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type {
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  getDeclaredSchemaVersion,
  inferChanges,
  isLiveMigration,
  isMovedConsumerState,
  MIGRATION_SPEC_API_VERSION,
  targetSchemaSchema,
  type ConsumerState,
  type DatasetDetails,
  type DatasetSummary,
  type InferredSpec,
  type Migration,
  type MigrationDetails,
  type MigrationPlan,
  type UndiscoveredReads,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { namedFew } from '../validation/namedFew';
import { parseInput } from '../validation/parseInput';
import type { MigrationStore } from '../database/MigrationStore';
import type { OpenConsumerCounts } from '../database/ConsumerProgressStore';
import type { MigrationVisibility } from '../database/migrationVisibility';
import {
  PREVIOUS_SHAPE_READS,
  type PreviousShapeReadsRecord,
} from '../database/previousShapeReadsRecord';
import type { EngineRegistry } from '../engines/EngineRegistry';
import {
  DatasetCatalog,
  consumersOf,
  currentState,
} from '../catalog/DatasetCatalog';
import type { ConsumerLedgerPort } from './ConsumerLedgerPort';
import { previousVersionKeptUntil } from './retention';
import {
  seesNoRows,
  withoutRows,
  type SeesRows,
  type SeesRowsOf,
} from './rowsWithheld';
import {
  PREVIEW_MIGRATION_ID,
  type MigrationPlanner,
} from './MigrationPlanner';

/** What the router reads: datasets, migrations and previews. Changes nothing. */
export class MigrationQueries {
  constructor(
    private readonly deps: {
      store: MigrationStore;
      catalog: DatasetCatalog;
      engines: EngineRegistry;
      planner: MigrationPlanner;
      /** The consumer ledger; without it, datasets show no consumer counts. */
      consumers?: ConsumerLedgerPort;
      /** How long a previous version is kept after its migration succeeded. */
      retentionMs: number;
    },
  ) {}

  /** The datasets the caller may see, each with its newest run the caller may read. */
  async listDatasets(
    credentials: BackstageCredentials,
    visibility: MigrationVisibility,
  ): Promise<DatasetSummary[]> {
    const entities = await this.deps.catalog.listDatasets(credentials);
    const refs = entities.map(e => stringifyEntityRef(e));
    const [versions, latest] = await Promise.all([
      this.deps.store.getSchemaVersions(refs),
      this.deps.store.latestMigrations(refs, visibility),
    ]);
    const counts = await this.consumerCounts(refs);
    return entities.map((entity, i) =>
      summarize(
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
    visibility: MigrationVisibility,
  ): Promise<DatasetDetails> {
    const ref = DatasetCatalog.normalizeRef(entityRef);
    const entity = await this.deps.catalog.getDataset(ref, credentials);
    const { location, migratedVersion: version } = await currentState(
      entity,
      this.deps.store,
    );
    await TableClaims.assertOwnTable(
      this.deps.catalog,
      this.deps.engines,
      ref,
      location,
    );
    const [schema, latest] = await Promise.all([
      this.deps.engines.get(location.engine).introspect(location),
      this.deps.store.latestMigrations([ref], visibility),
    ]);
    const counts = await this.consumerCounts([ref]);
    const last = latest.get(ref);
    // The summary does not say whether it was contracted; the run does.
    const lastRun =
      last?.status === 'succeeded'
        ? await this.deps.store.getMigrationWithPlan(last.id)
        : undefined;
    const undiscoveredReads =
      lastRun && (await this.undiscoveredReads(lastRun));
    return {
      ...summarize(entity, version, last, counts.get(ref)),
      ...(undiscoveredReads ? { undiscoveredReads } : {}),
      engine: location.engine,
      table: location.table,
      fields: schema.fields,
      indexes: schema.indexes ?? [],
      rowEstimate: schema.rowEstimate,
    };
  }

  /**
   * A spec that takes the dataset to a desired schema, each change with the evidence
   * it was inferred from, for a person to confirm before planning it. Examples
   * are looked for among the dataset's values, so only for a caller `seesRows`
   * lets see them: the answer says whether a value occurs.
   */
  async inferSpec(
    body: unknown,
    credentials: BackstageCredentials,
    seesRows?: SeesRows,
  ): Promise<InferredSpec> {
    const target = parseInput(targetSchemaSchema, body, 'target schema');
    const entityRef = DatasetCatalog.normalizeRef(target.entityRef);
    const entity = await this.deps.catalog.getDataset(entityRef, credentials);
    const withExamples = target.fields.filter(f => f.examples?.length);
    if (withExamples.length > 0 && !(seesRows && (await seesRows(entityRef))))
      throw new NotAllowedError(
        `examples (given for ${namedFew(
          withExamples.map(f => `"${f.name}"`),
        )}) are looked for among the dataset's rows, which are shown only to who may start or approve a migration of it (dataset-migrations.migration.start or .approve); infer without them and write renames into the spec yourself`,
      );
    const { location, migratedVersion } = await currentState(
      entity,
      this.deps.store,
    );
    await TableClaims.assertOwnTable(
      this.deps.catalog,
      this.deps.engines,
      entityRef,
      location,
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
    // A migration keeps its key (renamed, perhaps): a target that leaves a key
    // field out, under any name, has no spec a plan would take.
    const key = new Set(
      schema.fields.filter(f => f.primaryKey).map(f => f.name),
    );
    const keyLeftOut = inferred.flatMap(({ change }) =>
      'dropField' in change && key.has(change.dropField.name)
        ? [`"${change.dropField.name}"`]
        : [],
    );
    if (keyLeftOut.length > 0)
      throw new InputError(
        `Invalid target schema: fields: leaves out ${keyLeftOut.join(
          ', ',
        )} of the dataset's primary key, which a migration keeps; list ${
          keyLeftOut.length > 1 ? 'them' : 'it'
        }, under its name or, with examples of its values, a new one`,
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

  /**
   * The plan a request would execute: target schema, compatibility, SQL; and
   * whether the request is a dry run. Changes nothing.
   */
  async planMigration(
    body: unknown,
    credentials: BackstageCredentials,
  ): Promise<{ plan: MigrationPlan; dryRun: boolean }> {
    const { planner } = this.deps;
    const request = await planner.parse(body, credentials);
    const plan = await planner.plan(
      await planner.validate(request),
      PREVIEW_MIGRATION_ID,
    );
    return { plan, dryRun: request.dryRun };
  }

  /**
   * The newest runs the caller may see (`visibility`, applied in SQL), why each
   * failed only where `seesRowsOf` (the datasets whose rows the caller may see)
   * has its dataset.
   */
  async listMigrations(
    entityRef: string | undefined,
    limit: number,
    visibility: MigrationVisibility,
    seesRowsOf: SeesRowsOf = seesNoRows,
  ): Promise<Migration[]> {
    const runs = await this.deps.store.listMigrations({
      entityRef: entityRef && DatasetCatalog.normalizeRef(entityRef),
      limit,
      visibility,
    });
    const failed = runs.filter(r => r.status === 'failed');
    const seen = failed.length
      ? await seesRowsOf([...new Set(failed.map(r => r.entityRef))])
      : new Set<string>();
    return this.withGates(
      runs.map(r =>
        r.status !== 'failed' || seen.has(r.entityRef) ? r : withoutRows(r),
      ),
    );
  }

  /**
   * One run with its steps and logs. Its dry run's sample rows, and why it
   * failed, are the dataset's data: only for a caller who may read the dataset in
   * the catalog and whom `seesRows` lets see its data (none without credentials
   * or `seesRows`).
   */
  async getMigration(
    id: string,
    credentials?: BackstageCredentials,
    seesRows?: SeesRows,
  ): Promise<MigrationDetails> {
    const found = await this.deps.store.getMigration(id);
    if (!found) throw new NotFoundError(`migration ${id} was not found`);
    const migration =
      credentials &&
      seesRows &&
      (await this.deps.catalog.getEntity(found.entityRef, credentials)) &&
      (await seesRows(found.entityRef))
        ? found
        : withoutRows(found);
    const [gated] = await this.withGates([migration]);
    const undiscoveredReads = await this.undiscoveredReads(migration);
    return undiscoveredReads ? { ...gated, undiscoveredReads } : gated;
  }

  /**
   * Each live, uncontracted run with the state its rollback and contract are judged
   * on (MigrationOperations' gates), so the portal can say why before a click.
   */
  private async withGates<T extends Migration>(migrations: T[]): Promise<T[]> {
    const open = migrations.filter(m => isLiveMigration(m) && !m.contractedAt);
    if (open.length === 0) return migrations;
    const versions = await this.deps.store.getSchemaVersions([
      ...new Set(open.map(m => m.entityRef)),
    ]);
    return migrations.map(m =>
      open.includes(m)
        ? {
            ...m,
            gates: {
              keptUntil: new Date(
                previousVersionKeptUntil(m, this.deps.retentionMs),
              ).toISOString(),
              // Every succeeded run records its version; the fallback only types it.
              datasetVersion: versions.get(m.entityRef) ?? m.targetVersion,
            },
          }
        : m,
    );
  }

  /** What the last contract request found of readers nobody discovered, while it matters. */
  private async undiscoveredReads(
    migration: Pick<Migration, 'id' | 'status' | 'contractedAt'>,
  ): Promise<UndiscoveredReads | undefined> {
    if (migration.contractedAt || migration.status !== 'succeeded')
      return undefined;
    const record =
      await this.deps.store.getCheckpoint<PreviousShapeReadsRecord>(
        migration.id,
        PREVIOUS_SHAPE_READS,
      );
    return record?.undiscovered;
  }

  /** A migration without its steps and logs, for decisions on its status. */
  async findMigration(id: string): Promise<Migration> {
    // Without its plan (~10 KB of JSON): a check before an action reads only this.
    const [migration] = await this.deps.store.listMigrations({
      ids: [id],
      limit: 1,
    });
    if (!migration) throw new NotFoundError(`migration ${id} was not found`);
    return migration;
  }

  /**
   * What the catalog writes back onto the entity: its migrated version and table.
   * A user sees it only for an entity the catalog shows them (the table's name is
   * the entity's); a service (the catalog module) for any.
   */
  async getMigratedState(
    entityRef: string,
    credentials: BackstageCredentials<
      BackstageUserPrincipal | BackstageServicePrincipal
    >,
  ): Promise<{ schemaVersion?: number; table?: string }> {
    const ref = DatasetCatalog.normalizeRef(entityRef);
    if (
      credentials.principal.type === 'user' &&
      !(await this.deps.catalog.getEntity(ref, credentials))
    )
      throw new NotFoundError(`entity ${ref} was not found in the catalog`);
    return (await this.deps.store.getDatasetState(ref)) ?? {};
  }

  /** Consumers per state over each dataset's open migrations. */
  private async consumerCounts(
    refs: string[],
  ): Promise<Map<string, OpenConsumerCounts>> {
    return (await this.deps.consumers?.countOpenByDataset(refs)) ?? new Map();
  }
}

function summarize(
  entity: Entity,
  migratedVersion: number | undefined,
  lastMigration: DatasetSummary['lastMigration'],
  open?: OpenConsumerCounts,
): DatasetSummary {
  const counts = open?.counts;
  return {
    consumersOnPreviousVersion: counts
      ? Object.entries(counts)
          .filter(([state]) => !isMovedConsumerState(state as ConsumerState))
          .reduce((sum, [, n]) => sum + n, 0)
      : undefined,
    ...(open
      ? { consumerCounts: open.counts, consumersUndecided: open.undecided }
      : {}),
    entityRef: stringifyEntityRef(entity),
    title: entity.metadata.title ?? entity.metadata.name,
    owner: DatasetCatalog.ownerOf(entity),
    schemaVersion: migratedVersion ?? getDeclaredSchemaVersion(entity),
    consumerCount: consumersOf(entity).length,
    lastMigration,
  };
}
