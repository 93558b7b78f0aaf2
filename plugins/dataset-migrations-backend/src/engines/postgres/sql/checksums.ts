/** Row counts and order-independent checksums, to compare two sets of rows. */

import { type RelationName, quoteRelation } from '../relations';
import type { MigrationShape } from './shape';
import { list, q, valueOf } from './values';

/** An order-independent checksum aggregate: the sum of 64-bit hashes of each row's text. */
export function rowChecksum(row: string): string {
  return `coalesce(sum(('x' || substr(md5((${row})::text), 1, 16))::bit(64)::bigint::numeric), 0)::text`;
}

/** Row count and an order-independent checksum of the mapped columns. */
function checksumSql(relation: RelationName, expressions: string[]): string {
  return `SELECT count(*) AS rows, ${rowChecksum(
    `ROW(${list(expressions)})`,
  )} AS checksum
            FROM ${quoteRelation(relation)} AS s`;
}

/** Verify's two queries: the source as mapped, and the target, each `rows` and `checksum`. */
export function verifySql(shape: MigrationShape): [string, string] {
  return [
    checksumSql(
      shape.source,
      shape.fields.map(f => valueOf(f, 's.')),
    ),
    checksumSql(
      shape.target,
      shape.fields.map(f => `s.${q(f.name)}`),
    ),
  ];
}
