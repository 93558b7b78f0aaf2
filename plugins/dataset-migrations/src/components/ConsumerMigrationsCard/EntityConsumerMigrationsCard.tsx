import { useCallback, useEffect, useState } from 'react';
import { Box, Button, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { InfoCard, Progress } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import type {
  ConsumerDecisionKind,
  ConsumerMigrationEntry,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef } from '../../api';
import { messageOf } from '../shared/format';
import { PullRequestDialog } from '../ConsumersPanel/PullRequestDialog';
import { ConsumerMigrationEntryView } from './ConsumerMigrationEntryView';

/** Runs shown at first, and added by each "Show older". */
export const PAGE_SIZE = 5;

/**
 * For an entity that reads datasets: the migrations that affect it, newest first,
 * with where it stands in each, its pull request and patch, the decision it needs,
 * and what happens to it at contract.
 */
export function EntityConsumerMigrationsCard() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const api = useApi(datasetMigrationsApiRef);
  const alertApi = useApi(alertApiRef);
  const [entries, setEntries] = useState<ConsumerMigrationEntry[]>();
  const [nextOffset, setNextOffset] = useState<number>();
  const [error, setError] = useState<unknown>();
  const [viewing, setViewing] = useState<ConsumerMigrationEntry>();

  /** Reads the first `count` runs again: a decision or merge changes the rows shown. */
  const load = useCallback(
    async (count: number) => {
      try {
        const page = await api.listConsumerMigrations(entityRef, {
          limit: count,
        });
        setEntries(page.items);
        setNextOffset(page.nextOffset);
        setError(undefined);
      } catch (e) {
        setError(e);
      }
    },
    [api, entityRef],
  );
  useEffect(() => {
    load(PAGE_SIZE);
  }, [load]);
  const shown = entries?.length ?? 0;
  const reload = () => load(Math.max(shown, PAGE_SIZE));

  const showOlder = async () => {
    try {
      const page = await api.listConsumerMigrations(entityRef, {
        limit: PAGE_SIZE,
        offset: nextOffset,
      });
      setEntries(current => [...(current ?? []), ...page.items]);
      setNextOffset(page.nextOffset);
    } catch (e) {
      alertApi.post({
        message: messageOf(e),
        severity: 'error',
        display: 'transient',
      });
    }
  };

  const decide =
    (migrationId: string) =>
    async (
      consumerRef: string,
      decision: ConsumerDecisionKind,
      reason?: string,
    ) => {
      try {
        await api.decideConsumer(migrationId, {
          entityRef: consumerRef,
          decision,
          ...(reason ? { reason } : {}),
        });
      } catch (e) {
        alertApi.post({
          message: messageOf(e),
          severity: 'error',
          display: 'transient',
        });
      }
      await reload();
    };

  return (
    <InfoCard title="Dataset migrations">
      {error !== undefined && (
        <Alert severity="error">{messageOf(error)}</Alert>
      )}
      {entries === undefined && error === undefined && <Progress />}
      {entries?.length === 0 && (
        <Typography variant="body2" color="textSecondary">
          No migration of a dataset {entity.metadata.name} reads has reached it:
          nothing to do.
        </Typography>
      )}
      {entries?.map((entry, i) => (
        <ConsumerMigrationEntryView
          key={entry.migration.id}
          entry={entry}
          divider={i < entries.length - 1 || nextOffset !== undefined}
          onDecide={decide(entry.migration.id)}
          onViewPullRequest={() => setViewing(entry)}
        />
      ))}
      {nextOffset !== undefined && (
        <Box mt={1}>
          <Button size="small" onClick={showOlder}>
            Show older migrations
          </Button>
        </Box>
      )}
      {viewing?.consumer.pullRequest && (
        <PullRequestDialog
          migrationId={viewing.migration.id}
          consumer={{
            ...viewing.consumer,
            pullRequest: viewing.consumer.pullRequest,
          }}
          onClose={() => {
            setViewing(undefined);
            reload();
          }}
          onMerged={() => reload()}
        />
      )}
    </InfoCard>
  );
}
