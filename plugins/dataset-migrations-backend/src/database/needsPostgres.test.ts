import knexFactory from 'knex';
import { mockServices } from '@backstage/backend-test-utils';
import { DatabaseMigrationStore } from './DatabaseMigrationStore';

describe('the plugin database', () => {
  it('refuses a database that is not PostgreSQL at startup, naming the client it found', async () => {
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    const acquire = jest.spyOn(knex.client, 'acquireConnection');
    try {
      await expect(
        DatabaseMigrationStore.create({
          database: mockServices.database({ knex }),
        }),
      ).rejects.toThrow(
        'dataset-migrations needs PostgreSQL for its database (backend.database.client: pg); this backend\'s is "better-sqlite3"',
      );
      // Refused before any statement: no connection was even asked for.
      expect(acquire).not.toHaveBeenCalled();
    } finally {
      await knex.destroy();
    }
  });
});
