import { useState, type ReactNode } from 'react';
import { useParams } from 'react-router-dom';
import { Box, Button, Grid, Typography } from '@material-ui/core';
import { Alert, AlertTitle } from '@material-ui/lab';
import {
  InfoCard,
  Link,
  Progress,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import {
  EntityRefLink,
  entityRouteParams,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { Container, Header } from '@backstage/ui';
import {
  ACTIVE_CAMPAIGN_STATES,
  type Campaign,
  type CampaignDatasetProgress,
  type CampaignEscalation,
  type CampaignStuckItem,
  type MigrationStatus,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef } from '../../api';
import { formatTime } from '../shared/format';
import { saveBlob } from '../shared/saveBlob';
import { SIGNALLED_POLL_MS } from '../shared/useChannelSignals';
import { usePolledValue } from '../shared/usePolledValue';
import { BurndownChart } from './BurndownChart';
import { CampaignActions } from './CampaignActions';
import {
  campaignCsvFileName,
  campaignDatasetsCsv,
  NO_OWNER,
  progressByOwner,
  STUCK_KINDS,
  type OwnerProgress,
} from './campaignText';
import {
  campaignStateLabel,
  campaignDatasetLabel,
  MIGRATION_STATUSES,
  waveStateLabel,
} from '../shared/labels';
import { RefsInText } from '../shared/RefsInText';
import { Problems } from './Problems';
import { ProgressCount } from './ProgressCount';
import { RelativeTime } from './RelativeTime';
import { StatusLabel } from '../shared/StatusLabel';
import { useCampaignSignals } from './useCampaignSignals';

/**
 * Where a run is read in full: its dataset's Migration History tab with the run
 * open, the link notifications carry.
 */
function useMigrationHref() {
  const entityRoute = useRouteRef(entityRouteRef);
  return (entityRef: string, migrationId: string) =>
    `${entityRoute(
      entityRouteParams(entityRef),
    )}/migration-history?migration=${encodeURIComponent(migrationId)}`;
}

function OwnerLink(props: { owner?: string }) {
  return props.owner && props.owner !== NO_OWNER ? (
    <EntityRefLink entityRef={props.owner} defaultKind="group" />
  ) : (
    <>—</>
  );
}

/** The campaign page, `/campaigns/:id`. */
export function CampaignDetails() {
  const { id = '' } = useParams();
  const api = useApi(datasetMigrationsApiRef);
  const signals = useCampaignSignals(id);
  const loaded = usePolledValue(
    () => api.getCampaign(id),
    [api, id, signals.changes],
    // Signals say when it changed; the poll covers one that never arrived.
    campaign =>
      campaign && !ACTIVE_CAMPAIGN_STATES.includes(campaign.state)
        ? undefined
        : SIGNALLED_POLL_MS,
  );
  const [failure, setFailure] = useState<{ title: string; error: unknown }>();
  const campaign = loaded.value;

  if (!campaign) {
    return (
      <>
        <Header title="Campaign" />
        <Container>
          {loaded.error ? (
            <Problems
              title="The campaign could not be read"
              error={loaded.error}
            />
          ) : (
            <Progress />
          )}
        </Container>
      </>
    );
  }
  return (
    <CampaignView
      campaign={campaign}
      readError={loaded.error}
      failure={failure}
      onChanged={() => {
        setFailure(undefined);
        loaded.reload();
      }}
      onFailed={(title, error) => setFailure({ title, error })}
    />
  );
}

/** A state's label stays on one line (columns take their own cellStyle: the table writes to it). */
const NO_WRAP = { whiteSpace: 'nowrap' } as const;

/** "Awaiting approval" rather than `awaiting-approval`; a status this portal does not know, as sent. */
function migrationStatusLabel(status?: string): string {
  if (!status) return 'Open';
  return MIGRATION_STATUSES[status as MigrationStatus]?.label ?? status;
}

export function CampaignView(props: {
  campaign: Campaign;
  readError?: Error;
  failure?: { title: string; error: unknown };
  onChanged(): void;
  onFailed(title: string, error: unknown): void;
}) {
  const { campaign, readError, failure, onChanged, onFailed } = props;
  const migrationHref = useMigrationHref();
  const state = campaignStateLabel(campaign);
  const owners = progressByOwner(campaign.datasets);
  const outstandingConsumers = campaign.datasets.reduce(
    (sum, d) => sum + d.consumersOutstanding,
    0,
  );

  const exportCsv = () =>
    saveBlob(
      new Blob([campaignDatasetsCsv(campaign)], {
        type: 'text/csv; charset=utf-8',
      }),
      campaignCsvFileName(campaign),
    );

  const datasetColumns: TableColumn<CampaignDatasetProgress>[] = [
    {
      title: 'Dataset',
      field: 'entityRef',
      highlight: true,
      cellStyle: { whiteSpace: 'nowrap' },
      render: row => <EntityRefLink entityRef={row.entityRef} />,
    },
    { title: 'Wave', field: 'wave', type: 'numeric', align: 'left' },
    {
      title: 'Owner',
      field: 'owner',
      cellStyle: { whiteSpace: 'nowrap' },
      render: row => <OwnerLink owner={row.owner} />,
    },
    { title: 'Criticality', field: 'criticality' },
    {
      title: 'State',
      field: 'state',
      render: row => (
        <>
          <span style={NO_WRAP}>
            <StatusLabel {...campaignDatasetLabel(row)} />
          </span>
          {row.reason && (
            <Typography variant="caption" display="block">
              {row.reason}
            </Typography>
          )}
        </>
      ),
    },
    {
      title: 'Migration',
      field: 'migrationId',
      render: row =>
        row.migrationId ? (
          <Link to={migrationHref(row.entityRef, row.migrationId)}>
            {migrationStatusLabel(row.migrationStatus)}
          </Link>
        ) : (
          '—'
        ),
    },
    {
      title: 'Consumers moved',
      field: 'consumersMoved',
      type: 'numeric',
      align: 'left',
      // Rolled back, its consumers were superseded, not moved: nothing to count.
      render: row =>
        row.state === 'rolled-back'
          ? '— (rolled back)'
          : `${row.consumersMoved}/${
              row.consumersMoved + row.consumersOutstanding
            }`,
    },
  ];

  const stuckColumns: TableColumn<CampaignStuckItem>[] = [
    { title: 'What', field: 'kind', render: row => STUCK_KINDS[row.kind] },
    {
      title: 'Dataset',
      field: 'entityRef',
      cellStyle: { whiteSpace: 'nowrap' },
      render: row => <EntityRefLink entityRef={row.entityRef} />,
    },
    {
      title: 'Detail',
      field: 'detail',
      render: row => <RefsInText text={row.detail} />,
    },
    {
      title: 'Since',
      field: 'since',
      render: row => <RelativeTime iso={row.since} />,
    },
    {
      title: 'Migration',
      field: 'migrationId',
      render: row =>
        row.migrationId ? (
          <Link to={migrationHref(row.entityRef, row.migrationId)}>
            Open migration
          </Link>
        ) : (
          '—'
        ),
    },
  ];

  const ownerColumns: TableColumn<OwnerProgress>[] = [
    {
      title: 'Dataset owner',
      field: 'owner',
      cellStyle: { whiteSpace: 'nowrap' },
      render: row => <OwnerLink owner={row.owner} />,
    },
    { title: 'Datasets done', field: 'done', type: 'numeric', align: 'left' },
    {
      title: 'Datasets outstanding',
      field: 'outstanding',
      type: 'numeric',
      align: 'left',
    },
    {
      title: 'Their datasets’ consumers outstanding',
      field: 'consumersOutstanding',
      type: 'numeric',
      align: 'left',
    },
  ];

  return (
    <>
      <Header
        title={campaign.title}
        description={campaign.document.description}
        customActions={
          <CampaignActions
            campaign={campaign}
            onChanged={onChanged}
            onFailed={onFailed}
          />
        }
      />
      <Container>
        <Grid container spacing={3}>
          <Grid item xs={12}>
            <Box display="flex" flexWrap="wrap" style={{ gap: 32 }}>
              <Fact label="State">
                <StatusLabel {...state} />
              </Fact>
              <Fact label="Deadline">
                <RelativeTime iso={campaign.deadline} />{' '}
                <Typography variant="caption" color="textSecondary">
                  {formatTime(campaign.deadline)}
                </Typography>
              </Fact>
              <Fact label="Owner">
                <OwnerLink owner={campaign.owner} />
              </Fact>
              <Fact label="Datasets">
                <ProgressCount
                  label="Datasets done"
                  done={campaign.counts.done}
                  total={campaign.counts.datasets}
                  failed={campaign.counts.failed}
                  rolledBack={campaign.counts.rolledBack}
                />
              </Fact>
              <Fact label="Consumers outstanding">{outstandingConsumers}</Fact>
              <Fact label="Name">{campaign.name}</Fact>
            </Box>
          </Grid>
          {campaign.stateReason && (
            <Grid item xs={12}>
              <Alert
                severity={campaign.state === 'paused' ? 'warning' : 'info'}
                role="status"
              >
                <AlertTitle>
                  {campaign.state === 'paused'
                    ? 'Paused'
                    : `${state.label}: why`}
                </AlertTitle>
                {campaign.stateReason}
              </Alert>
            </Grid>
          )}
          {campaign.escalation && (
            <Grid item xs={12}>
              <DeadlineEscalation escalation={campaign.escalation} />
            </Grid>
          )}
          {failure && (
            <Grid item xs={12}>
              <Problems {...failure} />
            </Grid>
          )}
          {readError && (
            <Grid item xs={12}>
              <Alert severity="warning">
                Showing the campaign as last read: {readError.message}
              </Alert>
            </Grid>
          )}
          <Grid item xs={12} md={5}>
            <InfoCard title="Waves" noPadding>
              <Box
                p={2}
                display="flex"
                flexDirection="column"
                style={{ gap: 12 }}
              >
                {[...campaign.waves]
                  .sort((a, b) => a.index - b.index)
                  .map(wave => (
                    <Box
                      key={wave.index}
                      role="group"
                      aria-label={`Wave ${wave.index}`}
                    >
                      <Box display="flex" justifyContent="space-between">
                        <Typography variant="subtitle2">
                          {wave.kind === 'canary'
                            ? `Canary (wave ${wave.index})`
                            : `Wave ${wave.index}`}
                        </Typography>
                        <StatusLabel {...waveStateLabel(wave)} />
                      </Box>
                      <ProgressCount
                        label={`Wave ${wave.index} done`}
                        done={wave.done}
                        total={wave.datasets}
                        failed={wave.failed}
                        rolledBack={wave.rolledBack}
                      />
                      {wave.state === 'soaking' && wave.soakedAt && (
                        <Typography variant="caption" color="textSecondary">
                          Soaks until <RelativeTime iso={wave.soakedAt} />
                        </Typography>
                      )}
                    </Box>
                  ))}
              </Box>
            </InfoCard>
          </Grid>
          <Grid item xs={12} md={7}>
            <InfoCard title="Burndown" noPadding>
              <Box p={1}>
                {campaign.burndown.length > 0 ? (
                  <BurndownChart
                    points={campaign.burndown}
                    deadline={campaign.deadline}
                    finishedAt={campaign.finishedAt}
                  />
                ) : (
                  <Typography variant="body2" color="textSecondary">
                    Nothing to draw until the campaign starts.
                  </Typography>
                )}
              </Box>
            </InfoCard>
          </Grid>
          <Grid item xs={12}>
            <Table<CampaignStuckItem>
              title={`Stuck (${campaign.stuck.length})`}
              options={{ paging: false, search: false, padding: 'dense' }}
              columns={stuckColumns}
              data={campaign.stuck}
              emptyContent={
                <Box p={2}>
                  <Typography variant="body2">
                    Nothing needs a person right now.
                  </Typography>
                </Box>
              }
            />
          </Grid>
          <Grid item xs={12}>
            <Table<OwnerProgress>
              title="By dataset owner"
              options={{ paging: false, search: false, padding: 'dense' }}
              columns={ownerColumns}
              data={owners}
            />
          </Grid>
          <Grid item xs={12}>
            <Table<CampaignDatasetProgress>
              title={`Datasets (${campaign.datasets.length})`}
              options={{
                paging: campaign.datasets.length > 50,
                pageSize: 50,
                search: true,
                padding: 'dense',
              }}
              columns={datasetColumns}
              data={campaign.datasets}
            />
            <Box display="flex" justifyContent="flex-end" mt={1}>
              <Button variant="outlined" onClick={exportCsv}>
                Export CSV
              </Button>
            </Box>
          </Grid>
        </Grid>
      </Container>
    </>
  );
}

/** Whom the campaign told that its deadline nears, per owning team. */
function DeadlineEscalation(props: { escalation: CampaignEscalation }) {
  const { at, lastAt, consumers, datasets, byOwner } = props.escalation;
  return (
    <Alert severity="info" aria-label="Deadline escalation">
      <AlertTitle>Deadline near: owners told</AlertTitle>
      The owners of {plural(consumers, 'consumer')} and{' '}
      {plural(datasets, 'dataset')} still outstanding were told on{' '}
      {formatTime(at)}
      {lastAt !== at ? ` (the last on ${formatTime(lastAt)})` : ''}; the
      campaign's owner got this summary.
      <Box component="ul" m={0} pl={3}>
        {byOwner.map(t => (
          <li key={t.owner ?? ''}>
            {t.owner ? <EntityRefLink entityRef={t.owner} /> : 'No owner'}:{' '}
            {plural(t.consumers, 'consumer')}, {plural(t.datasets, 'dataset')}
          </li>
        ))}
      </Box>
    </Alert>
  );
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

function Fact(props: { label: string; children: ReactNode }) {
  return (
    <Box>
      <Typography variant="overline" color="textSecondary" display="block">
        {props.label}
      </Typography>
      <Box display="flex" alignItems="center" style={{ gap: 4 }}>
        {props.children}
      </Box>
    </Box>
  );
}
