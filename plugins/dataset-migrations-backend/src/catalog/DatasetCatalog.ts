import type {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import {
  parseEntityRef,
  stringifyEntityRef,
  RELATION_DEPENDENCY_OF,
  RELATION_OWNED_BY,
  type Entity,
} from '@backstage/catalog-model';
import {
  InputError,
  NotFoundError,
  type ResponseError,
} from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_ENGINE,
  ANNOTATION_TABLE,
  declaredSchemaVersionProblem,
  getDeclaredSchemaVersion,
  isDatasetEntity,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { DatasetLocation } from '@dataset-migrations/plugin-dataset-migrations-node';
import type { MigrationStore } from '../database/MigrationStore';

/** The catalog's view of datasets: which entities they are, where they live, who reads them. */
export class DatasetCatalog {
  constructor(
    private readonly catalog: CatalogService,
    /** The plugin's own credentials, for reads that must see every entity. */
    private readonly auth: Pick<AuthService, 'getOwnServiceCredentials'>,
  ) {}

  /** Normalises a user-supplied ref, e.g. `resource:listening-events` → `resource:default/listening-events`. */
  static normalizeRef(entityRef: string): string {
    try {
      return stringifyEntityRef(parseEntityRef(entityRef));
    } catch (error) {
      throw new InputError(`entityRef: ${(error as Error).message}`);
    }
  }

  /**
   * The entity's owner as a full ref: its first `ownedBy` relation, else
   * `spec.owner` read as a group by default, as the catalog does.
   */
  static ownerOf(entity: Entity): string | undefined {
    const relation = entity.relations?.find(r => r.type === RELATION_OWNED_BY);
    if (relation) return relation.targetRef;
    const owner = entity.spec?.owner;
    if (typeof owner !== 'string' || owner === '') return undefined;
    try {
      return stringifyEntityRef(
        parseEntityRef(owner, {
          defaultKind: 'group',
          defaultNamespace: entity.metadata.namespace ?? 'default',
        }),
      );
    } catch {
      return undefined;
    }
  }

  async getDataset(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    const entity = await this.getEntity(entityRef, credentials);
    if (!entity)
      throw new NotFoundError(
        `entity ${entityRef} was not found in the catalog`,
      );
    return DatasetCatalog.asDataset(entity, entityRef);
  }

  /** The entity, if it is a dataset; a 400 naming it otherwise. */
  static asDataset(
    entity: Entity,
    entityRef = stringifyEntityRef(entity),
  ): Entity {
    if (!isDatasetEntity(entity)) {
      throw new InputError(
        `entity ${entityRef} is not a dataset (expected kind Resource with spec.type dataset)`,
      );
    }
    return entity;
  }

  /**
   * The entity, or undefined when the catalog lacks it. A ref the catalog's
   * validators refuse (an emoji in a name, where this plugin's checks allow any
   * text) is a 400 naming it, not the catalog client's bare `Request failed
   * with 400 Bad Request`.
   */
  async getEntity(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<Entity | undefined> {
    try {
      return await this.catalog.getEntityByRef(entityRef, { credentials });
    } catch (error) {
      // By name: another copy of @backstage/errors makes another class.
      const refused = error as ResponseError;
      if (refused?.name === 'ResponseError' && refused.response?.status === 400)
        throw new InputError(
          `entity ${entityRef} is not a ref the catalog accepts: ${
            refused.body?.error?.message ?? refused.message
          }`,
        );
      throw error;
    }
  }

  /** Entities by ref, in the same order; undefined for refs the catalog lacks. */
  async getEntities(
    entityRefs: string[],
    credentials: BackstageCredentials,
  ): Promise<Array<Entity | undefined>> {
    const found: Array<Entity | undefined> = [];
    for (let i = 0; i < entityRefs.length; i += 500) {
      const { items } = await this.catalog.getEntitiesByRefs(
        { entityRefs: entityRefs.slice(i, i + 500) },
        { credentials },
      );
      found.push(...items.map(item => item ?? undefined));
    }
    return found;
  }

  async listDatasets(credentials: BackstageCredentials): Promise<Entity[]> {
    const { items } = await this.catalog.getEntities(
      { filter: { kind: 'Resource', 'spec.type': 'dataset' } },
      { credentials },
    );
    return items;
  }

  /**
   * Datasets a campaign selects, as the caller may see them: Resources of one of
   * `types`, owned by one of `owners` (refs as `ownerOf` gives them), carrying every
   * one of `tags`. The catalog narrows the query; each filter is checked here again
   * exactly, since the catalog matches any tag of a list and an owner by one spelling.
   */
  async queryDatasets(
    selection: { types: string[]; owners?: string[]; tags?: string[] },
    credentials: BackstageCredentials,
  ): Promise<Entity[]> {
    const { types, owners, tags } = selection;
    const base: Record<string, string[]> = {
      kind: ['resource'],
      'spec.type': types,
      ...(tags?.length ? { 'metadata.tags': tags } : {}),
    };
    // A query's filter goes in its URL: owners are asked a few at a time.
    const filters = owners?.length
      ? ownerBatches(owners).map(batch => [
          { ...base, 'relations.ownedBy': batch },
          { ...base, 'spec.owner': batch.flatMap(ownerSpellings) },
        ])
      : [base];
    const byRef = new Map<string, Entity>();
    for (const filter of filters) {
      const { items: found } = await this.catalog.getEntities(
        { filter },
        { credentials },
      );
      for (const entity of found) byRef.set(stringifyEntityRef(entity), entity);
    }
    const items = [...byRef.values()];
    const wantedOwners = owners && new Set(owners.map(o => o.toLowerCase()));
    const wantedTypes = new Set(types);
    return items.filter(entity => {
      if (entity.kind.toLocaleLowerCase('en-US') !== 'resource') return false;
      if (!wantedTypes.has(entity.spec?.type as string)) return false;
      const carried = entity.metadata.tags ?? [];
      if (tags && !tags.every(tag => carried.includes(tag))) return false;
      if (wantedOwners) {
        const owner = DatasetCatalog.ownerOf(entity)?.toLowerCase();
        if (!owner || !wantedOwners.has(owner)) return false;
      }
      return true;
    });
  }

  /**
   * Every entity whose annotations name a table on one of `engines`: its ref,
   * engine and table as written. Read with the plugin's own credentials, since an
   * entity the caller cannot see names its table all the same; one query, of the
   * two annotations only.
   */
  async listTableNames(
    engines: string[],
  ): Promise<Array<{ entityRef: string; engine: string; table: string }>> {
    if (engines.length === 0) return [];
    const annotation = (key: string) => `metadata.annotations.${key}`;
    const { items } = await this.catalog.getEntities(
      {
        filter: { [annotation(ANNOTATION_ENGINE)]: engines },
        fields: [
          'kind',
          'metadata.namespace',
          'metadata.name',
          annotation(ANNOTATION_ENGINE),
          annotation(ANNOTATION_TABLE),
        ],
      },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    return items.flatMap(entity => {
      const annotations = entity.metadata.annotations ?? {};
      const engine = annotations[ANNOTATION_ENGINE];
      const table = annotations[ANNOTATION_TABLE];
      // The catalog matches values whatever their case; engine names are exact.
      if (!table || !engines.includes(engine)) return [];
      return [{ entityRef: stringifyEntityRef(entity), engine, table }];
    });
  }

  async refresh(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<void> {
    await this.catalog.refreshEntity(entityRef, { credentials });
  }
}

function locationOf(entity: Entity): DatasetLocation & { engine: string } {
  const annotations = entity.metadata.annotations ?? {};
  const engine = annotations[ANNOTATION_ENGINE];
  const table = annotations[ANNOTATION_TABLE];
  const missing = [
    !engine && ANNOTATION_ENGINE,
    !table && ANNOTATION_TABLE,
  ].filter(Boolean);
  if (missing.length > 0) {
    throw new InputError(
      `dataset ${stringifyEntityRef(entity)} lacks the annotation${
        missing.length > 1 ? 's' : ''
      } ${missing.join(', ')}`,
    );
  }
  return { engine: engine!, table: table! };
}

/**
 * Where the dataset is read now and the version its migrations left it at: the
 * catalog's annotations show both only after its next processing round. A
 * dataset no migration has moved, declaring a version that is no whole number
 * (`"v3"`), is refused (400) rather than taken for version 1.
 */
export async function currentState(
  entity: Entity,
  store: Pick<MigrationStore, 'getDatasetState'>,
): Promise<{
  location: DatasetLocation & { engine: string };
  migratedVersion?: number;
  /** The schema version it is on: as migrated, else as the entity declares. */
  version: number;
}> {
  const location = locationOf(entity);
  const state = await store.getDatasetState(stringifyEntityRef(entity));
  const problem =
    state?.schemaVersion === undefined && declaredSchemaVersionProblem(entity);
  if (problem)
    throw new InputError(`dataset ${stringifyEntityRef(entity)} ${problem}`);
  return {
    location: state?.table ? { ...location, table: state.table } : location,
    migratedVersion: state?.schemaVersion,
    version: state?.schemaVersion ?? getDeclaredSchemaVersion(entity),
  };
}

/**
 * Characters of owner refs, with their spellings, one catalog query names at
 * most: its URL then stays well under the 16 kB of headers a Node server reads
 * (100 owners of the longest refs, at once, were answered 431).
 */
const OWNER_CHARS_PER_QUERY = 3000;

/** `owners` in batches that each fit one catalog query. */
function ownerBatches(owners: string[]): string[][] {
  const batches: string[][] = [];
  let batch: string[] = [];
  let chars = 0;
  for (const owner of owners) {
    const size = [owner, ...ownerSpellings(owner)].join('').length;
    if (batch.length > 0 && chars + size > OWNER_CHARS_PER_QUERY) {
      batches.push(batch);
      batch = [];
      chars = 0;
    }
    batch.push(owner);
    chars += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/** How `spec.owner` may name an owner (`group:default/data`, `group:data`, `data`, …). */
function ownerSpellings(ownerRef: string): string[] {
  const { kind, namespace, name } = parseEntityRef(ownerRef);
  const spellings = [`${kind}:${namespace}/${name}`];
  if (namespace === 'default') spellings.push(`${kind}:${name}`);
  if (kind.toLowerCase() === 'group') {
    spellings.push(`${namespace}/${name}`);
    if (namespace === 'default') spellings.push(name);
  }
  return spellings;
}

/** Components and datasets that declare `dependsOn` this dataset. */
export function consumersOf(entity: Entity): string[] {
  return (entity.relations ?? [])
    .filter(r => r.type === RELATION_DEPENDENCY_OF)
    .map(r => r.targetRef);
}
