import { screen, within } from '@testing-library/react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import type {
  Migration,
  MigrationDetails,
  RecordedVerification,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef, type DatasetMigrationsApi } from '../../api';
import { MigrationRunDetails } from './MigrationRunDetails';

const migration: Migration = {
  id: 'm1',
  entityRef: 'resource:default/listening-events',
  status: 'failed',
  fromVersion: 1,
  targetVersion: 2,
  // No consumers to load: the details alone are under test.
  dryRun: true,
  changes: [{ renameField: { from: 'country', to: 'country_code' } }],
  requestedBy: 'user:default/ada',
  attempts: 2,
  retriedAtAttempt: 0,
  cancelRequested: false,
  failureReason: 'verification failed',
  createdAt: '2026-11-21T10:00:00.000Z',
  startedAt: '2026-11-21T10:00:01.000Z',
  finishedAt: '2026-11-21T10:00:03.000Z',
  updatedAt: '2026-11-21T10:00:03.000Z',
};

/** The catalog knows ada and churn-model; a guest and a removed consumer it does not. */
const catalogApi = {
  getEntityByRef: jest.fn(async (ref: string) =>
    ['user:default/ada', 'component:default/churn-model'].includes(ref)
      ? ({
          apiVersion: 'backstage.io/v1alpha1',
          kind: ref.split(':')[0],
          metadata: { name: ref.split('/')[1] },
        } as Entity)
      : undefined,
  ),
};

async function renderDetails(
  verification?: RecordedVerification,
  extra: Partial<MigrationDetails> = {},
) {
  const details: MigrationDetails = {
    ...migration,
    steps: [
      {
        name: 'verify',
        attempt: 2,
        status: 'failed',
        startedAt: migration.startedAt!,
        finishedAt: migration.finishedAt,
      },
    ],
    logs: [],
    verification,
    ...extra,
  };
  const api = {
    getMigration: jest.fn(async () => details),
  } as unknown as jest.Mocked<DatasetMigrationsApi>;
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [datasetMigrationsApiRef, api],
        [permissionApiRef, mockApis.permission()],
        [catalogApiRef, catalogApi],
      ]}
    >
      <MigrationRunDetails migration={migration} />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
  await screen.findByRole('list', { name: 'Changes' });
}

describe('MigrationRunDetails', () => {
  it('shows source against target figures of a mismatched verification, and what differs', async () => {
    await renderDetails({
      source: { rows: 1_204_332, checksum: '9f2c01ab' },
      target: { rows: 1_204_331, checksum: '77e0d4c2' },
      matched: false,
      durationMs: 2_400,
      rowsDeletedDuringCopy: 12,
      attempt: 2,
      recordedAt: '2026-11-21T10:00:02.500Z',
    });

    const table = screen.getByRole('table', { name: 'Verification' });
    const [, source, target] = within(table).getAllByRole('row');
    expect(source).toHaveTextContent(/Source, mapped\s*1,204,332\s*9f2c01ab/);
    expect(target).toHaveTextContent(/New version\s*1,204,331\s*77e0d4c2/);
    expect(
      screen.getByText('Mismatched: row counts and checksums differ'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /Attempt 2, compared in 2 s, .*; 12 rows deleted during the copy were removed first/,
      ),
    ).toBeInTheDocument();
  });

  it("withholds the checksums from a caller who may not see the dataset's rows, and claims no checksum differs", async () => {
    await renderDetails({
      source: { rows: 10 },
      target: { rows: 9 },
      matched: false,
      durationMs: 2_400,
      attempt: 2,
      recordedAt: '2026-11-21T10:00:02.500Z',
      checksumsWithheld: "the rows are the dataset's data",
    });

    const table = screen.getByRole('table', { name: 'Verification' });
    const [, source, target] = within(table).getAllByRole('row');
    expect(source).toHaveTextContent(/Source, mapped\s*10\s*withheld/);
    expect(target).toHaveTextContent(/New version\s*9\s*withheld/);
    expect(
      screen.getByText('Mismatched: row counts differ'),
    ).toBeInTheDocument();
    expect(
      screen.getByText("Checksums withheld: the rows are the dataset's data."),
    ).toBeInTheDocument();
  });

  it.each([
    [
      'awaiting-approval',
      'No step has run: the run starts once it is approved.',
      'Nothing logged yet.',
    ],
    [
      'awaiting-decision',
      'No step has run: the run starts once every consumer it would break has a decision.',
      'Nothing logged yet.',
    ],
    [
      'queued',
      'No step has run yet: the run waits for a worker.',
      'Nothing logged yet.',
    ],
    ['running', 'No step has started yet.', 'Nothing logged yet.'],
    ['rejected', 'No step ran: the run was rejected.', 'Nothing was logged.'],
    ['cancelled', 'No step ran.', 'Nothing was logged.'],
  ] as const)(
    'says why a %s run has no steps, and that nothing is logged, instead of an empty table',
    async (status, steps, log) => {
      await renderDetails(undefined, {
        status,
        failureReason: undefined,
        finishedAt: undefined,
        steps: [],
      });
      expect(screen.getByText(steps)).toBeInTheDocument();
      expect(screen.queryByRole('table', { name: 'Steps' })).toBeNull();
      expect(screen.getByText(log)).toBeInTheDocument();
    },
  );

  it('shows its steps in a table once it has some', async () => {
    await renderDetails();
    const table = screen.getByRole('table', { name: 'Steps' });
    expect(within(table).getByText('verify')).toBeInTheDocument();
    expect(screen.queryByText(/No step/)).toBeNull();
  });

  it('shows a matched verification', async () => {
    await renderDetails({
      source: { rows: 3, checksum: 'ab' },
      target: { rows: 3, checksum: 'ab' },
      matched: true,
      durationMs: 850,
      attempt: 1,
      recordedAt: '2026-11-21T10:00:02.500Z',
    });

    expect(screen.getByText('Matched')).toBeInTheDocument();
    expect(screen.queryByText(/Mismatched/)).not.toBeInTheDocument();
    expect(screen.getByText(/compared in 850 ms/)).not.toHaveTextContent(
      'deleted',
    );
  });

  it('shows no verification panel before an attempt verifies', async () => {
    await renderDetails(undefined);

    expect(
      screen.queryByRole('table', { name: 'Verification' }),
    ).not.toBeInTheDocument();
    expect(screen.queryByText('Verification')).not.toBeInTheDocument();
  });

  it('shows a rollback made by override: who, when and why', async () => {
    await renderDetails(undefined, {
      status: 'rolled-back',
      failureReason: undefined,
      rollbackOverride: {
        reason: 'invoices break on v2',
        by: 'user:default/ada',
        at: '2026-11-22T09:30:00.000Z',
      },
    });
    const alert = screen.getByLabelText('Rollback override');
    // The person as the portal shows people: by name, linked to their page.
    expect(
      await within(alert).findByRole('link', { name: /ada/ }),
    ).toHaveAttribute('href', '/catalog/default/user/ada');
    expect(alert).toHaveTextContent(
      /Rolled back by ada on .+ although consumers had merged patches for version 2: “invoices break on v2”/,
    );
    expect(alert).toHaveTextContent(
      new Date('2026-11-22T09:30:00.000Z').toLocaleString(),
    );
  });

  it('shows a contract made by override: the people and consumers by name, linked when the catalog has them', async () => {
    await renderDetails(undefined, {
      status: 'succeeded',
      dryRun: false,
      failureReason: undefined,
      contractedAt: '2026-11-23T09:00:00.000Z',
      contractOverride: {
        reason: 'churn-model is retired',
        by: 'user:development/guest',
        at: '2026-11-23T09:00:00.000Z',
        blockers: [
          'component:default/churn-model (pr-opened)',
          'component:default/gone (failed)',
        ],
      },
    });
    const note = await screen.findByText(/contracted while/);
    expect(
      await within(note).findByRole('link', { name: /churn-model/ }),
    ).toHaveAttribute('href', '/catalog/default/component/churn-model');
    expect(note).toHaveTextContent(
      /development\/guest contracted while churn-model \(pull request open\), gone \(failed\) had not moved: “churn-model is retired”/,
    );
    expect(within(note).getAllByRole('link')).toHaveLength(1);
    expect(note).not.toHaveTextContent(/user:|component:/);
  });

  it('shows no override for a plain rollback', async () => {
    await renderDetails(undefined, { status: 'rolled-back' });
    expect(
      screen.queryByLabelText('Rollback override'),
    ).not.toBeInTheDocument();
  });

  it('warns that contract waits for a reader nobody discovered, with the evidence', async () => {
    await renderDetails(undefined, {
      status: 'succeeded',
      dryRun: false,
      failureReason: undefined,
      undiscoveredReads: {
        count: 4,
        since: '2026-11-21T11:00:00.000Z',
        checkedAt: '2026-11-21T12:00:00.000Z',
        evidence: 'pg_stat_user_tables of public.events_v1',
      },
    });
    const warning = await screen.findByRole('alert', {
      name: 'Readers nobody discovered',
    });
    expect(warning).toHaveTextContent('was read 4 times since');
    expect(warning).toHaveTextContent(
      '(pg_stat_user_tables of public.events_v1)',
    );
  });
});
