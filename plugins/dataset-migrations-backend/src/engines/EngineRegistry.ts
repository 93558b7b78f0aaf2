import type { Config } from '@backstage/config';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type {
  DatasetEngine,
  DatasetEngineFactory,
} from '@dataset-migrations/plugin-dataset-migrations-node';

/**
 * The engines named under `datasetMigrations.engines`, each built by the factory of
 * its `type`. Built at start-up so a misconfigured engine stops the backend early.
 */
export class EngineRegistry {
  static async fromConfig(options: {
    config: Config;
    factories: DatasetEngineFactory[];
    logger: LoggerService;
  }): Promise<EngineRegistry> {
    const factories = new Map(options.factories.map(f => [f.type, f]));
    const enginesConfig = options.config.getOptionalConfig(
      'datasetMigrations.engines',
    );
    const engines = new Map<string, DatasetEngine>();
    for (const name of enginesConfig?.keys() ?? []) {
      const config = enginesConfig!.getConfig(name);
      const type = config.getString('type');
      const factory = factories.get(type);
      if (!factory) {
        throw new Error(
          `datasetMigrations.engines.${name} has type "${type}", but no engine of that type is installed (installed: ${[
            ...factories.keys(),
          ].join(', ')})`,
        );
      }
      engines.set(
        name,
        await factory.create({ name, config, logger: options.logger }),
      );
    }
    return new EngineRegistry(engines);
  }

  constructor(private readonly engines: Map<string, DatasetEngine>) {}

  get(name: string): DatasetEngine {
    const engine = this.engines.get(name);
    if (!engine) {
      throw new InputError(
        `engine "${name}" is not configured under datasetMigrations.engines`,
      );
    }
    return engine;
  }

  /** The configured engines' names. */
  names(): string[] {
    return [...this.engines.keys()];
  }

  /**
   * The table `table` names on `engine`, spelled as that engine resolves it (see
   * `DatasetEngine.canonicalTable`); as written for an engine that cannot say.
   */
  canonicalTable(engine: string, table: string): string {
    return this.get(engine).canonicalTable?.(table) ?? table;
  }

  /**
   * The claim key of the database `engine` reaches: engines that share it reach
   * the same tables (see `DatasetEngine.databaseIdentity`); an engine that cannot
   * say is its own database, keyed by its name.
   */
  databaseOf(engine: string): string {
    const identity = this.get(engine).databaseIdentity?.();
    return identity === undefined
      ? JSON.stringify(['engine', engine])
      : JSON.stringify(['database', identity]);
  }

  /**
   * `engines` and every configured engine that reaches the database of one of
   * them (a name not configured stays, to be refused where it is used).
   */
  sameDatabase(engines: string[]): string[] {
    const databases = new Set(
      engines.filter(name => this.engines.has(name)).map(this.databaseOf, this),
    );
    return [
      ...new Set([
        ...engines,
        ...this.names().filter(name => databases.has(this.databaseOf(name))),
      ]),
    ];
  }

  async close(): Promise<void> {
    await Promise.all([...this.engines.values()].map(e => e.close?.()));
  }
}
