import { Pool, escapeIdentifier, type PoolClient, type PoolConfig } from 'pg';
import type { Config } from '@backstage/config';
import type {
  DatasetEngine,
  DatasetEngineFactory,
  DatasetLocation,
  DatasetMigrationRun,
  DatasetSchema,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import type { TargetField } from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  estimateRows,
  formatRelation,
  parseRelationName,
  quoteRelation,
  readFields,
  relationExists,
  resolveDataset,
  type RelationName,
} from './relations';

/**
 * Datasets in PostgreSQL. A version is a table `<name>_v<N>`; readers use `<name>`,
 * which after the first migration is a view over the current version's table, so
 * earlier versions stay readable under their versioned names.
 */
export class PostgresDatasetEngine implements DatasetEngine {
  constructor(private readonly pool: Pool) {}

  async introspect(dataset: DatasetLocation): Promise<DatasetSchema> {
    return this.withClient(async client => {
      const { storage } = await resolveDataset(client, parseRelationName(dataset.table));
      return {
        fields: await readFields(client, storage),
        rowEstimate: await estimateRows(client, storage),
      };
    });
  }

  /**
   * One transaction: the source is locked against writes (reads go on), the new
   * version is created and filled, counted, and the dataset's name is pointed at it.
   * Any failure rolls all of it back; a dry run rolls back at the end.
   */
  async migrate(run: DatasetMigrationRun): Promise<void> {
    await this.withClient(async client => {
      await client.query('BEGIN');
      try {
        await client.query(`SET LOCAL lock_timeout = '10s'`);
        const dataset = await resolveDataset(client, parseRelationName(run.dataset.table));
        const source = dataset.storage;
        await client.query(`LOCK TABLE ${quoteRelation(source)} IN SHARE MODE`);
        const target = versionedName(dataset.relation, run.targetVersion);

        await run.step('create-table', async () => {
          if (await relationExists(client, target)) {
            throw new Error(`relation ${formatRelation(target)} already exists`);
          }
          await client.query(createTableSql(target, run.targetFields));
          await client.query(
            `COMMENT ON TABLE ${quoteRelation(target)} IS ${literal(
              `dataset-migrations: ${run.entityRef} schema version ${run.targetVersion} (migration ${run.migrationId})`,
            )}`,
          );
          await run.log(`created ${formatRelation(target)} with ${run.targetFields.length} fields`);
        });

        const copied = await run.step('copy-rows', async () => {
          const { sql, values } = copySql(source, target, run.targetFields);
          const result = await client.query(sql, values);
          await run.log(`copied ${result.rowCount} rows from ${formatRelation(source)}`);
          return result.rowCount ?? 0;
        });

        await run.step('verify-row-count', async () => {
          const [sourceCount, targetCount] = await Promise.all(
            [source, target].map(async table => {
              const result = await client.query<{ count: string }>(
                `SELECT count(*) AS count FROM ${quoteRelation(table)}`,
              );
              return Number(result.rows[0].count);
            }),
          );
          if (sourceCount !== targetCount || targetCount !== copied) {
            throw new Error(
              `row counts differ: source ${sourceCount}, copied ${copied}, target ${targetCount}`,
            );
          }
          await run.log(`row counts match: ${targetCount}`);
        });

        await run.throwIfCancelled();
        await run.step('switch-view', async () => {
          if (dataset.kind === 'table') {
            const previous = versionedName(dataset.relation, run.fromVersion);
            if (await relationExists(client, previous)) {
              throw new Error(
                `cannot keep version ${run.fromVersion} readable: ${formatRelation(previous)} already exists`,
              );
            }
            await client.query(
              `ALTER TABLE ${quoteRelation(dataset.relation)} RENAME TO ${escapeIdentifier(previous.name)}`,
            );
            await run.log(`version ${run.fromVersion} stays readable as ${formatRelation(previous)}`);
          } else {
            await client.query(`DROP VIEW ${quoteRelation(dataset.relation)}`);
          }
          await client.query(
            `CREATE VIEW ${quoteRelation(dataset.relation)} AS SELECT * FROM ${quoteRelation(target)}`,
          );
          await run.log(`${formatRelation(dataset.relation)} now reads ${formatRelation(target)}`);
        });

        if (run.dryRun) {
          await client.query('ROLLBACK');
          await run.log('dry run: every step succeeded and was rolled back');
        } else {
          await client.query('COMMIT');
        }
      } catch (error) {
        // The original error is the one worth reporting, even if the connection is gone.
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async withClient<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      return await work(client);
    } catch (error) {
      // A client whose connection failed must not go back to the pool.
      if ((error as { code?: string }).code === undefined) broken = error as Error;
      throw error;
    } finally {
      client.release(broken);
    }
  }
}

function versionedName(relation: RelationName, version: number): RelationName {
  return { schema: relation.schema, name: `${relation.name}_v${version}` };
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function createTableSql(target: RelationName, fields: TargetField[]): string {
  const columns = fields.map(
    f => `${escapeIdentifier(f.name)} ${f.type}${f.nullable ? '' : ' NOT NULL'}`,
  );
  const key = fields.filter(f => f.primaryKey).map(f => escapeIdentifier(f.name));
  if (key.length > 0) columns.push(`PRIMARY KEY (${key.join(', ')})`);
  return `CREATE TABLE ${quoteRelation(target)} (${columns.join(', ')})`;
}

/** One INSERT … SELECT that maps every source row to the target version. */
function copySql(source: RelationName, target: RelationName, fields: TargetField[]) {
  const values: unknown[] = [];
  const expressions = fields.map(field => {
    switch (field.source.kind) {
      case 'copy':
        return escapeIdentifier(field.source.from);
      case 'cast':
        return `${escapeIdentifier(field.source.from)}::${field.type}`;
      default:
        values.push(field.source.value);
        return `$${values.length}::${field.type}`;
    }
  });
  const columns = fields.map(f => escapeIdentifier(f.name)).join(', ');
  return {
    sql: `INSERT INTO ${quoteRelation(target)} (${columns}) SELECT ${expressions.join(', ')} FROM ${quoteRelation(source)}`,
    values,
  };
}

function poolConfig(config: Config): PoolConfig {
  const connection = config.get('connection');
  if (typeof connection === 'string') return { connectionString: connection };
  const c = config.getConfig('connection');
  return {
    host: c.getOptionalString('host'),
    port: c.getOptionalNumber('port'),
    user: c.getOptionalString('user'),
    password: c.getOptionalString('password'),
    database: c.getOptionalString('database'),
  };
}

export const postgresEngineFactory: DatasetEngineFactory = {
  type: 'postgres',
  create({ name, config, logger }) {
    const pool = new Pool({ ...poolConfig(config), max: config.getOptionalNumber('maxConnections') ?? 4 });
    pool.on('error', error => logger.warn(`Engine ${name}: idle connection error: ${error.message}`));
    return new PostgresDatasetEngine(pool);
  },
};
