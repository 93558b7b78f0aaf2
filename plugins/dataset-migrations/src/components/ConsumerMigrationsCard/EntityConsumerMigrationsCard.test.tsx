import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import type {
  ConsumerMigrationEntry,
  ConsumerMigrationsResponse,
  Migration,
  MigrationConsumer,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef, type DatasetMigrationsApi } from '../../api';
import { EntityConsumerMigrationsCard } from './EntityConsumerMigrationsCard';

const REPORT = 'component:default/daily-listening-report';
const DENIED = 'component:default/weekly-report';
const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'daily-listening-report', namespace: 'default' },
  spec: { type: 'pipeline', owner: 'group:default/listening-insights' },
  relations: [
    { type: 'dependsOn', targetRef: 'resource:default/listening-events' },
  ],
};

const PATCH =
  '--- a/reports/daily.sql\n+++ b/reports/daily.sql\n-SELECT e.country\n+SELECT e.country_code\n';
const DAY = 86_400_000;

function entry(
  consumer: Partial<MigrationConsumer>,
  migration: Partial<Migration> = {},
  contract: ConsumerMigrationEntry['contract'] = { consumersStillMoving: 0 },
): ConsumerMigrationEntry {
  return {
    migration: {
      id: 'm1',
      entityRef: 'resource:default/listening-events',
      status: 'succeeded',
      fromVersion: 2,
      targetVersion: 3,
      dryRun: false,
      createdAt: '2026-11-30T10:00:00.000Z',
      finishedAt: '2026-11-30T10:05:00.000Z',
      ...migration,
    } as Migration,
    consumer: {
      entityRef: REPORT,
      depth: 1,
      state: 'discovered',
      attempts: 0,
      updatedAt: '2026-11-30T10:06:00.000Z',
      ...consumer,
    },
    contract,
  };
}

async function renderCard(
  pages: ConsumerMigrationsResponse[],
  options: { mayUpdate?: boolean } = {},
) {
  const api = {
    listConsumerMigrations: jest.fn(async () => pages.shift()!),
    decideConsumer: jest.fn(async () => ({})),
  } as unknown as jest.Mocked<DatasetMigrationsApi>;
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [datasetMigrationsApiRef, api],
        [
          permissionApiRef,
          mockApis.permission({
            authorize:
              options.mayUpdate === false
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          }),
        ],
      ]}
    >
      <EntityProvider entity={entity}>
        <EntityConsumerMigrationsCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
  return api;
}

describe('EntityConsumerMigrationsCard', () => {
  it('says so when no migration has reached the entity', async () => {
    const api = await renderCard([{ items: [] }]);
    expect(
      await screen.findByText(
        /No migration of a dataset daily-listening-report reads has reached it/,
      ),
    ).toBeInTheDocument();
    expect(api.listConsumerMigrations).toHaveBeenCalledWith(REPORT, {
      limit: 5,
    });
  });

  it('shows an open pull request with its patch, and the date to merge it by', async () => {
    const keptUntil = new Date(Date.now() + 2 * DAY).toISOString();
    await renderCard([
      {
        items: [
          entry(
            {
              state: 'pr-opened',
              patch: PATCH,
              pullRequest: {
                provider: 'github',
                url: 'https://github.com/acme/reports/pull/7',
                number: 7,
                branch: 'dataset-migrations/listening-events-v3',
                state: 'open',
              },
            },
            {},
            { consumersStillMoving: 2, previousVersionKeptUntil: keptUntil },
          ),
        ],
      },
    ]);
    const run = await screen.findByRole('region', {
      name: 'Migration of listening-events to version 3',
    });
    expect(within(run).getByText('listening-events')).toBeInTheDocument();
    expect(within(run).getByText('Succeeded')).toBeInTheDocument();
    expect(within(run).getByLabelText('Consumer state')).toHaveTextContent(
      'Pull request open',
    );
    expect(
      within(run).getByRole('link', { name: /#7 \(open\)/ }),
    ).toHaveAttribute('href', 'https://github.com/acme/reports/pull/7');
    expect(within(run).getByRole('link', { name: 'run' })).toHaveAttribute(
      'href',
      '/catalog/default/resource/listening-events/migration-history',
    );
    await userEvent.click(within(run).getByText('The patch'));
    const patch = within(run).getByLabelText('Patch');
    expect(within(patch).getByText('+SELECT e.country_code')).toHaveAttribute(
      'data-diff',
      'added',
    );
    expect(within(run).getByLabelText('At contract')).toHaveTextContent(
      `holds it back until its pull request is merged. Move it before ${new Date(
        keptUntil,
      ).toLocaleString()}`,
    );
    // Nothing to decide for a consumer that has a patch.
    expect(screen.queryByRole('group', { name: 'Decision needed' })).toBeNull();
  });

  it('asks for the decision a consumer needs, sends it, and reads the ledger again', async () => {
    const waiting = entry(
      {
        state: 'failed',
        failure: {
          kind: 'needs-decision',
          message: 'reports/daily.sql:3 reads skip_count, which is dropped',
        },
      },
      { status: 'awaiting-decision', finishedAt: undefined },
    );
    const decided = entry(
      {
        state: 'excluded',
        decision: {
          kind: 'exclude',
          reason: 'report retired',
          decidedBy: 'user:default/grace',
          decidedAt: '2026-11-30T11:00:00.000Z',
        },
      },
      { status: 'awaiting-decision', finishedAt: undefined },
    );
    const api = await renderCard([{ items: [waiting] }, { items: [decided] }]);
    const decision = await screen.findByRole('group', {
      name: 'Decision needed',
    });
    expect(decision).toHaveTextContent('reads skip_count, which is dropped');
    expect(screen.getByLabelText('Consumer state')).toHaveTextContent(
      'Needs a decision',
    );
    await userEvent.click(
      within(decision).getByRole('button', { name: `Exclude ${REPORT}` }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(
      within(dialog).getByLabelText(/Reason/),
      'report retired',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Exclude' }),
    );
    await waitFor(() =>
      expect(api.decideConsumer).toHaveBeenCalledWith('m1', {
        entityRef: REPORT,
        decision: 'exclude',
        reason: 'report retired',
      }),
    );
    expect(await screen.findByTestId('consumer-decision')).toHaveTextContent(
      'Excluded: report retired — grace',
    );
    expect(screen.getByLabelText('Consumer state')).toHaveTextContent(
      'Excluded',
    );
    expect(api.listConsumerMigrations).toHaveBeenCalledTimes(2);
  });

  it('offers the decision disabled, saying why, to someone who may not update the consumer', async () => {
    await renderCard(
      [
        {
          items: [
            entry({
              // A consumer no earlier test asked about: the permission API's
              // answers are cached per resource, and this one must be the denial.
              entityRef: DENIED,
              state: 'failed',
              failure: { kind: 'needs-decision', message: 'reads skip_count' },
            }),
          ],
        },
      ],
      { mayUpdate: false },
    );
    const decision = await screen.findByRole('group', {
      name: 'Decision needed',
    });
    await waitFor(
      () =>
        expect(
          within(decision).getByRole('button', { name: `Exclude ${DENIED}` }),
        ).toHaveAttribute('aria-disabled', 'true'),
      { timeout: 10_000 },
    );
  }, 30_000);

  it('after contract, says the previous version is gone and whether the consumer had moved', async () => {
    await renderCard([
      {
        items: [
          entry(
            { state: 'done', patch: PATCH },
            { contractedAt: '2026-12-01T09:00:00.000Z' },
          ),
          entry(
            { state: 'kept' },
            {
              id: 'm0',
              fromVersion: 1,
              targetVersion: 2,
              contractedAt: '2026-11-20T09:00:00.000Z',
            },
          ),
        ],
      },
    ]);
    const [latest, earlier] = await screen.findAllByLabelText('At contract');
    expect(latest).toHaveTextContent(
      `Contracted ${new Date(
        '2026-12-01T09:00:00.000Z',
      ).toLocaleString()}: version 2 is gone. This consumer had moved.`,
    );
    expect(earlier).toHaveTextContent(
      'version 1 is gone. This consumer had not moved (Kept on the old shape): its reads of the old shape no longer work.',
    );
  });

  it('shows older migrations a page at a time', async () => {
    const api = await renderCard([
      { items: [entry({ state: 'done' })], nextOffset: 5 },
      {
        items: [entry({ state: 'unaffected' }, { id: 'm0', targetVersion: 2 })],
      },
    ]);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Show older migrations' }),
    );
    expect(
      await screen.findByRole('region', {
        name: 'Migration of listening-events to version 2',
      }),
    ).toBeInTheDocument();
    expect(api.listConsumerMigrations).toHaveBeenLastCalledWith(REPORT, {
      limit: 5,
      offset: 5,
    });
    expect(
      screen.queryByRole('button', { name: 'Show older migrations' }),
    ).toBeNull();
  });
});
