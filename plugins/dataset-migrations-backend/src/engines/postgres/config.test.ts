import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { DEFAULT_BACKFILL, readPostgresEngineConfig } from './config';
import { createPool } from './connection';

describe('readPostgresEngineConfig', () => {
  it('carries connection settings and TLS options through to node-postgres', async () => {
    const config = readPostgresEngineConfig(
      new ConfigReader({
        type: 'postgres',
        connection: {
          host: 'db.internal',
          port: '6432',
          user: 'migrator',
          password: 'secret',
          database: 'warehouse',
        },
        ssl: {
          ca: 'CA PEM',
          cert: 'CERT PEM',
          key: 'KEY PEM',
          rejectUnauthorized: false,
          servername: 'db.example.com',
        },
        maxConnections: 7,
        requestConnections: 3,
      }),
    );
    const ssl = {
      ca: 'CA PEM',
      cert: 'CERT PEM',
      key: 'KEY PEM',
      rejectUnauthorized: false,
      servername: 'db.example.com',
    };
    expect(config.connection).toEqual({
      host: 'db.internal',
      port: 6432,
      user: 'migrator',
      password: 'secret',
      database: 'warehouse',
      ssl,
    });
    expect(config.maxConnections).toBe(7);
    expect(config.requestConnections).toBe(3);

    // The pool gets them as read; it connects only when first used.
    const pool = createPool('warehouse', config, mockServices.logger.mock());
    expect(pool.options).toMatchObject({
      host: 'db.internal',
      port: 6432,
      password: 'secret',
      ssl,
      max: 7,
    });
    await pool.end();
  });

  it('takes a connection string with ssl: true, and leaves ssl unset when not given', () => {
    expect(
      readPostgresEngineConfig(
        new ConfigReader({ connection: 'postgres://db/warehouse', ssl: true }),
      ).connection,
    ).toEqual({ connectionString: 'postgres://db/warehouse', ssl: true });
    const plain = readPostgresEngineConfig(
      new ConfigReader({ connection: 'postgres://db/warehouse' }),
    );
    expect(plain.connection).toEqual({
      connectionString: 'postgres://db/warehouse',
    });
    expect(plain.maxConnections).toBe(4);
    expect(plain.requestConnections).toBe(10);
  });

  it.each([
    ['requestConnections', 0],
    ['requestConnections', 2.5],
    ['requestConnections', -1],
    ['maxConnections', 0],
    ['maxConnections', 2.5],
    ['maxConnections', -1],
  ])('refuses %s %p, naming its whole key', (key, count) => {
    expect(() =>
      readPostgresEngineConfig(
        new ConfigReader({
          connection: 'postgres://db/warehouse',
          [key]: count,
        }),
        'warehouse',
      ),
    ).toThrow(
      `Invalid config: datasetMigrations.engines.warehouse.${key} must be an integer of at least 1, got ${count}`,
    );
  });

  it.each([
    [
      { backfill: { maxBatchRows: 0 } },
      'backfill.maxBatchRows must be an integer of at least 1, got 0',
    ],
    [
      { backfill: { maxBatchRows: 1.5 } },
      'backfill.maxBatchRows must be an integer of at least 1, got 1.5',
    ],
    [
      { backfill: { batchDuration: '0s' } },
      'backfill.batchDuration must be a positive duration, got 0 ms',
    ],
    [
      { backfill: { pause: { milliseconds: -5 } } },
      'backfill.pause must not be negative, got -5 ms',
    ],
    [
      { backfill: { verifyOnePassUpTo: { seconds: -1 } } },
      'backfill.verifyOnePassUpTo must not be negative, got -1000 ms',
    ],
    [
      { statementTimeout: '0s' },
      'statementTimeout must be a positive duration, got 0 ms',
    ],
    [
      { clientConnectionCheckInterval: { seconds: -1 } },
      'clientConnectionCheckInterval must not be negative, got -1000 ms',
    ],
  ])('refuses %j, naming its whole key', (settings, message) => {
    expect(() =>
      readPostgresEngineConfig(
        new ConfigReader({ connection: 'postgres://db/w', ...settings }),
        'warehouse',
      ),
    ).toThrow(`Invalid config: datasetMigrations.engines.warehouse.${message}`);
  });

  it('takes 0 where it means something: no pause, verify always in ranges, no connection check', () => {
    const config = readPostgresEngineConfig(
      new ConfigReader({
        connection: 'postgres://db/w',
        clientConnectionCheckInterval: '0s',
        backfill: { pause: '0s', verifyOnePassUpTo: '0s' },
      }),
    );
    expect(config.clientConnectionCheckIntervalMs).toBe(0);
    expect(config.backfill).toMatchObject({
      batchPauseMs: 0,
      verifyOnePassUpToMs: 0,
    });
  });

  it('leaves node defaults for TLS options not given', () => {
    expect(
      readPostgresEngineConfig(
        new ConfigReader({ connection: 'postgres://db/w', ssl: { ca: 'CA' } }),
      ).connection.ssl,
    ).toEqual({ ca: 'CA' });
  });

  it("reads the backfill's durations in Backstage's forms, with defaults", () => {
    const backfill = (value: object) =>
      readPostgresEngineConfig(
        new ConfigReader({ connection: 'postgres://db/w', backfill: value }),
      ).backfill;
    expect(backfill({})).toEqual(DEFAULT_BACKFILL);
    expect(
      backfill({ maxBatchRows: 1000, batchDuration: '2s', pause: '400ms' }),
    ).toEqual({
      maxBatchRows: 1000,
      batchDurationMs: 2000,
      batchPauseMs: 400,
      batchesByKey: false,
      verifyOnePassUpToMs: 30_000,
    });
    expect(
      backfill({
        batchDuration: 'PT1S',
        pause: { milliseconds: 50 },
        batchesByKey: true,
        verifyOnePassUpTo: '0s',
      }),
    ).toEqual({
      maxBatchRows: 200_000,
      batchDurationMs: 1000,
      batchPauseMs: 50,
      batchesByKey: true,
      verifyOnePassUpToMs: 0,
    });
  });
});
