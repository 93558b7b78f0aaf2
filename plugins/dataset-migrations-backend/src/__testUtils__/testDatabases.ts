import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  resolvePackagePath,
  type LoggerService,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import type { Knex } from 'knex';
import { postgresEngineFactory } from '../engines/postgres/PostgresDatasetEngine';

/** Test-only helpers; runtime code must never import from `__testUtils__`. */

export const TEST_DATABASE_ID = 'POSTGRES_18';
export const TEST_DATABASE_ENV =
  'BACKSTAGE_TEST_DATABASE_POSTGRES18_CONNECTION_STRING';

/** The plugin's knex migrations, as the runtime store applies them. */
export const MIGRATIONS_DIR = resolvePackagePath(
  '@dataset-migrations/plugin-dataset-migrations-backend',
  'migrations',
);

/**
 * Creates the TestDatabases for a test file (call it at the top level or in a
 * `describe`, so its cleanup hook is registered), and refuses to run without a real
 * Postgres 18: without the connection string TestDatabases would fall back to
 * Docker or report the id as unsupported, and a test could end up skipped.
 */
export function createTestDatabases(): {
  databases: TestDatabases;
  /** A fresh, empty database on the shared test server; calls are serialised. */
  init(): Promise<Knex>;
} {
  if (!process.env[TEST_DATABASE_ENV]) {
    throw new Error(
      `${TEST_DATABASE_ENV} is not set. These tests need a real PostgreSQL 18; run them through ` +
        'scripts/with-test-postgres.mjs, e.g. from the repository root: ' +
        '`node scripts/with-test-postgres.mjs yarn backstage-cli repo test plugins/dataset-migrations-backend`.',
    );
  }
  const databases = TestDatabases.create({ ids: [TEST_DATABASE_ID] });
  if (!databases.supports(TEST_DATABASE_ID)) {
    throw new Error(
      `TestDatabases does not support ${TEST_DATABASE_ID} although ${TEST_DATABASE_ENV} is set`,
    );
  }
  // TestDatabases.init is not safe to call concurrently: simultaneous first calls
  // each start an engine and only one of them is shut down, leaking its knex pools.
  let previous: Promise<unknown> = Promise.resolve();
  const init = () => {
    const next = previous.then(() => databases.init(TEST_DATABASE_ID));
    previous = next.catch(() => undefined);
    return next;
  };
  return { databases, init };
}

/** A connection string for the database behind a test knex, e.g. for engine config. */
export function connectionUrlOf(knex: Knex): string {
  const connection = knex.client.config.connection as {
    host: string;
    port?: string | number;
    user: string;
    password?: string;
    database: string;
  };
  const auth = `${encodeURIComponent(connection.user)}${
    connection.password ? `:${encodeURIComponent(connection.password)}` : ''
  }`;
  const port = connection.port ? `:${connection.port}` : '';
  return `postgresql://${auth}@${connection.host}${port}/${encodeURIComponent(
    connection.database,
  )}`;
}

/** Polls until `check` returns a value, for async work such as queued jobs. Bounded, never a timing assertion. */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const { timeoutMs = 30_000, intervalMs = 100, what = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
      last = undefined;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}${
          last ? `: ${last}` : ''
        }`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, intervalMs));
  }
}

/** The Postgres engine on a test database (or a URL), built as app-config would build it. */
export function createTestEngine(
  database: Knex | string,
  options: { config?: Record<string, unknown>; logger?: LoggerService } = {},
) {
  return postgresEngineFactory.create({
    name: 'warehouse',
    config: new ConfigReader({
      type: 'postgres',
      connection:
        typeof database === 'string' ? database : connectionUrlOf(database),
      ...options.config,
    }),
    logger: options.logger ?? mockServices.logger.mock(),
  });
}
