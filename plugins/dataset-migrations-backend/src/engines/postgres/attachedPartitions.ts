/**
 * Partitions attached while a run copies and verifies the source. `ATTACH
 * PARTITION` of a loaded table (a bulk load's usual last step) brings rows no
 * write made: the capture never sees them, and verify's ranges compared before
 * cannot. So each partition's attachment is known by its `pg_inherits` row (the
 * partition's oid and the transaction that wrote the row), and the rows of a
 * partition attached since are copied where the new version lacks them: before
 * each range verify compares, and under the cut-over's lock. A partition
 * detached and attached again (its row written anew) was written meanwhile
 * where no capture saw it, updates and deletes too: once verify has begun
 * comparing, which would not see them in ranges compared before, the run fails.
 */
import type { PoolClient } from 'pg';
import { catalogRead } from './connection';
import { formatRelation, quoteRelation, type RelationName } from './relations';
import type { SourceAsBegun, SourcePartition } from './sourceChanges';
import {
  truncateCaptureOf,
  truncateCaptureOnPartitionsSql,
} from './sql/capture';
import { copyRangeSql } from './sql/copy';
import { changedValueFnIfNeededSql } from './sql/keptValues';
import type { MigrationShape } from './sql/shape';

/** A partition's attachment: its oid and the transaction that attached it. */
export type PartitionAttachment = Required<
  Pick<SourcePartition, 'oid' | 'attachedBy'>
>;

/**
 * The attachments the run began with; undefined for a run begun before they
 * were recorded, whose partitions are then taken as they are now.
 */
export function attachmentsAsBegun(
  began: SourceAsBegun | undefined,
): PartitionAttachment[] | undefined {
  const partitions = began?.partitions;
  if (!partitions || partitions.some(p => p.attachedBy === undefined))
    return undefined;
  return partitions.map(p => ({ oid: p.oid, attachedBy: p.attachedBy! }));
}

/** A partition of the source, at any level, as the catalog has it now. */
export interface TreeMember extends PartitionAttachment {
  parent: string;
  leaf: boolean;
  schema: string;
  name: string;
  /** Its name as `regclass` prints it, for people. */
  label: string;
}

/** The source's partitions at every level; none for a table not partitioned. */
export async function readPartitionTree(
  client: PoolClient,
  source: RelationName,
): Promise<TreeMember[]> {
  const { rows } = await catalogRead<TreeMember>(
    client,
    `SELECT t.relid::int8::text AS oid, i.xmin::text AS "attachedBy",
            t.parentrelid::int8::text AS parent, t.isleaf AS leaf,
            n.nspname AS schema, c.relname AS name, t.relid::regclass::text AS label
       FROM pg_partition_tree($1::regclass) t
       JOIN pg_inherits i ON i.inhrelid = t.relid
       JOIN pg_class c ON c.oid = t.relid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE t.relid <> $1::regclass
      ORDER BY 1`,
    [quoteRelation(source)],
  );
  return rows;
}

/**
 * Copies the rows of each partition attached since `known` (it, or a partition
 * above it) that the new version lacks, as the backfill copies: a row the
 * capture wrote meanwhile is newer and kept (a row deleted while it was copied
 * is the caller's to remove, as the backfill's are), once it has the capture
 * of TRUNCATE (see captureTruncates).
 * Returns the attachments now, to be known next time, and the partitions
 * copied from, by name.
 */
export async function copyAttachedSince(
  client: PoolClient,
  shape: MigrationShape,
  known: PartitionAttachment[] | undefined,
  /** Whether one detached and attached again fails the run (see above). */
  againFails: boolean,
): Promise<{ attachments: PartitionAttachment[]; copied: string[] }> {
  const tree = await readPartitionTree(client, shape.source);
  const attachments = tree.map(({ oid, attachedBy }) => ({ oid, attachedBy }));
  if (!known) return { attachments, copied: [] };
  const attachedBy = new Map(known.map(k => [k.oid, k.attachedBy]));
  const again = tree.filter(
    m => attachedBy.has(m.oid) && attachedBy.get(m.oid) !== m.attachedBy,
  );
  if (againFails && again.length > 0)
    throw new Error(
      `${again
        .map(m => formatRelation(m))
        .join(
          ', ',
        )} detached and attached again while the run copied ${formatRelation(
        shape.source,
      )}: what was written to it meanwhile reached no capture, and the new version does not have it; run the migration again`,
    );
  const byOid = new Map(tree.map(m => [m.oid, m]));
  const attachedSince = (member: TreeMember | undefined): boolean =>
    member !== undefined &&
    (attachedBy.get(member.oid) !== member.attachedBy ||
      attachedSince(byOid.get(member.parent)));
  const leaves = tree.filter(m => m.leaf && attachedSince(m));
  if (leaves.length > 0) {
    await captureTruncates(client, shape, leaves);
    for (const sql of changedValueFnIfNeededSql(shape)) await client.query(sql);
  }
  const copied: string[] = [];
  for (const member of leaves) {
    const partition = { schema: member.schema, name: member.name };
    await client.query(
      copyRangeSql({ ...shape, source: partition }, [], {
        skipCopied: true,
        keepExisting: true,
      }),
    );
    copied.push(formatRelation(partition));
  }
  return { attachments, copied };
}

/**
 * Puts the capture of TRUNCATE on `leaves`, partitions attached since, before
 * their rows are copied. One truncated before it was on removed rows that the
 * capture may have given the new version, with no record; the storage tells: a
 * table keeps the file it was created with (`relfilenode` = its oid) until a
 * `TRUNCATE` or a rewrite gives it another, read before and after the capture
 * is put on, so that one in between counts. Throws for such a partition (or
 * one rewritten, VACUUM FULL, CLUSTER, before it was attached): the run is
 * undone. Not a foreign partition, which has no file.
 */
async function captureTruncates(
  client: PoolClient,
  shape: MigrationShape,
  leaves: TreeMember[],
): Promise<void> {
  const storage = async () =>
    (
      await catalogRead<{ oid: string; file: string; captured: boolean }>(
        client,
        `SELECT c.oid::int8::text AS oid, c.relfilenode::int8::text AS file,
                EXISTS (SELECT FROM pg_trigger t
                         WHERE t.tgrelid = c.oid AND t.tgname = $2) AS captured
           FROM pg_class c
          WHERE c.oid = ANY ($1::oid[]) AND c.relkind = 'r'`,
        [leaves.map(l => l.oid), truncateCaptureOf(shape).trigger],
      )
    ).rows;
  const before = await storage();
  for (const sql of truncateCaptureOnPartitionsSql(shape))
    await client.query(sql);
  const after = await storage();
  const truncated = before.filter(
    b =>
      !b.captured &&
      (b.file !== b.oid || after.find(a => a.oid === b.oid)?.file !== b.file),
  );
  if (truncated.length > 0)
    throw new Error(
      `${truncated
        .map(t => formatRelation(leaves.find(l => l.oid === t.oid)!))
        .join(', ')}, attached to ${formatRelation(
        shape.source,
      )} while the run copied it, was truncated or rewritten before the run could record it: the new version may keep rows it removed; run the migration again`,
    );
}
