/**
 * The flush before a backfill's checkpoint must write to the WAL in its own
 * transaction (a commit that wrote none does not wait for the disk), also where the
 * engine's role may not call pg_logical_emit_message (hardened servers revoke it).
 */
import type { Knex } from 'knex';
import { Client } from 'pg';
import { createTestDatabases } from '../../__testUtils__/testDatabases';
import { commitWaitsForDisk } from './stages/durablePositions';

describe('the flush before a backfill checkpoint', () => {
  const { init } = createTestDatabases();
  let knex: Knex;

  beforeEach(async () => {
    knex = await init();
  });

  afterEach(async () => {
    await knex.destroy();
  });

  it.each([
    ['may call pg_logical_emit_message', false],
    ['may not (revoked from PUBLIC)', true],
  ])(
    'writes in its transaction and commits when the role %s',
    async (_how, revoked) => {
      const { database } = knex.client.config.connection;
      const role = `flush_${revoked ? 'revoked' : 'granted'}`;
      await knex.raw(`CREATE ROLE ${role} LOGIN PASSWORD 'p'`);
      if (revoked)
        await knex.raw(
          'REVOKE EXECUTE ON FUNCTION pg_logical_emit_message(boolean, text, text, boolean) FROM PUBLIC',
        );
      const { host, port } = knex.client.config.connection;
      const client = new Client({
        host,
        port,
        database,
        user: role,
        password: 'p',
      });
      await client.connect();
      try {
        await client.query('BEGIN');
        await commitWaitsForDisk(client as any);
        // Something was written (a transaction id assigned); that it reached the
        // WAL is PostgreSQL's doing for both ways (a logical message, catalog rows).
        const { rows } = await client.query(
          'SELECT pg_current_xact_id_if_assigned() IS NOT NULL AS wrote',
        );
        const emitted = await knex.raw(
          `SELECT has_function_privilege(?, 'pg_logical_emit_message(boolean, text, text, boolean)', 'EXECUTE') AS may`,
          [role],
        );
        await client.query('COMMIT');
        expect(emitted.rows[0].may).toBe(!revoked);
        expect(rows[0].wrote).toBe(true);
      } finally {
        await client.end();
        if (revoked)
          await knex.raw(
            'GRANT EXECUTE ON FUNCTION pg_logical_emit_message(boolean, text, text, boolean) TO PUBLIC',
          );
      }
    },
  );
});
