/** Contract: the previous version is dropped; rollback ends here. */
import type { PoolClient } from 'pg';
import { carrierOf } from '@dataset-migrations/plugin-dataset-migrations-common';
import type { DatasetMigrationRun } from '@dataset-migrations/plugin-dataset-migrations-node';
import { interruptible, type Connections } from '../connection';
import {
  copyGrantsSql,
  formatRelation,
  quoteRelation,
  relationExists,
  type RelationName,
} from '../relations';
import { isCutOver, shapeOf } from '../runShape';
import { isRename, type MigrationShape } from '../sql/shape';
import { q } from '../sql/values';
import { contractStatements } from '../sql/versionSwitch';
import {
  committedContract,
  contractRecordOf,
  ensureContractRecord,
  recordContract,
} from './contractRecord';
import { refuseBuiltOn } from '../preconditions';
import { versionsStep } from './versionsStep';

const UNDEFINED_TABLE = '42P01';

export async function contract(
  db: Connections,
  run: DatasetMigrationRun,
): Promise<void> {
  await interruptible(() => ensureContractRecord(db, run));
  // A retry whose earlier try committed before its worker died: done, not refused.
  const committed = await interruptible(() => committedContract(db, run));
  if (committed) {
    await run.step('contract', () =>
      run.log(
        `${
          committed.dropped
        } was dropped by this contract at ${committed.at.toISOString()}, before the run recorded it: version ${
          run.fromVersion
        } is gone`,
      ),
    );
    return;
  }
  const shape = await shapeToContract(db, run);
  const record = await contractRecordOf(db, run);
  await versionsStep(
    db,
    run,
    shape,
    'contract',
    async (client, dataset, previous) => {
      // The name is this migration's only while no later one put its own
      // trigger on it (a later rename leaves the view, refusing writes).
      const current =
        (await isCutOver(client, shape)) &&
        !(await hasOtherMigrationTrigger(client, shape));
      const grants = current
        ? await copyGrantsSql(client, shape.name, shape.name)
        : undefined;
      await refuseBuiltOn(
        client,
        'contract',
        [
          ...(current ? [shape.name] : []),
          previous,
          ...(isRename(shape, dataset) &&
          (await relationExists(client, dataset.relation))
            ? [dataset.relation]
            : []),
        ],
        [shape.name, dataset.relation],
      );
      // A serial's sequence belongs to the previous version's column; the new
      // version's default uses it, so it moves over before that table goes.
      for (const sql of await moveOwnedSequencesSql(client, shape, previous))
        await client.query(sql);
      for (const sql of contractStatements(shape, dataset, previous, grants))
        await client.query(sql);
      await recordContract(client, record, run, previous);
      return [
        ...(current && !isRename(shape, dataset)
          ? [
              `${formatRelation(shape.name)} now serves version ${
                run.targetVersion
              } exactly: the fields only version ${
                run.fromVersion
              } had are gone from it`,
            ]
          : []),
        `dropped ${formatRelation(previous)}: version ${
          run.fromVersion
        } is gone`,
      ];
    },
  );
}

/**
 * The run's shape, read from its previous version: gone with no contract of this
 * run on record, someone else dropped it, and the contract says so.
 */
export async function shapeToContract(
  db: Connections,
  run: DatasetMigrationRun,
): Promise<MigrationShape> {
  return interruptible(() => shapeOf(db, run)).catch(error => {
    if ((error as { code?: string }).code === UNDEFINED_TABLE) {
      throw new Error(
        `version ${run.fromVersion} of ${
          run.dataset.table
        } is gone, and not by this migration's contract (the engine holds no record of one): ${
          (error as Error).message
        }`,
      );
    }
    throw error;
  });
}

/** Whether another migration's trigger is on the name (it moved the name on). */
async function hasOtherMigrationTrigger(
  client: PoolClient,
  shape: MigrationShape,
): Promise<boolean> {
  const { rows } = await client.query(
    `SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND NOT t.tgisinternal
        AND t.tgname LIKE 'dsm\\_%' AND t.tgname <> $3`,
    [shape.name.schema, shape.name.name, shape.expand.trigger],
  );
  return rows.length > 0;
}

/** The integer types a sequence can have, by width. */
const INTEGER_WIDTHS: Record<string, number> = {
  smallint: 1,
  integer: 2,
  bigint: 3,
};

/**
 * Sequences owned by the previous version's columns, handed to the fields that
 * carry them. PostgreSQL links a sequence only to a table of its own owner: where
 * the new version is another's (the migration's role, the old table an
 * application's), the sequence is set free instead, so the previous version's
 * drop leaves it to the default that uses it. A serial's sequence has its
 * column's type (`AS integer`), which bounds it: where the field is widened to a
 * wider integer (a key made bigint before it runs out), the sequence is widened
 * with it, its bound with it where it was the type's own. Not before contract:
 * until then every value must fit the previous type.
 */
async function moveOwnedSequencesSql(
  client: PoolClient,
  shape: MigrationShape,
  previous: RelationName,
): Promise<string[]> {
  const { rows } = await client.query<{
    schema: string;
    sequence: string;
    column: string;
    type: string;
    sameOwner: boolean;
  }>(
    `SELECT sn.nspname AS schema, s.relname AS sequence, a.attname AS column,
            format_type(sq.seqtypid, NULL) AS type,
            s.relowner = (SELECT relowner FROM pg_class WHERE oid = to_regclass($2)) AS "sameOwner"
       FROM pg_depend d
       JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
       JOIN pg_sequence sq ON sq.seqrelid = s.oid
       JOIN pg_namespace sn ON sn.oid = s.relnamespace
       JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
      WHERE d.refobjid = to_regclass($1) AND d.deptype = 'a'`,
    [quoteRelation(previous), quoteRelation(shape.target)],
  );
  const statements: string[] = [];
  for (const r of rows) {
    const sequence = quoteRelation({ schema: r.schema, name: r.sequence });
    const field = carrierOf(shape.fields, r.column);
    // Gone when a later migration built on it was contracted first (the
    // earlier one only added fields): the version now serving carries it.
    const carrier = (await relationExists(client, shape.target))
      ? field && {
          table: shape.target,
          column: field.name,
          type: field.type,
          sameOwner: r.sameOwner,
        }
      : await laterCarrierOf(client, sequence, previous, shape.target);
    const type = carrier?.type.trim().toLowerCase() ?? '';
    const widened =
      (INTEGER_WIDTHS[type] ?? 0) > (INTEGER_WIDTHS[r.type] ?? Infinity)
        ? ` AS ${type}`
        : '';
    statements.push(
      `ALTER SEQUENCE ${sequence}${widened} OWNED BY ${
        carrier?.sameOwner
          ? `${quoteRelation(carrier.table)}.${q(carrier.column)}`
          : 'NONE'
      }`,
    );
  }
  return statements;
}

/**
 * The column a sequence goes to when this migration's new version (`target`)
 * is gone: of the dataset's later versions (`target`'s name and schema, a
 * higher number) whose column defaults draw from it, the earliest (a later one
 * still uncontracted hands it on at its own contract), with that column's
 * type, which the sequence is widened to. Found by a probe (2026-12-06): a key
 * widened by a later migration contracted before an earlier add-only one kept
 * a sequence `AS integer`, set free. Not any table named `…_v<N>` drawing from
 * it (found by a review: `audit_v1` took the sequence, left narrow).
 */
async function laterCarrierOf(
  client: PoolClient,
  sequence: string,
  previous: RelationName,
  target: RelationName,
): Promise<
  | { table: RelationName; column: string; type: string; sameOwner: boolean }
  | undefined
> {
  const [, base, version] = target.name.match(/^(.*)_v(\d+)$/) ?? [];
  if (base === undefined) return undefined;
  const { rows } = await client.query<{
    schema: string;
    table: string;
    column: string;
    type: string;
    sameOwner: boolean;
  }>(
    `SELECT n.nspname AS schema, c.relname AS table, a.attname AS column,
            format_type(a.atttypid, NULL) AS type,
            c.relowner = s.relowner AS "sameOwner"
       FROM pg_depend d
       JOIN pg_class s ON s.oid = d.refobjid
       JOIN pg_attrdef ad ON ad.oid = d.objid
       JOIN pg_class c ON c.oid = ad.adrelid AND c.relkind IN ('r', 'p')
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
      WHERE d.classid = 'pg_attrdef'::regclass
        AND d.refclassid = 'pg_class'::regclass
        AND d.refobjid = $1::regclass
        AND c.oid <> to_regclass($2)
        AND n.nspname = $3
        AND substring(c.relname from '^(.*)_v[0-9]+$') = $4
        AND substring(c.relname from '_v([0-9]+)$')::int > $5
      ORDER BY substring(c.relname from '_v([0-9]+)$')::int`,
    [sequence, quoteRelation(previous), target.schema, base, version],
  );
  const row = rows[0];
  return (
    row && {
      table: { schema: row.schema, name: row.table },
      column: row.column,
      type: row.type,
      sameOwner: row.sameOwner,
    }
  );
}
