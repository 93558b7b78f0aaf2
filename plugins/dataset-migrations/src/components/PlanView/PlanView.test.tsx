import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/test-utils';
import type { MigrationPlan } from '@dataset-migrations/plugin-dataset-migrations-common';
import copy from 'copy-to-clipboard';
import { PlanView } from './PlanView';

// What Backstage's CopyTextButton copies with; jsdom has no clipboard.
jest.mock('copy-to-clipboard', () => jest.fn(() => true));

const fields = [
  { name: 'id', type: 'bigint', nullable: false, primaryKey: true },
  { name: 'country', type: 'text', nullable: true, primaryKey: false },
];

const plan: MigrationPlan = {
  entityRef: 'resource:default/listening-events',
  engine: 'warehouse',
  table: 'public.listening_events',
  fromVersion: 1,
  targetVersion: 2,
  source: fields,
  target: [fields[0], { ...fields[1], name: 'country_code' }],
  compatibility: {
    class: 'breaking',
    rollout: 'side-by-side',
    changes: [
      {
        index: 0,
        kind: 'renameField',
        field: 'country',
        class: 'breaking',
        reason: 'queries naming "country" break',
      },
    ],
  },
  stages: [
    {
      name: 'cut-over',
      description: 'Repoint the name.',
      sql: ['CREATE VIEW a AS SELECT 1', 'GRANT SELECT ON a TO reader'],
    },
  ],
};

describe('PlanView', () => {
  it('spells out change kinds and compatibility classes rather than their identifiers', async () => {
    await renderInTestApp(<PlanView plan={plan} />);
    const changes = screen.getByRole('table', {
      name: 'Changes and their compatibility',
    });
    expect(within(changes).getByText('Rename field')).toBeInTheDocument();
    expect(within(changes).getByText('Breaking')).toBeInTheDocument();
    expect(screen.queryByText('renameField')).not.toBeInTheDocument();
    expect(screen.queryByText('breaking')).not.toBeInTheDocument();
  });

  it('offers each stage’s SQL to copy, as one would paste it', async () => {
    await renderInTestApp(<PlanView plan={plan} />);
    await userEvent.click(
      screen.getByRole('button', { name: 'SQL of cut-over' }),
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Copy SQL of cut-over' }),
    );
    expect(copy).toHaveBeenCalledWith(
      'CREATE VIEW a AS SELECT 1;\n\nGRANT SELECT ON a TO reader;',
    );
  });

  it('shows what a stage may break above the stages, where nobody can miss it', async () => {
    const warning =
      'pg_stat_statements has seen `COPY public.listening_events TO STDOUT`';
    await renderInTestApp(
      <PlanView
        plan={{
          ...plan,
          stages: [{ ...plan.stages[0], warnings: [warning] }],
        }}
      />,
    );
    expect(screen.getByRole('alert')).toHaveTextContent(`cut-over: ${warning}`);
  });

  it('shows no warning where no stage has one', async () => {
    await renderInTestApp(<PlanView plan={plan} />);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});
