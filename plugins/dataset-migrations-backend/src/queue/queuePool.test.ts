import knexFactory, { type Knex } from 'knex';
import type { PoolClient, PoolConfig } from 'pg';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { createQueuePool } from './queuePool';

describe('createQueuePool', () => {
  const { init } = createTestDatabases();

  it('passes every setting of the plugin database on, TLS included', async () => {
    const stream = () => undefined;
    const settings = {
      host: 'db.internal',
      port: 5432,
      user: 'backstage',
      password: 'secret',
      database: 'backstage_plugin_dataset_migrations',
      ssl: { rejectUnauthorized: true, ca: '-----BEGIN CERTIFICATE-----' },
      options: '-c statement_timeout=0',
      application_name: 'backstage',
      keepAlive: true,
      stream,
    };
    // As the plugin gets it: from its knex, which hides the password.
    const knex = knexFactory({ client: 'pg', connection: settings });
    const pool = createQueuePool(knex.client.config.connection, 7);
    expect(pool.options).toMatchObject({ ...settings, max: 7 });
    await Promise.all([pool.end(), knex.destroy()]);

    const url = 'postgresql://u:p@db.internal/plugin?sslmode=require';
    const fromString = createQueuePool(url);
    expect(fromString.options).toMatchObject({ connectionString: url });
    await fromString.end();
  });

  it('connects with what a connection function resolves, again once it expires', async () => {
    const knex: Knex = await init();
    const base = knex.client.config.connection as PoolConfig;
    let calls = 0;
    let expired = false;
    const provider = async () => {
      calls++;
      return {
        ...base,
        password: base.password,
        application_name: `queue-${calls}`,
        expirationChecker: () => expired,
      };
    };
    const pool = createQueuePool(provider, 4);
    const clients: PoolClient[] = [];
    const connectedAs = async () => {
      const client = await pool.connect();
      clients.push(client);
      return (await client.query('SHOW application_name')).rows[0]
        .application_name;
    };
    try {
      expect([await connectedAs(), await connectedAs()]).toEqual([
        'queue-1',
        'queue-1',
      ]);
      expect(calls).toBe(1);

      expired = true;
      expect(await connectedAs()).toBe('queue-2');
      expired = false;
      // Callers that pass a callback (pool.query does) get the same settings.
      expect(
        (await pool.query('SHOW application_name')).rows[0].application_name,
      ).toBe('queue-2');
      expect(calls).toBe(2);
    } finally {
      clients.forEach(client => client.release());
      await pool.end();
    }
  });
});
