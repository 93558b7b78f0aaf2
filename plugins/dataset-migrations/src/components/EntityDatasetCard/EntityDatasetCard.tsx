import { useState } from 'react';
import { Box, Grid, Typography } from '@material-ui/core';
import { InfoCard, Link } from '@backstage/core-components';
import useInterval from 'react-use/esm/useInterval';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useAsyncEntity } from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_ENGINE,
  ANNOTATION_TABLE,
  declaredSchemaVersionProblem,
  getDeclaredSchemaVersion,
  isLiveMigration,
  isMovedConsumerState,
  type ConsumerState,
  type ConsumerStateCounts,
  type Migration,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  activeRun,
  ActiveRunNote,
  QueuedToast,
  runLink,
  whyNoMigrate,
} from '../shared/activeRun';
import { DatasetFields } from './DatasetFields';
import { MigrateButton } from '../MigrateDialog';
import { MigrationStatus } from '../shared/MigrationStatus';
import { useMigrations } from '../shared/useMigrations';
import {
  DatasetProblemAlert,
  useDataset,
  whyNoMigrateDataset,
} from '../shared/useDataset';

const CATALOG_POLL_MS = 2000;
/** How long after a migration the card waits for the catalog to show its version. */
const CATALOG_GRACE_MS = 2 * 60 * 1000;

/**
 * The dataset's schema version as the catalog has it, its latest migration, and
 * the Migrate button. After a migration succeeds it re-reads the entity until the
 * catalog shows the new version. A dataset the backend refuses to read (its
 * annotations name an engine, table or version it cannot take) says so up front,
 * with Migrate off, rather than when the dialog opens.
 */
export function EntityDatasetCard() {
  const { entity, refresh } = useAsyncEntity();
  const entityRef = entity ? stringifyEntityRef(entity) : '';
  const { migrations, reload } = useMigrations(entityRef);
  const catalogVersion = entity ? getDeclaredSchemaVersion(entity) : 0;
  const latest = migrations?.[0];
  // Bounded: a catalog without the module (or failing to process) never shows it.
  const awaitingCatalog =
    latest !== undefined &&
    isLiveMigration(latest) &&
    latest.targetVersion > catalogVersion &&
    Date.now() - Date.parse(latest.finishedAt ?? '') < CATALOG_GRACE_MS;

  const { dataset, problem } = useDataset(
    entityRef,
    latest && `${latest.id}:${latest.status}`,
  );
  const consumerCounts = dataset?.consumerCounts;
  const active = activeRun(migrations);
  const [queued, setQueued] = useState<Migration>();

  useInterval(
    () => refresh?.(),
    awaitingCatalog && refresh ? CATALOG_POLL_MS : null,
  );

  if (!entity) return null;
  const annotations = entity.metadata.annotations ?? {};
  // Not "version 1" for a version the backend will not take as one (after a
  // migration the catalog shows the version it reached instead).
  const versionUnknown = declaredSchemaVersionProblem(entity) !== undefined;
  return (
    <InfoCard title="Dataset schema">
      <Grid container spacing={2} alignItems="center">
        {problem && (
          <Grid item xs={12}>
            <DatasetProblemAlert problem={problem} />
          </Grid>
        )}
        <Grid item xs={12} sm={8}>
          <Typography variant="h4" component="p" aria-label="Schema version">
            Schema version {versionUnknown ? 'unknown' : catalogVersion}
          </Typography>
          <Typography variant="body2" color="textSecondary">
            {annotations[ANNOTATION_ENGINE]}:{annotations[ANNOTATION_TABLE]}
          </Typography>
          {latest && (
            <Box mt={1} display="flex" alignItems="center" style={{ gap: 8 }}>
              <Typography variant="body2">
                Last migration, to version {latest.targetVersion}
                {latest.dryRun ? ' (dry run)' : ''}:
              </Typography>
              <MigrationStatus status={latest.status} />
              <Link to="migration-history">history</Link>
            </Box>
          )}
          {consumerCounts !== undefined && (
            <Typography variant="body2" aria-label="Consumers">
              {describeConsumerCounts(
                consumerCounts,
                dataset?.consumersUndecided,
              )}
            </Typography>
          )}
        </Grid>
        <Grid item xs={12} sm={4} style={{ textAlign: 'right' }}>
          <MigrateButton
            entityRef={entityRef}
            unavailable={whyNoMigrate(active) ?? whyNoMigrateDataset(problem)}
            onQueued={migration => {
              setQueued(migration);
              reload();
            }}
          />
          <ActiveRunNote
            run={active}
            href={active && runLink(active.id, false)}
          />
          <QueuedToast
            run={queued}
            href={queued && runLink(queued.id, false)}
            onClose={() => setQueued(undefined)}
          />
        </Grid>
        {dataset?.fields && (
          <Grid item xs={12}>
            <DatasetFields fields={dataset.fields} />
          </Grid>
        )}
      </Grid>
    </InfoCard>
  );
}

/**
 * What each group of states means for the dataset's owner, in the order shown;
 * `undecided` stands for the failed consumers that wait for a person's decision,
 * which `failed` then leaves out (the ledger keeps them failed, though nothing
 * broke).
 */
const COUNT_PARTS: Array<{
  states: Array<ConsumerState | 'undecided'>;
  one: string;
  many: string;
}> = [
  {
    states: ['discovered', 'patched', 'verified'],
    one: 'being patched',
    many: 'being patched',
  },
  {
    states: ['pr-opened'],
    one: 'pull request open',
    many: 'pull requests open',
  },
  {
    states: ['merged'],
    one: 'merged, not yet on its default branch',
    many: 'merged, not yet on their default branches',
  },
  { states: ['failed'], one: 'needs attention', many: 'need attention' },
  { states: ['undecided'], one: 'needs a decision', many: 'need a decision' },
  {
    states: ['kept'],
    one: 'kept on the previous shape',
    many: 'kept on the previous shape',
  },
];

/**
 * "3 pull requests open · 1 needs attention · 1 needs a decision · 2 moved", or
 * all moved. `undecided`: of `counts.failed`, those that wait for a decision.
 */
export function describeConsumerCounts(
  counts: ConsumerStateCounts,
  undecided = 0,
): string {
  const entries = Object.entries(counts) as Array<[ConsumerState, number]>;
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return 'No consumers to move';
  const moved = entries
    .filter(([state]) => isMovedConsumerState(state))
    .reduce((sum, [, n]) => sum + n, 0);
  if (moved === total) return 'All consumers are on the current version';
  const waiting = Math.min(undecided, counts.failed ?? 0);
  const apart: Record<ConsumerState | 'undecided', number> = {
    ...counts,
    failed: (counts.failed ?? 0) - waiting,
    undecided: waiting,
  };
  const parts = COUNT_PARTS.map(({ states, one, many }) => {
    const n = states.reduce((sum, state) => sum + (apart[state] ?? 0), 0);
    return n > 0 ? `${n} ${n === 1 ? one : many}` : undefined;
  }).filter(Boolean);
  if (moved > 0) parts.push(`${moved} moved`);
  return parts.join(' · ');
}
