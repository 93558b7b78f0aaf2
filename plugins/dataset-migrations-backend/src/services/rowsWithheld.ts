import type {
  Migration,
  MigrationDetails,
} from '@dataset-migrations/plugin-dataset-migrations-common';

/**
 * Who may read a dataset's rows through its runs: a dry run's sample, and why a
 * run failed (an engine's refusal quotes the values it failed on, and an
 * expression can make it fail on any row it likes). The request guard judges it from
 * the caller's rights on the dataset.
 */
export type SeesRows = (entityRef: string) => Promise<boolean>;

/** `SeesRows` for many datasets at once: those of them whose rows the caller may see. */
export type SeesRowsOf = (entityRefs: string[]) => Promise<Set<string>>;

/** Without a judge of the caller's rights, nobody sees rows. */
export const seesNoRows: SeesRowsOf = async () => new Set();

export const ROWS_WITHHELD =
  "the rows are the dataset's data, shown only to who may start or approve a migration of it";

/**
 * A run as a caller who may not see its dataset's rows reads it: no sample, no
 * verification checksums, and no engine failure text or warning and error log
 * text, which may quote them.
 */
export function withoutRows<T extends Migration | MigrationDetails>(run: T): T {
  const { failureReason, ...rest } = run;
  const details = rest as Partial<MigrationDetails>;
  const { dryRunSample, verification, ...kept } = details;
  return {
    ...kept,
    // A cancel's or a rejection's reason is a person's words, not the engine's.
    ...(failureReason !== undefined
      ? {
          failureReason:
            run.status === 'failed'
              ? `why is withheld: ${ROWS_WITHHELD}`
              : failureReason,
        }
      : {}),
    ...(details.logs
      ? {
          logs: details.logs.map(line =>
            line.level === 'info'
              ? line
              : { ...line, message: `withheld: ${ROWS_WITHHELD}` },
          ),
        }
      : {}),
    ...(dryRunSample ? { dryRunSampleWithheld: ROWS_WITHHELD } : {}),
    ...(verification
      ? {
          verification: {
            ...verification,
            source: { rows: verification.source.rows },
            target: { rows: verification.target.rows },
            checksumsWithheld: ROWS_WITHHELD,
          },
        }
      : {}),
  } as T;
}
