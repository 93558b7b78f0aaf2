import { MigrationInterruptedError } from '@dataset-migrations/plugin-dataset-migrations-node';
import { isTemporary } from '../engines/postgres/connection';

/**
 * The plugin's own database going away (a restart, a terminated connection, no
 * connection slot) says nothing about the migration or the consumer being worked
 * on: the work is interrupted and resumes, it does not fail. Engines already
 * report their own database's outages as interruptions; what is left here is the
 * plugin database's (always PostgreSQL, so the engine's classification holds).
 */
export function asInterruption(error: unknown): unknown {
  if (error instanceof MigrationInterruptedError || !isTemporary(error))
    return error;
  return new MigrationInterruptedError(
    `the plugin database is unavailable: ${(error as Error).message}`,
  );
}
