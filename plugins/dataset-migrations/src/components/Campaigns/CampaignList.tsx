import { useHref } from 'react-router-dom';
import { Link, Table, type TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { ButtonLink, Container, Header } from '@backstage/ui';
import {
  datasetMigrationCampaignCreatePermission,
  type CampaignSummary,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef } from '../../api';
import { useBasicPermitted } from '../shared/PermittedButton';
import { SIGNALLED_POLL_MS } from '../shared/useChannelSignals';
import { usePolledValue } from '../shared/usePolledValue';
import { campaignStateLabel } from '../shared/labels';
import { GuardedButton } from '../shared/GuardedButton';
import { countedTitle } from '../shared/format';
import { Problems } from './Problems';
import { ProgressCount } from './ProgressCount';
import { RelativeTime } from './RelativeTime';
import { StatusLabel } from '../shared/StatusLabel';
import { useCampaignSignals } from './useCampaignSignals';

const columns: TableColumn<CampaignSummary>[] = [
  {
    title: 'Campaign',
    field: 'title',
    highlight: true,
    render: row => <Link to={encodeURIComponent(row.id)}>{row.title}</Link>,
  },
  {
    title: 'Owner',
    field: 'owner',
    render: row => <EntityRefLink entityRef={row.owner} defaultKind="group" />,
  },
  {
    title: 'State',
    field: 'state',
    render: row => <StatusLabel {...campaignStateLabel(row)} />,
  },
  {
    title: 'Deadline',
    field: 'deadline',
    render: row => <RelativeTime iso={row.deadline} />,
  },
  {
    title: 'Progress',
    field: 'counts.done',
    render: row => (
      <ProgressCount
        label={`${row.title}: datasets done`}
        done={row.counts.done}
        total={row.counts.datasets}
        failed={row.counts.failed}
        rolledBack={row.counts.rolledBack}
      />
    ),
  },
];

/** Every campaign, newest first as the backend lists them, and New campaign. */
export function CampaignList() {
  const api = useApi(datasetMigrationsApiRef);
  const signals = useCampaignSignals();
  const campaigns = usePolledValue(
    () => api.listCampaigns(),
    [api, signals.changes],
    () => SIGNALLED_POLL_MS,
  );
  const canCreate = useBasicPermitted(datasetMigrationCampaignCreatePermission);
  const newCampaignHref = useHref('new');
  return (
    <>
      <Header
        title="Campaigns"
        description="Move a fleet of datasets and their consumers in waves that stop themselves."
        customActions={
          canCreate.allowed ? (
            <ButtonLink variant="primary" href={newCampaignHref}>
              New campaign
            </ButtonLink>
          ) : (
            canCreate.whyNot && (
              // There for everyone, saying why it cannot be used.
              <GuardedButton
                variant="contained"
                color="primary"
                whyNot={canCreate.whyNot}
              >
                New campaign
              </GuardedButton>
            )
          )
        }
      />
      <Container>
        {campaigns.error && (
          <Problems
            title="Campaigns could not be read"
            error={campaigns.error}
          />
        )}
        <Table<CampaignSummary>
          title={countedTitle('Campaigns', campaigns.value)}
          isLoading={campaigns.loading}
          options={{ paging: false, search: true, padding: 'dense' }}
          columns={columns}
          data={campaigns.value ?? []}
        />
      </Container>
    </>
  );
}
