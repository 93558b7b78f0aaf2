/**
 * Which database errors interrupt a run (it resumes from its checkpoints) rather
 * than fail it, on a real PostgreSQL.
 */
import type { Knex } from 'knex';
import { MigrationInterruptedError } from '@dataset-migrations/plugin-dataset-migrations-node';
import { createTestDatabases } from '../../__testUtils__/testDatabases';
import { interruptible } from './connection';

describe('interruptible', () => {
  const { init } = createTestDatabases();
  let knex: Knex;

  beforeAll(async () => {
    knex = await init();
    await knex.raw('CREATE TABLE public.pair (id int PRIMARY KEY, n int)');
    await knex.raw('INSERT INTO public.pair VALUES (1, 0), (2, 0)');
  });

  afterAll(async () => {
    await knex.destroy();
  });

  it('takes the deadlock the server broke by rolling this side back as an interruption, not a failure', async () => {
    const first = await knex.transaction();
    const second = await knex.transaction();
    try {
      await first.raw('UPDATE public.pair SET n = n + 1 WHERE id = 1');
      await second.raw('UPDATE public.pair SET n = n + 1 WHERE id = 2');
      // Each now waits for the other's row: the server rolls one of them back.
      const outcomes = await Promise.allSettled([
        interruptible(() =>
          first.raw('UPDATE public.pair SET n = n + 1 WHERE id = 2'),
        ),
        interruptible(() =>
          second.raw('UPDATE public.pair SET n = n + 1 WHERE id = 1'),
        ),
      ]);
      const failed = outcomes.filter(o => o.status === 'rejected');
      expect(failed).toHaveLength(1);
      const { reason } = failed[0] as PromiseRejectedResult;
      expect(reason).toBeInstanceOf(MigrationInterruptedError);
      expect(String(reason.message)).toMatch(/deadlock detected/);
    } finally {
      await first.rollback().catch(() => {});
      await second.rollback().catch(() => {});
    }
  });

  it('lets an error about the migration itself through as it is', async () => {
    await expect(
      interruptible(() => knex.raw('SELECT 1 / 0')),
    ).rejects.not.toBeInstanceOf(MigrationInterruptedError);
  });
});
