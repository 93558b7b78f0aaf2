import { screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type { MigrationDetails } from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef, type DatasetMigrationsApi } from '../../api';
import { DryRunResult } from './DryRunResult';

const succeeded = {
  id: 'm1',
  status: 'succeeded',
  dryRun: true,
  steps: [],
  logs: [],
} as unknown as MigrationDetails;

async function renderResult(run: MigrationDetails) {
  const api = {
    getMigration: jest.fn(async () => run),
  } as unknown as DatasetMigrationsApi;
  await renderInTestApp(
    <TestApiProvider apis={[[datasetMigrationsApiRef, api]]}>
      <DryRunResult id="m1" />
    </TestApiProvider>,
  );
  await screen.findByLabelText('Dry run outcome');
}

describe('DryRunResult', () => {
  it('says why a requester sees no sample rows, and shows none', async () => {
    await renderResult({
      ...succeeded,
      dryRunSampleWithheld:
        "the rows are the dataset's data, shown only to who may start or approve a migration of it",
    });
    expect(
      screen.getByText(
        "Sample rows are not shown to you: the rows are the dataset's data, shown only to who may start or approve a migration of it.",
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Sample rows before and after' }),
    ).not.toBeInTheDocument();
  });

  it('says nothing of withheld rows when the sample is shown', async () => {
    await renderResult({
      ...succeeded,
      dryRunSample: {
        before: ['id'],
        after: ['id'],
        rows: [{ before: { id: '1' }, after: { id: '1' } }],
      },
    });
    expect(
      screen.getByRole('table', { name: 'Sample rows before and after' }),
    ).toBeInTheDocument();
    expect(screen.queryByText(/not shown to you/)).not.toBeInTheDocument();
  });
});
