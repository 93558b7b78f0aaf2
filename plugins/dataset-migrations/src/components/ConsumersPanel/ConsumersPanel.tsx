import { useEffect, useState } from 'react';
import { Box, Button, TablePagination, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import GetAppIcon from '@material-ui/icons/GetApp';
import { Progress } from '@backstage/core-components';
import { parseEntityRef } from '@backstage/catalog-model';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import {
  isActiveMigrationStatus,
  type ConsumerDecisionKind,
  type ConsumerState,
  type Migration,
  type MigrationConsumer,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef } from '../../api';
import { datedFileName, messageOf } from '../shared/format';
import { saveBlob } from '../shared/saveBlob';
import { ConsumerProgress } from './ConsumerProgress';
import { ConsumerTable } from './ConsumerTable';
import { PullRequestDialog } from './PullRequestDialog';
import { RetryFailedButton } from './RetryFailedButton';
import { ConsumerStateFilter } from './ConsumerStateFilter';
import { consumerCount, fewRefs } from './consumerText';
import { useConsumerLedger, type LedgerPage } from './useConsumerLedger';

/** Page sizes as the catalog's tables offer them. */
const PAGE_SIZES = [20, 50, 100];

/** What the panel says while no consumer is tracked; `following` while the ledger is polled. */
function noConsumersText(migration: Migration, following: boolean): string {
  if (isActiveMigrationStatus(migration.status))
    return 'Consumers are moved once the dataset has.';
  if (following) return 'Looking for the dataset’s consumers…';
  return 'No consumers are tracked for this run.';
}

/** The consumers of a migrated dataset, each moved to the new version by a patch. */
export function ConsumersPanel(props: { migration: Migration }) {
  const { migration } = props;
  const api = useApi(datasetMigrationsApiRef);
  const alertApi = useApi(alertApiRef);
  const [page, setPage] = useState<LedgerPage>({
    limit: PAGE_SIZES[0],
    offset: 0,
  });
  const { ledger, error, loading, following, reload } = useConsumerLedger(
    migration,
    page,
  );
  // Consumers that left the page's state (retried, decided) can empty a later
  // page: step back to the last page that has some.
  const lastOffset = ledger
    ? Math.max(0, Math.ceil(ledger.total / page.limit) - 1) * page.limit
    : 0;
  useEffect(() => {
    if (ledger && page.offset > lastOffset)
      setPage(p => ({ ...p, offset: lastOffset }));
  }, [ledger, page.offset, lastOffset]);
  const [busy, setBusy] = useState(false);
  const [viewing, setViewing] = useState<MigrationConsumer>();

  /** Runs one action; a refusal is reported in the server's words. */
  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    try {
      await action();
    } catch (e) {
      // Transient: a refusal is about this page, not the next one.
      alertApi.post({
        message: messageOf(e),
        severity: 'error',
        display: 'transient',
      });
    } finally {
      setBusy(false);
    }
  };
  /** One consumer by its row's Retry: refused unless the user may update it. */
  const retryOne = (entityRef: string) =>
    act(async () => {
      const { retried } = await api.retryConsumers(migration.id, [entityRef]);
      if (retried.length === 0)
        alertApi.post({
          message: 'No failed consumer to retry',
          severity: 'info',
          display: 'transient',
        });
      await reload();
    });
  /** Every failed consumer the user may update; the others are left to their owners, and named. */
  const retryFailed = () =>
    act(async () => {
      const { retried, notAllowed = [] } = await api.retryConsumers(
        migration.id,
        undefined,
        { allowedOnly: true },
      );
      const left =
        notAllowed.length > 0
          ? `; left to their owners (you may not update them): ${fewRefs(
              notAllowed,
            )}`
          : '';
      alertApi.post({
        message:
          retried.length === 0
            ? `No failed consumer retried${left}`
            : `Retried ${retried.length} consumer${
                retried.length === 1 ? '' : 's'
              }${left}`,
        severity: notAllowed.length > 0 ? 'warning' : 'info',
        display: 'transient',
      });
      await reload();
    });
  const decide = (
    entityRef: string,
    decision: ConsumerDecisionKind,
    reason?: string,
  ) =>
    act(async () => {
      await api.decideConsumer(migration.id, {
        entityRef,
        decision,
        ...(reason ? { reason } : {}),
      });
      await reload();
    });
  const downloadCsv = () =>
    act(async () => {
      saveBlob(
        await api.getImpactCsv(migration.id),
        datedFileName(
          `${parseEntityRef(migration.entityRef).name}-impact`,
          'csv',
        ),
      );
    });

  const failed = ledger?.counts.failed ?? 0;
  const undecided = ledger?.undecided ?? 0;
  const all = ledger ? consumerCount(ledger) : 0;
  const filter = (state: ConsumerState | undefined) =>
    setPage(p => ({ ...p, offset: 0, state }));
  return (
    <Box role="region" aria-label="Consumer ledger">
      <Box display="flex" alignItems="center" style={{ gap: 8 }} mb={1}>
        <Typography variant="subtitle2" style={{ flexGrow: 1 }}>
          Consumers
        </Typography>
        {failed > 0 && (
          <RetryFailedButton
            migrationId={migration.id}
            version={`${failed}/${ledger?.counts.kept ?? 0}`}
            disabled={busy}
            onRetry={retryFailed}
          />
        )}
        {all > 0 && (
          <Button
            size="small"
            startIcon={<GetAppIcon />}
            disabled={busy}
            onClick={downloadCsv}
          >
            Download impact CSV
          </Button>
        )}
      </Box>
      {migration.status === 'rolled-back' && (
        <Alert severity="info">
          The migration was rolled back: its consumers are superseded and their
          open pull requests closed; nothing more is needed from them.
        </Alert>
      )}
      {error && <Alert severity="error">{messageOf(error)}</Alert>}
      {migration.status === 'awaiting-decision' && (
        <Alert severity="warning">
          No data moves until each consumer that reads a dropped or recomputed
          field, or would break at the cut-over, is decided: {undecided}{' '}
          decision{undecided === 1 ? '' : 's'} left.
        </Alert>
      )}
      {loading && <Progress />}
      {ledger && all === 0 && (
        <Typography variant="body2" color="textSecondary">
          {noConsumersText(migration, following)}
        </Typography>
      )}
      {ledger && all > 0 && (
        <>
          <ConsumerProgress ledger={ledger}>
            <ConsumerStateFilter
              counts={ledger.counts}
              undecided={ledger.undecided}
              total={all}
              value={page.state}
              onChange={filter}
            />
          </ConsumerProgress>
          {ledger.total === 0 ? (
            <Typography variant="body2" color="textSecondary">
              No consumer is in this state now.{' '}
              <Button
                size="small"
                color="primary"
                onClick={() => filter(undefined)}
              >
                Show all consumers
              </Button>
            </Typography>
          ) : (
            // Ten columns outgrow a narrow page: the table scrolls, not the page,
            // rather than breaking names mid-word.
            <Box style={{ overflowX: 'auto' }}>
              <ConsumerTable
                consumers={ledger.consumers}
                onRetry={retryOne}
                onViewPullRequest={setViewing}
                onDecide={decide}
              />
            </Box>
          )}
          {/* Read from the server a page at a time, with the catalog's page sizes. */}
          {ledger.total > PAGE_SIZES[0] && (
            <TablePagination
              component="div"
              count={ledger.total}
              page={Math.floor(page.offset / page.limit)}
              rowsPerPage={page.limit}
              rowsPerPageOptions={PAGE_SIZES}
              onPageChange={(_event, index) =>
                setPage(p => ({ ...p, offset: index * p.limit }))
              }
              onRowsPerPageChange={event =>
                setPage(p => ({
                  ...p,
                  limit: Number(event.target.value),
                  offset: 0,
                }))
              }
            />
          )}
        </>
      )}
      {viewing?.pullRequest && (
        <PullRequestDialog
          migrationId={migration.id}
          consumer={{ ...viewing, pullRequest: viewing.pullRequest }}
          onClose={() => {
            setViewing(undefined);
            // A merge's job has likely moved the consumer on by now.
            reload();
          }}
          onMerged={() => reload()}
        />
      )}
    </Box>
  );
}
