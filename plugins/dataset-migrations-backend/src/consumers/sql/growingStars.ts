/**
 * `*` of relations made from the dataset's `*`, read into a fixed number of
 * columns: from the cut-over the dataset's `*` has the new version's own
 * fields after the previous ones, and so does every relation made with it.
 */
import type { StatementAnalysis } from './analyzeSql';
import type { ConsumerMapping } from './fieldMapping';
import { namedFew } from '../../validation/namedFew';

type TableStarCounted = StatementAnalysis['tableStarsCounted'][number];

/**
 * Takes in what `statement` makes (a CTE, temp table, `SELECT INTO` or view
 * with `*` of the dataset among its columns, or with `*` of one so made) into
 * `grows`, which carries them from one statement of a file or code text to
 * the next, and returns the statement's `*`s of such relations read into a
 * fixed number of columns, each with the relation that grows.
 */
export function growingStarsCounted(
  statement: StatementAnalysis,
  grows: Set<string>,
): Array<{ star: TableStarCounted; relation: string }> {
  for (const name of statement.grows) grows.add(name);
  for (let more = true; more; ) {
    more = false;
    for (const { name, tables } of statement.growsThrough)
      if (!grows.has(name) && tables.some(t => grows.has(t))) {
        grows.add(name);
        more = true;
      }
  }
  return statement.tableStarsCounted.flatMap(star => {
    const relation = star.tables.find(t => grows.has(t));
    // A `*` over the dataset and such a relation at once is the dataset's.
    const datasetStar = statement.stars.some(
      s =>
        s.start === star.start &&
        s.countFixedBy &&
        s.relations.some(r => r.dataset),
    );
    return relation && !datasetStar ? [{ star, relation }] : [];
  });
}

/** A `*` read into a fixed number of columns (see StarUse.countFixedBy). */
export interface CountedStar {
  /** Where it is in the SQL analyzed. */
  start: number;
  /** The `*` as the SQL has it (`*`, `o.*`). */
  text: string;
  countFixedBy: string;
  /** A relation the SQL makes with `*` of the dataset, whose `*` this is. */
  through?: string;
}

/**
 * The `*`s of the dataset, or of a relation the statements make with it, that
 * they take a fixed number of columns from, in `text` (the SQL analyzed).
 */
export function starsCounted(
  statements: StatementAnalysis[],
  text: string,
): CountedStar[] {
  const grows = new Set<string>();
  return statements.flatMap(statement => [
    ...statement.stars.flatMap(star =>
      star.countFixedBy && star.relations.some(r => r.dataset)
        ? [
            {
              start: star.start,
              text: text.slice(star.start, star.end),
              countFixedBy: star.countFixedBy,
            },
          ]
        : [],
    ),
    ...growingStarsCounted(statement, grows).map(({ star, relation }) => ({
      start: star.start,
      text: text.slice(star.start, star.end),
      countFixedBy: star.countFixedBy,
      through: relation,
    })),
  ]);
}

/** The `*` a counted star is of, for {@link growingStarRead}. */
export function starOf(table: string, through?: string): string {
  return through
    ? `\`*\` of ${through}, which is made with \`*\` of ${table},`
    : `\`*\` of ${table}`;
}

/**
 * Why a `*` read into a fixed number of columns fails from cut-over, where
 * `what` (`*` through the dataset's name, or a copy the file makes of it) has
 * the new version's own fields after the previous ones.
 */
export function growingStarRead(
  text: string,
  countFixedBy: string,
  what: string,
  mapping: ConsumerMapping,
): string {
  return `\`${text}\` is read into ${countFixedBy}, and from the cut-over on ${what} also has the new version's ${namedFew(
    mapping.newAtCutOver.map(f => `"${f}"`),
  )} after its fields, so this statement fails from then, whatever is decided ("more expressions than target columns", "must have the same number of columns", "subquery has too many columns", "must appear in the GROUP BY clause"): list the columns it takes before the migration runs`;
}
