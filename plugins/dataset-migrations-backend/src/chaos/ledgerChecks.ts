import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pool } from 'pg';

/**
 * What must hold of the plugin's ledger and the consumers' repositories once a
 * round settled, whatever was killed on the way. Each check returns the problems
 * it found, as sentences; none is the pass.
 */

interface PullRecord {
  number: number;
  branch: string;
  body: string;
  state: 'open' | 'closed';
}

/** The local-git pull requests of a repository that belong to the migration. */
export async function pullRequestsOf(
  repo: string,
  migrationId: string,
): Promise<PullRecord[]> {
  try {
    const file = join(repo, '.git', 'dataset-migrations', 'pulls.json');
    const pulls: PullRecord[] =
      JSON.parse(await readFile(file, 'utf8')).pulls ?? [];
    return pulls.filter(p => p.body.includes(migrationId));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export interface ExpectedLedger {
  migrationId: string;
  /** `contracted` is a succeeded run with a contract time. */
  status: 'contracted' | 'rolled-back' | 'cancelled';
  /** The state every consumer must have reached. */
  consumerState: string | string[];
  /** Pull requests each consumer's repository holds for the run. */
  pullRequestsPerConsumer: number;
}

export async function checkLedger(
  plugin: Pool,
  consumers: { ref: string; repo: string }[],
  expected: ExpectedLedger,
): Promise<string[]> {
  const problems: string[] = [];
  const id = expected.migrationId;
  const { rows: runs } = await plugin.query(
    `SELECT status, contracted_at, lease_owner FROM migrations WHERE id = $1`,
    [id],
  );
  const run = runs[0];
  const status =
    run.status === 'succeeded' && run.contracted_at ? 'contracted' : run.status;
  if (status !== expected.status)
    problems.push(`run ${id} is ${status}, expected ${expected.status}`);
  if (run.lease_owner)
    problems.push(
      `run ${id} is settled but still leased to ${run.lease_owner}`,
    );
  const { rows: steps } = await plugin.query(
    `SELECT attempt, name FROM migration_steps WHERE migration_id = $1 AND status = 'running'`,
    [id],
  );
  for (const s of steps)
    problems.push(
      `run ${id} is settled but its step ${s.name} of attempt ${s.attempt} is still running`,
    );
  const { rows: ledger } = await plugin.query(
    `SELECT entity_ref, state, claimed_by, pull_request FROM migration_consumers WHERE migration_id = $1`,
    [id],
  );
  const wanted = ([] as string[]).concat(expected.consumerState);
  for (const consumer of consumers) {
    const row = ledger.find(r => r.entity_ref === consumer.ref);
    const pulls = await pullRequestsOf(consumer.repo, id);
    if (pulls.length !== expected.pullRequestsPerConsumer)
      problems.push(
        `${consumer.ref} has ${pulls.length} pull requests for run ${id}, expected ${expected.pullRequestsPerConsumer}`,
      );
    if (!row) {
      if (expected.pullRequestsPerConsumer > 0)
        problems.push(`${consumer.ref} is missing from the ledger of ${id}`);
      continue;
    }
    if (!wanted.includes(row.state))
      problems.push(
        `${consumer.ref} is ${
          row.state
        } in the ledger of ${id}, expected ${wanted.join(' or ')}`,
      );
    if (row.claimed_by)
      problems.push(`${consumer.ref} is settled but still claimed`);
    if (
      pulls.length === 1 &&
      row.pull_request &&
      row.pull_request.number !== pulls[0].number
    )
      problems.push(
        `${consumer.ref}'s ledger names pull request #${row.pull_request.number}, the repository has #${pulls[0].number}`,
      );
  }
  return problems;
}

/** Objects a run may leave on the warehouse (capture triggers, functions, tables). */
export async function engineObjects(warehouse: Pool): Promise<string[]> {
  const { rows } = await warehouse.query(
    `SELECT 'trigger ' || tgname AS o FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal
     UNION ALL SELECT 'relation ' || relname FROM pg_class
      WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'v')
     UNION ALL SELECT 'function ' || proname FROM pg_proc
      WHERE pronamespace = 'public'::regnamespace AND proname LIKE 'dsm\\_%'
     ORDER BY 1`,
  );
  return rows.map(r => r.o);
}
