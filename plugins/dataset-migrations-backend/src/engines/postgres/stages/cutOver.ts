/** Stage cut-over: the dataset's name moves to the new version in one short transaction. */
import { expandPhaseOf } from '@dataset-migrations/plugin-dataset-migrations-common';
import type { PoolClient } from 'pg';
import type { DatasetMigrationRun } from '@dataset-migrations/plugin-dataset-migrations-node';
import type { Connections } from '../connection';
import {
  grantsOf,
  formatRelation,
  partitionsOf,
  quoteRelation,
  readFailures,
  parseRelationName,
  resolveDataset,
  versionOf,
  type ResolvedDataset,
} from '../relations';
import { attachmentsAsBegun, copyAttachedSince } from '../attachedPartitions';
import { refuseUncarried } from '../preconditions';
import { throughViewWarnings } from '../failingThroughView';
import { removeGhosts } from '../ghosts';
import type { VerifyCheckpoint } from './verify';
import {
  refuseSourceChanges,
  SOURCE_AS_BEGUN,
  type SourceAsBegun,
} from '../sourceChanges';
import { isCutOver } from '../runShape';
import { triggersToCarry } from '../triggers';
import { isRename, type MigrationShape } from '../sql/shape';
import { cutOverStatements } from '../sql/versionSwitch';

/** One short transaction: writers wait a moment, readers go on, the name moves. */
export async function cutOver(
  db: Connections,
  run: DatasetMigrationRun,
  shape: MigrationShape,
): Promise<void> {
  // Said once the transaction is over: the plugin's database is not waited for
  // while the dataset's name is locked, but for the cancel check.
  const said: string[] = [];
  const warnings: string[] = [];
  const began = await run.checkpoints.get<SourceAsBegun>(SOURCE_AS_BEGUN);
  const verified = await run.checkpoints.get<VerifyCheckpoint>('verify');
  await waitForOlderSnapshots(db, run, shape);
  // A partition attached since verify's last range: its rows, as verify copies
  // them, before the lock, so that writers do not wait for the copy; under it,
  // only one attached since this.
  const attached = await db.withClient(async client => {
    const known = verified?.partitions ?? attachmentsAsBegun(began);
    if (await isCutOver(client, shape)) return known;
    // What does not work through the view the name becomes: advice, read
    // before the lock (pg_stat_statements' texts take a while), not under it.
    warnings.push(
      ...(await throughViewWarnings(
        client,
        await resolveDataset(client, parseRelationName(run.dataset.table)),
        !expandPhaseOf(shape.sourceFields, shape.fields).plain,
      )),
    );
    const found = await copyAttachedSince(client, shape, known, true);
    if (found.copied.length > 0) {
      said.push(
        `copied the rows of ${found.copied.join(', ')}, attached after verify`,
      );
      await removeGhosts(client, shape);
    }
    return found.attachments;
  });
  await db.transaction(async client => {
    if (await isCutOver(client, shape)) {
      // An earlier attempt committed the cut-over and stopped before recording it.
      said.push(
        `${run.dataset.table} already reads ${formatRelation(shape.target)}`,
      );
      return;
    }
    const dataset = await resolveDataset(
      client,
      parseRelationName(run.dataset.table),
    );
    // Writers wait from here on, so no capture runs any more: a write it could
    // not transform since verify read its failures would be lost with it.
    await client.query(
      `LOCK TABLE ${quoteRelation(shape.source)} IN EXCLUSIVE MODE`,
    );
    const failed = await readFailures(client, shape.capture.failures);
    if (failed.count > 0)
      throw new Error(
        `${failed.count} writes made during the migration could not be transformed (e.g. ${failed.first}); the name was not moved`,
      );
    // Read before the name moves: the grants belong to what readers use now.
    const grants = await grantsAfterCutOver(client, shape, dataset);
    // DDL waits for this lock: what the application added while the run copied
    // would be on no version readers get, and a column's values go at contract.
    await refuseSourceChanges(client, shape, began);
    // Row security, rules, publications, owners and the rest plan refuses,
    // added since: the name would move onto a version without them.
    await refuseUncarried(client, dataset);
    const { copied } = await copyAttachedSince(client, shape, attached, true);
    if (copied.length > 0)
      said.push(
        `copied the rows of ${copied.join(
          ', ',
        )}, attached during the cut-over's wait`,
      );
    // Read under the lock, as they are now: one added since plan is judged too.
    const triggers = await triggersToCarry(client, shape);
    for (const sql of cutOverStatements(
      shape,
      dataset,
      run.fromVersion,
      grants,
      await partitionsOf(client, shape.source),
      triggers,
    ))
      await client.query(sql);
    if (dataset.kind === 'table') {
      said.push(
        `version ${run.fromVersion} stays readable as ${formatRelation(
          versionOf(dataset.relation, run.fromVersion),
        )}`,
      );
    }
    // The last moment a cancel can still win: after the commit the switch is done.
    await run.throwIfCancelled();
    said.push(
      `${formatRelation(shape.name)} now reads ${formatRelation(shape.target)}`,
    );
    if (isRename(shape, dataset)) {
      said.push(
        `${formatRelation(dataset.relation)} keeps reading version ${
          run.fromVersion
        } until contract, and refuses writes`,
      );
    }
  });
  for (const line of said) await run.log(line);
  for (const line of warnings) await run.log(line, 'warn');
}

/** Grants readers and writers have now, for the view(s) the cut-over creates. */
export async function grantsAfterCutOver(
  client: PoolClient,
  shape: MigrationShape,
  dataset: ResolvedDataset,
) {
  const grantsTo = await grantsOf(client, dataset.relation);
  return {
    name: grantsTo(shape.name),
    oldName: grantsTo(dataset.relation),
    // A view cannot be truncated, so a TRUNCATE goes to the new version: those
    // who could truncate the table may (found by a probe, 2026-12-06: only the
    // owner could, and a role's nightly reload had no way left).
    truncate: grantsTo(shape.target).filter(g =>
      g.startsWith('GRANT TRUNCATE '),
    ),
  };
}

/** How often the transactions cut-over waits for are looked at again. */
const SNAPSHOT_POLL_MS = 100;
/** How long cut-over waits for them before it says so, and says so again. */
const SNAPSHOT_WAIT_SAID_MS = 10_000;

/**
 * Transactions of the dataset's database, but this session's, that hold a
 * snapshot now, each by its virtual transaction id: `backend_xmin` and pg_locks
 * are shown to every role, where a session's other columns (its start, its
 * type) are not, to an engine's user without `pg_read_all_stats`. A lazy VACUUM
 * (autovacuum's too), which reads only the table it cleans and may run for
 * hours, is not one, as `CREATE INDEX CONCURRENTLY` leaves it out: its pid
 * is shown to every role.
 */
const SNAPSHOT_HOLDERS = `
  SELECT a.pid, l.virtualtransaction AS vxid, a.backend_xmin::text AS xmin
    FROM pg_catalog.pg_stat_activity a
    JOIN pg_catalog.pg_locks l
      ON l.pid = a.pid AND l.locktype = 'virtualxid' AND l.granted
       AND l.virtualxid = l.virtualtransaction
   WHERE a.datid = (SELECT oid FROM pg_catalog.pg_database
                     WHERE datname = pg_catalog.current_database())
     AND a.pid <> pg_catalog.pg_backend_pid()
     AND a.backend_xmin IS NOT NULL
     AND a.pid NOT IN (SELECT v.pid FROM pg_catalog.pg_stat_progress_vacuum v)`;

interface SnapshotHolder {
  pid: number;
  vxid: string;
  xmin: string;
}

/** Of those `holding` a snapshot now, the ones still waited for (see below). */
function stillWaitedFor(
  waiting: SnapshotHolder[],
  holding: SnapshotHolder[],
): SnapshotHolder[] {
  const xmins = new Set(waiting.map(w => w.xmin));
  return holding.filter(
    h =>
      xmins.has(h.xmin) ||
      waiting.some(w => w.pid === h.pid && w.vxid === h.vxid),
  );
}

/**
 * Before the name moves, waits for every transaction that holds a snapshot taken
 * before the copy was complete. The new version's rows were written by the
 * backfill's own transactions (and verify's removed some): a snapshot older than
 * those commits reads the new version without them, so a `REPEATABLE READ` or
 * `SERIALIZABLE` transaction begun before (a report, a consistent export) that
 * first read the name after the switch saw rows missing, all of them if it began
 * before the copy, and its updates and deletes through the name reached none of
 * them. Writes the capture made are in their writers' own transactions, seen or
 * not together with the source's. A transaction that read the table already holds
 * a lock the cut-over waits for anyway. Such a transaction is waited for until it
 * ends or holds no snapshot (a `READ COMMITTED` one between statements: its next
 * statement's snapshot sees the whole copy), as `CREATE INDEX CONCURRENTLY` waits
 * for older snapshots; no lock is held meanwhile, and a cancel is looked for.
 */
export async function waitForOlderSnapshots(
  db: Connections,
  run: DatasetMigrationRun,
  shape: MigrationShape,
): Promise<void> {
  // Every transaction of the engine's that wrote to the new version committed
  // before this statement: one begun after it sees all they wrote.
  let waiting = await db.withClient(async client =>
    (await isCutOver(client, shape))
      ? []
      : (
          await client.query<SnapshotHolder>(SNAPSHOT_HOLDERS)
        ).rows,
  );
  const began = Date.now();
  let saidAt = began;
  while (waiting.length > 0) {
    await run.throwIfCancelled();
    if (Date.now() - saidAt >= SNAPSHOT_WAIT_SAID_MS) {
      saidAt = Date.now();
      await run.log(
        `the cut-over waits for ${
          waiting.length
        } transaction(s) holding a snapshot from before the copy was complete (pid ${waiting
          .map(w => w.pid)
          .join(
            ', ',
          )}), which would read the new version without the rows copied since; waited ${Math.round(
          (saidAt - began) / 1000,
        )} s`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, SNAPSHOT_POLL_MS));
    // Each look a statement of its own: pg_stat_activity is read once per transaction.
    const holding = await db.withClient(
      async client =>
        (
          await client.query<SnapshotHolder>(SNAPSHOT_HOLDERS)
        ).rows,
    );
    // A snapshot one of them exported (`pg_export_snapshot()`, as `pg_dump -j`
    // does) can be imported meanwhile, by a transaction that holds it after the
    // exporter ends: it carries the exporter's xmin exactly, so a newcomer with
    // the xmin of one waited for is waited for too.
    waiting = stillWaitedFor(waiting, holding);
  }
}
