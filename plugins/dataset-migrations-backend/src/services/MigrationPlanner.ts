import { createHash } from 'node:crypto';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  changeExpression,
  changeKind,
  classifyChanges,
  createMigrationRequestSchema,
  expandPhaseOf,
  planFieldChanges,
  type DatasetField,
  type MigrationPlan,
  type TargetField,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import { parseInput } from '../validation/parseInput';
import type { MigrationStore } from '../database/MigrationStore';
import type { RequestGrounds } from '../database/MigrationRequestStore';
import type { EngineRegistry } from '../engines/EngineRegistry';
import { DatasetCatalog, currentState } from '../catalog/DatasetCatalog';
import { TableClaims } from '../catalog/TableClaims';

/** Names plan previews' objects; a created migration's plan uses its own id. */
export const PREVIEW_MIGRATION_ID = '00000000-0000-0000-0000-000000000000';

/** A migration request, well-formed and about a dataset the caller may see. */
export type ParsedRequest = ReturnType<MigrationPlanner['parseRequest']> & {
  entity: Entity;
};

/** Where a dataset lives, the version it is on, its engine and its live schema. */
export type LiveDataset = Awaited<ReturnType<MigrationPlanner['liveState']>>;

/** A request checked against the dataset's current version and live schema. */
export interface ValidRequest {
  request: ParsedRequest;
  currentVersion: number;
  location: LiveDataset['location'];
  renamedTo?: string;
  engine: DatasetEngine;
  source: DatasetField[];
  target: TargetField[];
}

/**
 * Turns a migration request into the plan it would execute: shared by the preview,
 * which changes nothing, the command that queues the migration with its plan, and
 * the campaign planner, which checks each dataset of a campaign without writing.
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
  async parse(
    body: unknown,
    credentials: BackstageCredentials,
  ): Promise<ParsedRequest> {
    const request = this.parseRequest(body);
    const entity = await this.deps.catalog.getDataset(
      request.entityRef,
      credentials,
    );
    return { ...request, entity };
  }

  /**
   * The request, well-formed, about a dataset entity the caller already read from
   * the catalog with their own credentials (the request must name that entity).
   */
  parseFor(body: unknown, entity: Entity): ParsedRequest {
    const request = this.parseRequest(body);
    if (request.entityRef !== stringifyEntityRef(entity)) {
      throw new Error(
        `the request names ${request.entityRef}, not ${stringifyEntityRef(
          entity,
        )}`,
      );
    }
    return { ...request, entity: DatasetCatalog.asDataset(entity) };
  }

  private parseRequest(body: unknown) {
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
    return { ...request, entityRef, fingerprint };
  }

  /**
   * Where the dataset lives, the version it is on, its engine and its live schema;
   * `grounds`: the dataset's state as the request just read it (see
   * `findRequestGrounds`), not read again.
   */
  async liveState(
    entity: Entity,
    grounds?: Pick<RequestGrounds, 'dataset'>,
    /** Which entities name which tables: read now unless given (a campaign reads them once). */
    tables?: TableClaims,
  ) {
    const { location, version } = await currentState(
      entity,
      grounds
        ? { getDatasetState: async () => grounds.dataset }
        : this.deps.store,
    );
    const claims =
      tables ??
      (await TableClaims.read(this.deps.catalog, this.deps.engines, [
        location.engine,
      ]));
    // Before the engine is asked anything about a table another entity names.
    claims.assertOnlyNamedBy(
      stringifyEntityRef(entity),
      location.engine,
      location.table,
    );
    const engine = this.deps.engines.get(location.engine);
    const schema = await engine.introspect(location);
    return {
      location,
      currentVersion: version,
      engine,
      schema,
      tables: claims,
    };
  }

  /**
   * Checks the request against the dataset's current version and live schema
   * (`grounds`: as for {@link liveState}).
   */
  async validate(
    request: ParsedRequest,
    grounds?: Pick<RequestGrounds, 'dataset'>,
  ): Promise<ValidRequest> {
    const checked = await this.check(
      request,
      grounds && (await this.liveState(request.entity, grounds)),
    );
    if (!checked.valid) {
      throw new InputError(
        `Invalid migration request: ${checked.problems.join('; ')}`,
      );
    }
    return checked.valid;
  }

  /**
   * The request checked against the dataset's current version and live schema
   * (read now unless given): valid, or every problem found, by path. A rename to
   * a table another entity names is a 409, as a dataset's own table is.
   */
  async check(
    request: ParsedRequest,
    live?: LiveDataset,
  ): Promise<
    | { valid: ValidRequest; problems?: never }
    | { valid?: never; problems: string[] }
  > {
    const { location, currentVersion, engine, schema, tables } =
      live ?? (await this.liveState(request.entity));
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
    } else if (renamedTo) {
      tables.assertOnlyNamedBy(
        request.entityRef,
        location.engine,
        renamedTo,
        'renameDataset.to',
      );
    }
    if (request.targetVersion <= currentVersion) {
      problems.unshift(
        `targetVersion: must be above the current schema version ${currentVersion}`,
      );
    }
    if (problems.length > 0) return { problems };
    return {
      valid: {
        request,
        currentVersion,
        location,
        renamedTo,
        engine,
        source: schema.fields,
        target: fields,
      },
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
