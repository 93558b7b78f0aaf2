import { createHash } from 'node:crypto';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  changeExpression,
  changeKind,
  classifyChanges,
  createMigrationRequestSchema,
  expandPhaseOf,
  getDeclaredSchemaVersion,
  planFieldChanges,
  type MigrationPlan,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { parseInput } from '../validation/parseInput';
import type { MigrationStore } from '../database/MigrationStore';
import type { EngineRegistry } from '../engines/EngineRegistry';
import { DatasetCatalog, currentState } from '../catalog/DatasetCatalog';

/** A migration request, well-formed and about a dataset the caller may see. */
export type ParsedRequest = Awaited<ReturnType<MigrationPlanner['parse']>>;
/** A request checked against the dataset's current version and live schema. */
export type ValidRequest = Awaited<ReturnType<MigrationPlanner['validate']>>;

/**
 * Turns a migration request into the plan it would execute: shared by the preview,
 * which changes nothing, and the command that queues the migration with its plan.
 */
export class MigrationPlanner {
  constructor(
    private readonly deps: {
      store: Pick<MigrationStore, 'getDatasetState'>;
      catalog: DatasetCatalog;
      engines: EngineRegistry;
    },
  ) {}

  /** The request, well-formed and about a dataset the caller may see. */
  async parse(body: unknown, credentials: BackstageCredentials) {
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
  async validate(request: ParsedRequest) {
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

  async plan(valid: ValidRequest, migrationId: string): Promise<MigrationPlan> {
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
}

/** A new name in the dataset's own schema, unless it names one (`schema.name`). */
function renamedTable(current: string, to: string): string {
  const schema = current.includes('.') ? current.split('.')[0] : undefined;
  return to.includes('.') || !schema ? to : `${schema}.${to}`;
}
