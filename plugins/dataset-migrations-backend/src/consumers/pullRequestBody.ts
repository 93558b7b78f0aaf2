import { parseEntityRef } from '@backstage/catalog-model';
import type {
  ConsumerImpact,
  ConsumerVerification,
  FieldChange,
  Migration,
  MigrationPlan,
  ShadowCheck,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { CANNOT_RUN_HERE } from './verification/shadowCheck';

/**
 * The branch, title and commit message of a consumer's pull request. The branch
 * names the dataset, version and consumer, so a repeat finds the same one.
 */
export function pullRequestNames(
  migration: Migration,
  plan: MigrationPlan,
  consumerRef: string,
): { branch: string; title: string; commitMessage: string } {
  const dataset = parseEntityRef(migration.entityRef).name;
  const title = `Read ${dataset} schema version ${migration.targetVersion}`;
  return {
    // One branch per run: a run to the same version after a rollback (which closed
    // the earlier run's pull request) proposes anew instead of meeting a closed one.
    branch: `dataset-migrations/${dataset}-v${migration.targetVersion}/${
      parseEntityRef(consumerRef).name
    }-${migration.id.slice(0, 8)}`,
    title,
    commitMessage: `${title}\n\nDataset migration ${migration.id} (${plan.engine}:${plan.table}).`,
  };
}

/** The pull request a consumer's owner reviews: what changed upstream, what changed here, and the proof. */
export function pullRequestBody(options: {
  datasetRef: string;
  fromVersion: number;
  targetVersion: number;
  migrationId: string;
  changes: FieldChange[];
  impact: ConsumerImpact;
  verification: ConsumerVerification;
  /** `schema.table` the dataset is renamed to, when it is. */
  renamedTo?: string;
  /** Retyped fields that only widen: read as they are, never cast back. */
  widened?: Array<{ field: string; from: string; to: string }>;
  /** Retyped fields cast back to a bounded old type (see boundedCastBacks). */
  castBack?: Array<{ field: string; from: string; to: string; loses: string }>;
}): string {
  const { impact, verification } = options;
  const lines = [
    `This change moves this consumer from **${options.datasetRef}** schema version ${options.fromVersion} to ${options.targetVersion}` +
      ` (dataset migration \`${options.migrationId}\`).`,
    '',
    '### Mapping',
    '```json',
    JSON.stringify(options.changes, null, 2),
    '```',
    '',
    '### What this consumer reads that changes',
    '| file | fields | lines |',
    '|---|---|---|',
    ...impact.files
      .filter(f => f.status === 'rewritten')
      .map(
        f =>
          `| \`${f.path}\` | ${f.fields.join(', ')} | ${f.lines.join(', ')} |`,
      ),
    ...(options.renamedTo
      ? [
          '',
          `The dataset is renamed to \`${options.renamedTo}\`: this change reads it under that name.`,
        ]
      : []),
    ...(options.widened ?? [])
      .filter(w => impact.fields.includes(w.field))
      .map(
        w =>
          `\n\`${w.field}\` widens from ${w.from} to ${w.to} and is read as it is, with no cast back to ${w.from} (which would overflow again): correct both while the dataset's name still serves ${w.from} (before contract) and once it serves ${w.to}.`,
      ),
    ...(options.castBack ?? [])
      .filter(c => impact.fields.includes(c.field))
      .map(
        c =>
          `\n**After contract:** \`${c.field}\` is read cast back to ${c.from}, as it was: exact while the dataset's name serves ${c.from} (the migration refuses values that do not fit it until contract). Once contracted, writers may store ${c.to} values that do not fit ${c.from}, and this cast ${c.loses} without an error: change the cast when this code can read ${c.to}.`,
      ),
    '',
    '### Verification',
    `Patched by the ${verification.patchedBy}${
      verification.agentTurns ? ` in ${verification.agentTurns} turn(s)` : ''
    }.`,
  ];
  if (verification.command) {
    const c = verification.command;
    lines.push(
      `- \`${c.command}\`: exit ${c.exitCode}${
        c.timedOut ? ' (timed out)' : ''
      } in ${c.durationMs} ms`,
    );
  } else {
    lines.push('- No verification command is declared on this consumer.');
  }
  for (const check of verification.shadowChecks) {
    lines.push(
      `- Shadow check \`${check.path}\` statement ${
        check.statement
      }: ${shadowCheckOutcome(check)}`,
    );
  }
  return lines.join('\n');
}

/**
 * A shadow check as the consumer's repository reads it: whether both versions
 * read the same rows, or why it was skipped. No count or checksum: they answer
 * questions about the dataset's rows (a count made to equal a value), and who
 * reads the repository need not see them; the run shows them to who may.
 */
function shadowCheckOutcome(check: ShadowCheck): string {
  if (check.outcome === 'match')
    return 'match (the same rows on both versions)';
  // PostgreSQL's words may quote the dataset's values: the run keeps them.
  if (check.detail?.startsWith(CANNOT_RUN_HERE))
    return `skipped — ${CANNOT_RUN_HERE} PostgreSQL refused it (the migration's run says why, to who may see the dataset's rows)`;
  if (check.outcome === 'skipped' && check.detail)
    return `skipped — ${check.detail}`;
  return check.outcome;
}
