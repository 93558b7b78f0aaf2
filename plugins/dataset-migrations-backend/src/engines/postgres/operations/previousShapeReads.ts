/**
 * Reads of the previous version between cut-over and contract, from the server's
 * own table statistics (`pg_stat_user_tables`), which every PostgreSQL keeps.
 *
 * What reads the previous shape scans the previous version's table: readers of
 * `<name>_v<N>` itself, of the old name after a rename (a view over it), and readers
 * of the name that ask for a field only the previous version has (dropped or
 * recomputed fields, and `SELECT *`), since the expand view joins that table only
 * for them — the planner removes the join for queries that do not use its columns.
 *
 * Limits, said where the evidence is shown:
 * - a reader of the name that uses a renamed or retyped field under its old name
 *   reads the new version's table, like every new reader: it is not counted;
 * - the engine's upkeep (writes carried back to the previous version, each a key
 *   lookup there) scans it too: as many scans as rows it wrote are taken off, so
 *   a direct writer to the previous version is not counted either; an update or
 *   delete through the name may count once per statement when the previous
 *   version has fields of its own (the view reads the old row from it);
 * - statistics are the server's: a reset (`pg_stat_reset`, a crash) makes counters
 *   go down (the gate then counts from zero), reads on a hot standby are counted on
 *   the standby only, and a session reports its counts after its transaction ends
 *   (within about ten seconds when idle, a minute when busy): what happened just
 *   before a window starts may land in it — reads then refuse once more, while
 *   plain inserts into the table, reported late, may hide as many reads.
 */
import type {
  DatasetMigrationRun,
  PreviousShapeReads,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import { interruptible, type Connections } from '../connection';
import {
  formatRelation,
  parseRelationName,
  quoteRelation,
  relationExists,
  resolveDataset,
} from '../relations';
import { previousVersion } from '../sql/shape';
import { shapeToContract } from './contract';
import { committedContract } from './contractRecord';

/** `last_seq_scan` and `last_idx_scan` came with PostgreSQL 16. */
const LAST_SCAN_VERSION = 160000;

export async function readsOfPreviousShape(
  db: Connections,
  run: DatasetMigrationRun,
): Promise<PreviousShapeReads | undefined> {
  // Contracted already (its record lost with its worker): nothing left to read.
  if (await interruptible(() => committedContract(db, run))) return undefined;
  const shape = await shapeToContract(db, run);
  return interruptible(() =>
    db.withClient(async client => {
      const dataset = await resolveDataset(
        client,
        parseRelationName(run.dataset.table),
      );
      const previous = previousVersion(shape, dataset, run.fromVersion);
      if (!(await relationExists(client, previous))) return undefined;
      const { rows: version } = await client.query<{ n: number }>(
        `SELECT current_setting('server_version_num')::int AS n`,
      );
      const lastScan =
        version[0].n >= LAST_SCAN_VERSION
          ? 'greatest(s.last_seq_scan, s.last_idx_scan)'
          : 'NULL::timestamptz';
      const { rows } = await client.query<{
        scans: string;
        upkeep: string;
        last_scan: Date | null;
        at: Date;
      }>(
        `SELECT coalesce(s.seq_scan, 0) + coalesce(s.idx_scan, 0) AS scans,
                s.n_tup_ins + s.n_tup_upd + s.n_tup_del AS upkeep,
                ${lastScan} AS last_scan, clock_timestamp() AS at
           FROM pg_stat_user_tables s WHERE s.relid = to_regclass($1)`,
        [quoteRelation(previous)],
      );
      // There, but not counted (no statistics row): not to be taken as gone.
      if (rows.length === 0)
        throw new Error(
          `reads of ${formatRelation(
            previous,
          )} cannot be counted: the server keeps no statistics for it`,
        );
      const [row] = rows;
      return {
        at: row.at.toISOString(),
        scans: Number(row.scans),
        upkeep: Number(row.upkeep),
        ...(row.last_scan ? { lastScanAt: row.last_scan.toISOString() } : {}),
        evidence: `scans of ${formatRelation(
          previous,
        )} in pg_stat_user_tables, less one per row written to it`,
      };
    }),
  );
}
