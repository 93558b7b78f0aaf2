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
import { formatRelation, quoteRelation } from './relations';
import type { SourceAsBegun, SourcePartition } from './sourceChanges';
import { truncateCaptureOnPartitionsSql } from './sql/capture';
import { copyRangeSql } from './sql/copy';
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

interface TreeMember extends PartitionAttachment {
  parent: string;
  leaf: boolean;
  schema: string;
  name: string;
}

/**
 * Copies the rows of each partition attached since `known` (it, or a partition
 * above it) that the new version lacks, as the backfill copies: a row the
 * capture wrote meanwhile is newer and kept (a row deleted while it was copied
 * is the caller's to remove, as the backfill's are). Such a partition is given
 * the capture of TRUNCATE.
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
  const { rows: tree } = await catalogRead<TreeMember>(
    client,
    `SELECT t.relid::int8::text AS oid, i.xmin::text AS "attachedBy",
            t.parentrelid::int8::text AS parent, t.isleaf AS leaf,
            n.nspname AS schema, c.relname AS name
       FROM pg_partition_tree($1::regclass) t
       JOIN pg_inherits i ON i.inhrelid = t.relid
       JOIN pg_class c ON c.oid = t.relid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE t.relid <> $1::regclass
      ORDER BY 1`,
    [quoteRelation(shape.source)],
  );
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
  const copied: string[] = [];
  for (const member of tree.filter(m => m.leaf && attachedSince(m))) {
    const partition = { schema: member.schema, name: member.name };
    await client.query(
      copyRangeSql({ ...shape, source: partition }, [], {
        skipCopied: true,
        keepExisting: true,
      }),
    );
    copied.push(formatRelation(partition));
  }
  if (copied.length > 0)
    for (const sql of truncateCaptureOnPartitionsSql(shape))
      await client.query(sql);
  return { attachments, copied };
}
