import { ConflictError } from '@backstage/errors';
import { namedFew } from '../validation/namedFew';
import type { EngineRegistry } from '../engines/EngineRegistry';
import type { DatasetCatalog } from './DatasetCatalog';

/**
 * Which catalog entities name each table, as the table's engine resolves the
 * names. A table belongs to one dataset entity: permissions, approvals and the
 * one-run-per-dataset hold are all the entity's, so a second entity naming the
 * table would act on it with none of them. A table is the database's, not the
 * engine name's: two engine names that reach one database (`warehouse` and
 * `warehouse-admin`) reach the same tables, and their entities are compared
 * (`EngineRegistry.databaseOf`).
 */
type Registry = Pick<
  EngineRegistry,
  'names' | 'canonicalTable' | 'databaseOf' | 'sameDatabase'
>;

/** A version's table name: its dataset's table, then `_v` and the version. */
const VERSION_SUFFIX = /^(.+)_v\d+$/;

export class TableClaims {
  /**
   * Every entity naming a table on the databases of `engines` (all configured
   * engines unless given), through whichever engine name reaches them, read in
   * one catalog query; a name its engine cannot resolve names no table, and is
   * left out.
   */
  static async read(
    catalog: Pick<DatasetCatalog, 'listTableNames'>,
    registry: Registry,
    engines: string[] = registry.names(),
  ): Promise<TableClaims> {
    const byTable = new Map<string, string[]>();
    for (const { entityRef, engine, table } of await catalog.listTableNames(
      registry.sameDatabase(engines),
    )) {
      let key: string;
      try {
        key = tableKey(
          registry,
          engine,
          registry.canonicalTable(engine, table),
        );
      } catch {
        continue;
      }
      byTable.set(key, [...(byTable.get(key) ?? []), entityRef]);
    }
    return new TableClaims(registry, byTable);
  }

  /**
   * A 409 unless `entityRef` alone names its table: to be asked before anything
   * is read from or done to the table for that entity (its live schema, samples
   * of its values, a plan), which would otherwise reach another team's table
   * through an entity anyone may register.
   */
  static async assertOwnTable(
    catalog: Pick<DatasetCatalog, 'listTableNames'>,
    registry: Registry,
    entityRef: string,
    location: { engine: string; table: string },
  ): Promise<void> {
    const claims = await TableClaims.read(catalog, registry, [location.engine]);
    claims.assertOnlyNamedBy(entityRef, location.engine, location.table);
  }

  private constructor(
    private readonly registry: Registry,
    private readonly byTable: Map<string, string[]>,
  ) {}

  /**
   * A 409 when an entity other than `entityRef` names `table` on `engine`; `role`
   * says what the table is to the request when it is not the dataset's own
   * (`renameDataset.to`).
   */
  assertOnlyNamedBy(
    entityRef: string,
    engine: string,
    table: string,
    role?: string,
  ): void {
    const canonical = this.registry.canonicalTable(engine, table);
    const self = entityRef.toLocaleLowerCase('en-US');
    const namedBy = (name: string) =>
      (this.byTable.get(tableKey(this.registry, engine, name)) ?? [])
        .filter(ref => ref.toLocaleLowerCase('en-US') !== self)
        .sort();
    const others = namedBy(canonical);
    if (others.length > 0)
      throw new ConflictError(
        `${role ? `${role}: ` : ''}table ${canonical} on engine ${engine} is ${
          role ? '' : 'also '
        }named by ${namedFew(
          others,
        )}; a table belongs to one dataset entity: fix the catalog`,
      );
    // A dataset's versions live beside it as `<its table>_v<N>` (an engine's
    // `versionRelation`): they are its too, to read and to make.
    const base = canonical.match(VERSION_SUFFIX)?.[1];
    const owners = base ? namedBy(base) : [];
    if (owners.length > 0)
      throw new ConflictError(
        `${
          role ? `${role}: ` : ''
        }table ${canonical} on engine ${engine} is where versions of ${base} live, which ${namedFew(
          owners,
        )} names; a dataset's versions belong to its entity: fix the catalog`,
      );
  }
}

/** The claim key: the table as its engine spells it, on the database the engine reaches. */
function tableKey(
  registry: Pick<EngineRegistry, 'databaseOf'>,
  engine: string,
  canonical: string,
): string {
  return `${registry.databaseOf(engine)}\n${canonical}`;
}
