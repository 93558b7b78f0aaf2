import { ResponseError } from '@backstage/errors';
import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { parse as parseYaml } from 'yaml';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  MIGRATION_SPEC_API_VERSION,
  type CreateMigrationRequest,
  type DatasetDetails,
  type ImpactPreview,
  type Migration,
  type MigrationDetails,
  type MigrationPlan,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef, type DatasetMigrationsApi } from '../../api';
import { MigrateDialog } from './MigrateDialog';
import { MigrateButton } from './MigrateButton';

const dataset: DatasetDetails = {
  entityRef: 'resource:default/listening-events',
  title: 'Listening events',
  owner: 'group:default/data-platform',
  schemaVersion: 4,
  consumerCount: 3,
  engine: 'warehouse',
  table: 'public.listening_events',
  fields: [
    { name: 'event_id', type: 'bigint', nullable: false, primaryKey: true },
    { name: 'country', type: 'text', nullable: true, primaryKey: false },
  ],
  indexes: [],
  rowEstimate: 1000,
};

const plan: MigrationPlan = {
  entityRef: dataset.entityRef,
  engine: 'warehouse',
  table: 'public.listening_events',
  fromVersion: 4,
  targetVersion: 5,
  source: dataset.fields,
  target: [dataset.fields[0], { ...dataset.fields[1], name: 'country_code' }],
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
      sql: ['CREATE VIEW "public"."listening_events" AS …'],
    },
  ],
};

const impact: ImpactPreview = {
  consumers: 4,
  byStatus: {
    unaffected: 1,
    affected: 2,
    'needs-decision': 1,
    unparseable: 0,
    'no-repository': 0,
    'repository-not-registered': 0,
    unreachable: 0,
    'behind-previous-version': 0,
    'assessment-stopped': 0,
  },
  affected: [
    {
      entityRef: 'component:default/daily-plays',
      status: 'affected',
      fields: ['country'],
    },
    {
      entityRef: 'component:default/royalty-report',
      status: 'needs-decision',
      fields: ['country', 'duration_ms'],
    },
    {
      entityRef: 'component:default/weekly-charts',
      status: 'affected',
      fields: ['country'],
    },
  ],
};

/** What every spec the dialog writes starts with. */
const header = {
  apiVersion: MIGRATION_SPEC_API_VERSION,
  kind: 'MigrationSpec',
  entityRef: dataset.entityRef,
};

function fakeApi(
  createMigration: (r: CreateMigrationRequest | string) => Promise<Migration>,
  planMigration: (
    r: CreateMigrationRequest | string,
  ) => Promise<MigrationPlan> = async () => plan,
  previewImpact: () => Promise<ImpactPreview> = async () => impact,
  getMigration: (id: string) => Promise<MigrationDetails> = async () => {
    throw new Error('no run');
  },
) {
  return {
    getDataset: jest.fn(async () => dataset),
    getMigration: jest.fn(getMigration),
    planMigration: jest.fn(async (r: CreateMigrationRequest | string) => ({
      plan: await planMigration(r),
    })),
    previewImpact: jest.fn(previewImpact),
    createMigration: jest.fn(createMigration),
    inferSpec: jest.fn(async () => ({
      spec: {
        entityRef: dataset.entityRef,
        targetVersion: 5,
        changes: [{ renameField: { from: 'country', to: 'country_code' } }],
      },
      evidence: [
        { confidence: 'guess', reason: 'same type text, names 64% alike' },
      ],
    })),
  } as unknown as jest.Mocked<DatasetMigrationsApi>;
}

async function renderDialog(
  api: DatasetMigrationsApi,
  onQueued = jest.fn(),
  onClose = jest.fn(),
  noDryRun?: string,
) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [datasetMigrationsApiRef, api],
        [permissionApiRef, mockApis.permission()],
      ]}
    >
      <MigrateDialog
        entityRef={dataset.entityRef}
        open
        onClose={onClose}
        onQueued={onQueued}
        noDryRun={noDryRun}
      />
    </TestApiProvider>,
  );
  return { onQueued, onClose };
}

const specField = () => screen.getByLabelText('Spec') as HTMLTextAreaElement;

/** Replaces the spec text as a person pasting it would. */
function typeSpec(text: string) {
  fireEvent.change(specField(), { target: { value: text } });
}

async function chooseField(name: string) {
  await userEvent.click(screen.getByRole('button', { name: /Change 1 field/ }));
  await userEvent.click(
    await screen.findByRole('option', { name: new RegExp(`^${name} `) }),
  );
}

describe('MigrateDialog', () => {
  it("says the server's reason when the dataset cannot be read, not only its status", async () => {
    const api = fakeApi(async () => ({ id: 'm1' } as Migration));
    const refusal = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: {
            name: 'ConflictError',
            message:
              'table public.tracks on engine warehouse is also named by resource:default/podcast-plays; a table belongs to one dataset entity: fix the catalog',
          },
          request: { method: 'GET', url: '/datasets/resource/default/tracks' },
          response: { statusCode: 409 },
        }),
        { status: 409, statusText: 'Conflict' },
      ),
    );
    api.getDataset.mockRejectedValue(refusal);
    await renderDialog(api);

    expect(
      await screen.findByText(/also named by resource:default\/podcast-plays/),
    ).toBeInTheDocument();
  });

  it('builds a rename from the live fields and queues it at the next version', async () => {
    const queued = { id: 'm1' } as Migration;
    const api = fakeApi(async () => queued);
    const { onQueued, onClose } = await renderDialog(api);

    expect(await screen.findByLabelText('Target version')).toHaveValue(5);
    await chooseField('country');
    await userEvent.type(
      screen.getByLabelText('Change 1 new name'),
      'country_code',
    );
    // Nothing can start before the plan was reviewed.
    expect(
      screen.queryByRole('button', { name: 'Start migration' }),
    ).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Review plan' }));

    const review = await screen.findByRole('table', {
      name: 'Changes and their compatibility',
    });
    expect(review).toHaveTextContent('Rename field');
    expect(review).toHaveTextContent('Breaking');
    expect(
      screen.getByText(
        /from cut-over the name serves both shapes while consumers move one by one/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'SQL of cut-over' }),
    ).toBeInTheDocument();
    expect(api.createMigration).not.toHaveBeenCalled();
    await userEvent.click(
      screen.getByRole('button', { name: 'Start migration' }),
    );

    await waitFor(() => expect(onQueued).toHaveBeenCalledWith(queued));
    expect(api.planMigration).toHaveBeenCalledWith(
      api.createMigration.mock.calls[0][0],
    );
    expect(api.createMigration).toHaveBeenCalledWith({
      ...header,
      targetVersion: 5,
      changes: [{ renameField: { from: 'country', to: 'country_code' } }],
      dryRun: false,
    });
    expect(onClose).toHaveBeenCalled();
  });

  it('starts no migration while an earlier one’s consumers are still moving, saying why, and still starts a dry run', async () => {
    const dryRunQueued = { id: 'm2', dryRun: true } as Migration;
    const api = fakeApi(async () => dryRunQueued);
    api.getDataset.mockResolvedValue({
      ...dataset,
      consumersOnPreviousVersion: 2,
    });
    await renderDialog(api);
    await screen.findByLabelText('Target version');
    await chooseField('country');
    await userEvent.type(
      screen.getByLabelText('Change 1 new name'),
      'country_code',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Review plan' }));

    const why =
      '2 consumers are still moving to version 4: the next migration waits until they have moved, or until the migration they follow is contracted. A dry run can start now.';
    const start = await screen.findByRole('button', {
      name: 'Start migration',
    });
    expect(start).toHaveAttribute('aria-disabled', 'true');
    expect(start).toHaveAccessibleDescription(why);
    expect(screen.getByLabelText('Waits for consumers')).toHaveTextContent(why);
    await userEvent.click(start);
    expect(api.createMigration).not.toHaveBeenCalled();

    await userEvent.click(screen.getByRole('checkbox', { name: /Dry run/ }));
    expect(screen.queryByLabelText('Waits for consumers')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Review plan' }));
    const startDry = await screen.findByRole('button', {
      name: 'Start dry run',
    });
    expect(startDry).not.toHaveAttribute('aria-disabled');
    await userEvent.click(startDry);
    await waitFor(() => expect(api.createMigration).toHaveBeenCalledTimes(1));
    expect(api.createMigration.mock.calls[0][0]).toMatchObject({
      dryRun: true,
    });
  });

  it('offers no dry run to who may not see the dataset’s rows, saying why, even for a spec that asks for one', async () => {
    const api = fakeApi(async () => ({ id: 'm1' } as Migration));
    const why = "it reads the dataset's rows";
    await renderDialog(api, jest.fn(), jest.fn(), why);
    await screen.findByLabelText('Target version');
    const dry = screen.getByRole('checkbox', { name: /Dry run/ });
    expect(dry).toBeDisabled();
    expect(
      screen.getByText(/^Dry run: check the transform/).textContent,
    ).toContain(`(${why})`);

    await userEvent.click(screen.getByRole('tab', { name: 'Spec' }));
    typeSpec(
      JSON.stringify({
        entityRef: dataset.entityRef,
        targetVersion: 5,
        changes: [{ addField: { name: 'note', type: 'text' } }],
        dryRun: true,
      }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Review plan' }));
    const start = await screen.findByRole('button', { name: 'Start dry run' });
    expect(start).toHaveAttribute('aria-disabled', 'true');
    expect(start).toHaveAccessibleDescription(why);
    await userEvent.click(start);
    expect(api.createMigration).not.toHaveBeenCalled();
  });

  it('says before the click that the reviewed migration will wait for an approval, and why', async () => {
    const api = fakeApi(async () => ({ id: 'm1' } as Migration));
    api.planMigration.mockResolvedValue({
      plan,
      approval: { reasons: ['the change is breaking'] },
    });
    await renderDialog(api);
    await screen.findByLabelText('Target version');
    await chooseField('country');
    await userEvent.type(
      screen.getByLabelText('Change 1 new name'),
      'country_code',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Review plan' }));

    expect(await screen.findByLabelText('Needs approval')).toHaveTextContent(
      'This migration will wait, running nothing, until someone allowed to approve it does (the change is breaking).',
    );
    expect(
      screen.getByRole('button', { name: 'Request migration' }),
    ).toBeEnabled();
    expect(
      screen.queryByRole('button', { name: 'Start migration' }),
    ).toBeNull();
  });

  it('lets the migration start once the consumers it waited for have moved, without a reopen', async () => {
    jest.useFakeTimers();
    try {
      const api = fakeApi(async () => ({ id: 'm1' } as Migration));
      api.getDataset.mockResolvedValue({
        ...dataset,
        consumersOnPreviousVersion: 1,
      });
      await renderDialog(api);
      expect(
        await screen.findByLabelText('Waits for consumers'),
      ).toHaveTextContent('1 consumer is still moving to version 4');
      const target = screen.getByLabelText('Target version');

      api.getDataset.mockResolvedValue({
        ...dataset,
        consumersOnPreviousVersion: 0,
      });
      await act(() => jest.advanceTimersByTimeAsync(10_000));
      await waitFor(() =>
        expect(screen.queryByLabelText('Waits for consumers')).toBeNull(),
      );
      // The spec as the person left it: the dialog was not reset.
      expect(screen.getByLabelText('Target version')).toBe(target);
    } finally {
      jest.useRealTimers();
    }
  });

  it('renames the dataset along with its changes, and the plan says what happens to the old name', async () => {
    const api = fakeApi(
      async () => ({ id: 'm9' } as Migration),
      async () => ({ ...plan, targetTable: 'analytics.plays' }),
    );
    await renderDialog(api);
    await chooseField('country');
    await userEvent.type(screen.getByLabelText('Change 1 new name'), 'cc');
    await userEvent.type(
      screen.getByLabelText('Rename dataset to'),
      'analytics.plays',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Review plan' }));

    expect(
      await screen.findByText(
        /keeps version 4 for readers that have not moved/,
      ),
    ).toHaveTextContent('Renames the dataset to analytics.plays');
    expect(api.planMigration).toHaveBeenCalledWith({
      ...header,
      targetVersion: 5,
      changes: [{ renameField: { from: 'country', to: 'cc' } }],
      dryRun: false,
      renameDataset: { to: 'analytics.plays' },
    });
    // Every reader of a renamed dataset is affected: the impact preview knows of it.
    expect(api.previewImpact).toHaveBeenCalledWith({
      entityRef: dataset.entityRef,
      changes: [{ renameField: { from: 'country', to: 'cc' } }],
      renameDataset: { to: 'analytics.plays' },
    });
  });

  it('shows which consumers the reviewed changes affect, and what they read', async () => {
    const api = fakeApi(async () => ({ id: 'm5' } as Migration));
    await renderDialog(api);
    await screen.findByLabelText('Target version');
    await chooseField('country');
    await userEvent.type(
      screen.getByLabelText('Change 1 new name'),
      'country_code',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Review plan' }));

    const summary = await screen.findByRole('region', {
      name: 'Consumer impact',
    });
    expect(summary).toHaveTextContent(
      '4 consumers read this dataset: 2 affected, 1 needs a decision, 1 unaffected.',
    );
    const affected = within(summary)
      .getAllByRole('listitem')
      .map(li => li.textContent);
    expect(affected).toEqual([
      'daily-plays reads country',
      'royalty-report reads country, duration_ms (needs a decision)',
      'weekly-charts reads country',
    ]);
    expect(api.previewImpact).toHaveBeenCalledWith({
      entityRef: dataset.entityRef,
      changes: [{ renameField: { from: 'country', to: 'country_code' } }],
    });

    // An edit sends the user back to review, impact included.
    await userEvent.type(screen.getByLabelText('Change 1 new name'), 's');
    expect(
      screen.queryByRole('region', { name: 'Consumer impact' }),
    ).not.toBeInTheDocument();
  });

  it('shows a failed impact check inline without holding up the migration', async () => {
    const queued = { id: 'm6' } as Migration;
    const api = fakeApi(
      async () => queued,
      async () => plan,
      async () => {
        throw Object.assign(new Error('Request failed with 404 Not Found'), {
          cause: { message: 'no catalog entity resource:default/gone' },
        });
      },
    );
    const { onQueued } = await renderDialog(api);
    await screen.findByLabelText('Target version');
    await userEvent.type(screen.getByLabelText('Change 1 new name'), 'x');
    await userEvent.click(screen.getByRole('button', { name: 'Review plan' }));

    expect(
      await screen.findByText(
        /Consumer impact could not be checked: no catalog entity resource:default\/gone/,
      ),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Start migration' }),
    );
    await waitFor(() => expect(onQueued).toHaveBeenCalledWith(queued));
  });

  it("shows each of the server's problems on its field, in words, until that field changes", async () => {
    const refusal = Object.assign(
      new Error('Request failed with 400 Bad Request'),
      {
        cause: {
          message:
            'Invalid migration request: targetVersion: must be above the current schema version 4; changes[0] (renameField): field "event_id" already exists; request: something the form has no field for',
        },
      },
    );
    const api = fakeApi(
      async () => ({ id: 'never' } as Migration),
      async () => {
        throw refusal;
      },
    );
    const { onQueued, onClose } = await renderDialog(api);

    await screen.findByLabelText('Target version');
    await chooseField('country');
    await userEvent.type(
      screen.getByLabelText('Change 1 new name'),
      'event_id',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Review plan' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      'No plan was made: 2 problems are marked on their fields, and:',
    );
    expect(
      within(alert)
        .getAllByRole('listitem')
        .map(li => li.textContent),
    ).toEqual(['request: something the form has no field for']);
    expect(
      screen.getByLabelText('Change 1 new name'),
    ).toHaveAccessibleDescription('field "event_id" already exists');
    expect(screen.getByLabelText('Target version')).toHaveAccessibleDescription(
      'must be above the current schema version 4',
    );
    expect(alert).not.toHaveTextContent('changes[0]');

    // Changing the new name clears its problem, and only its own.
    await userEvent.type(screen.getByLabelText('Change 1 new name'), '2');
    expect(
      screen.getByLabelText('Change 1 new name'),
    ).not.toHaveAccessibleDescription();
    expect(screen.getByLabelText('Target version')).toHaveAccessibleDescription(
      'must be above the current schema version 4',
    );
    expect(screen.getByRole('alert')).toHaveTextContent(
      'one problem is marked on its field',
    );

    // On the Spec tab every problem is listed, in words.
    await userEvent.click(screen.getByRole('tab', { name: 'Spec' }));
    expect(
      within(screen.getByRole('alert'))
        .getAllByRole('listitem')
        .map(li => li.textContent),
    ).toEqual([
      'Target version: must be above the current schema version 4',
      'request: something the form has no field for',
    ]);
    expect(onQueued).not.toHaveBeenCalled();
    expect(onClose).not.toHaveBeenCalled();
    expect(api.createMigration).not.toHaveBeenCalled();
  });

  it('names a schema problem by the input it is about, and says why a refusal without problems failed', async () => {
    let refusal = Object.assign(new Error('Request failed with 400'), {
      cause: {
        message:
          'Invalid migration request: changes[0].renameField.to: must start with a lower-case letter or _ and hold only a-z, 0-9 and _',
      },
    });
    const api = fakeApi(
      async () => ({ id: 'never' } as Migration),
      async () => {
        throw refusal;
      },
    );
    await renderDialog(api);
    await chooseField('country');
    await userEvent.click(screen.getByRole('button', { name: 'Review plan' }));
    expect(
      await screen.findByLabelText('Change 1 new name'),
    ).toHaveAccessibleDescription(
      'must start with a lower-case letter or _ and hold only a-z, 0-9 and _',
    );
    await userEvent.click(screen.getByRole('tab', { name: 'Spec' }));
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Change 1 (Rename field), new name: must start with a lower-case letter',
    );

    refusal = Object.assign(
      new Error('Request failed with 503 Service Unavailable'),
      {
        cause: { message: '' },
      },
    );
    await userEvent.click(screen.getByRole('button', { name: 'Review plan' }));
    await waitFor(() =>
      expect(screen.getByRole('alert')).toHaveTextContent(
        'No plan was made:Request failed with 503 Service Unavailable',
      ),
    );
    // The refusal sits below the form: it takes the focus, so the dialog shows it.
    expect(screen.getByRole('alert')).toHaveFocus();
  });

  it('asks for a new review after the form changes', async () => {
    const api = fakeApi(async () => ({ id: 'm3' } as Migration));
    await renderDialog(api);
    await screen.findByLabelText('Target version');
    await userEvent.type(screen.getByLabelText('Change 1 new name'), 'x');
    await userEvent.click(screen.getByRole('button', { name: 'Review plan' }));
    await screen.findByRole('button', { name: 'Start migration' });
    await userEvent.type(screen.getByLabelText('Change 1 new name'), 'y');
    expect(
      screen.queryByRole('button', { name: 'Start migration' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Changes and their compatibility' }),
    ).not.toBeInTheDocument();
  });

  it('sends a dry run and several kinds of change in order, shows its sample rows and runs the same spec for real', async () => {
    const dryRun = {
      id: 'm2',
      status: 'queued',
      dryRun: true,
    } as Migration;
    const api = fakeApi(
      async request =>
        typeof request !== 'string' && request.dryRun
          ? dryRun
          : ({ id: 'm3', dryRun: false } as Migration),
      async () => plan,
      async () => impact,
      async () =>
        ({
          ...dryRun,
          status: 'succeeded',
          steps: [],
          logs: [],
          dryRunSample: {
            before: ['event_id', 'country'],
            after: ['event_id', 'source'],
            rows: [
              {
                before: { event_id: '1', country: 'SE' },
                after: { event_id: '1', source: 'app' },
              },
              {
                before: { event_id: '2', country: null },
                after: { event_id: '2', source: 'app' },
              },
            ],
          },
        } as unknown as MigrationDetails),
    );
    const { onQueued, onClose } = await renderDialog(api);
    await screen.findByLabelText('Target version');

    await userEvent.click(screen.getByRole('button', { name: 'Add change' }));
    await userEvent.click(
      screen.getByRole('button', { name: /Change 2 kind/ }),
    );
    await userEvent.click(
      await screen.findByRole('option', { name: 'Add field' }),
    );
    await userEvent.type(screen.getByLabelText('Change 2 new field'), 'source');
    // No type is chosen for the person.
    await userEvent.click(
      screen.getByRole('button', { name: /Change 2 type/ }),
    );
    await userEvent.click(await screen.findByRole('option', { name: 'text' }));
    await userEvent.type(screen.getByLabelText('Change 2 default'), 'app');
    await userEvent.click(
      screen.getByRole('button', { name: 'Remove change 1' }),
    );
    await userEvent.click(screen.getByRole('checkbox', { name: /Dry run/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Review plan' }));
    await userEvent.click(
      await screen.findByRole('button', { name: 'Start dry run' }),
    );

    const expected = {
      ...header,
      targetVersion: 5,
      changes: [{ addField: { name: 'source', type: 'text', default: 'app' } }],
      dryRun: true,
    };
    await waitFor(() =>
      expect(api.createMigration).toHaveBeenCalledWith(expected),
    );
    expect(onQueued).toHaveBeenCalledWith(dryRun);
    // The dialog stays open and follows the run until it ends.
    const sample = await screen.findByRole('table', {
      name: 'Sample rows before and after',
    });
    expect(api.getMigration).toHaveBeenCalledWith('m2');
    expect(screen.getByLabelText('Dry run outcome')).toHaveTextContent(
      'transformed its sample without error',
    );
    const cells = within(sample)
      .getAllByRole('row')
      .map(row =>
        Array.from(row.querySelectorAll('th, td')).map(
          cell => cell.textContent,
        ),
      );
    expect(cells).toEqual([
      ['Now', 'After the migration'],
      ['event_id', 'country', 'event_id', 'source'],
      ['1', 'SE', '1', 'app'],
      ['2', 'null', '2', 'app'],
    ]);
    expect(onClose).not.toHaveBeenCalled();
    // Where the user looks: the outcome opens the content, above the plan, holds
    // the focus (so the dialog scrolls to it), and offers the real run beside it.
    const outcome = screen.getByRole('region', { name: 'Dry run' });
    expect(outcome).toHaveFocus();
    expect(
      sample.compareDocumentPosition(
        screen.getByRole('heading', { name: 'Plan' }),
      ) & Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();

    await userEvent.click(
      within(outcome).getByRole('button', { name: 'Run for real' }),
    );
    await waitFor(() =>
      expect(api.createMigration).toHaveBeenLastCalledWith({
        ...expected,
        dryRun: false,
      }),
    );
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });

  it('says why a dry run failed, and offers no real run', async () => {
    const api = fakeApi(
      async () => ({ id: 'm8', status: 'queued', dryRun: true } as Migration),
      async () => plan,
      async () => impact,
      async () =>
        ({
          id: 'm8',
          dryRun: true,
          status: 'failed',
          failureReason: 'invalid input syntax for type integer: "x"',
          steps: [],
          logs: [],
        } as unknown as MigrationDetails),
    );
    await renderDialog(api);
    await chooseField('country');
    await userEvent.type(screen.getByLabelText('Change 1 new name'), 'c');
    await userEvent.click(screen.getByRole('checkbox', { name: /Dry run/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Review plan' }));
    await userEvent.click(
      await screen.findByRole('button', { name: 'Start dry run' }),
    );
    expect(await screen.findByLabelText('Dry run outcome')).toHaveTextContent(
      'The dry run failed: invalid input syntax for type integer: "x"',
    );
    expect(
      screen.queryByRole('button', { name: 'Run for real' }),
    ).not.toBeInTheDocument();
  });

  it('plans a rename alone, and spec text even when the form holds no change', async () => {
    const api = fakeApi(async () => ({ id: 'm7' } as Migration));
    await renderDialog(api);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Remove change 1' }),
    );
    const review = screen.getByRole('button', { name: 'Review plan' });
    expect(review).toBeDisabled();
    await userEvent.type(screen.getByLabelText('Rename dataset to'), 'plays');
    expect(review).toBeEnabled();
    await userEvent.clear(screen.getByLabelText('Rename dataset to'));
    expect(review).toBeDisabled();

    // One state: the text holds no change either, and Review waits for one.
    await userEvent.click(screen.getByRole('tab', { name: 'Spec' }));
    expect(parseYaml(specField().value).changes).toEqual([]);
    expect(screen.getByRole('button', { name: 'Review plan' })).toBeDisabled();
  });

  it('edits the spec as text, infers one from desired fields with its evidence, and plans the text', async () => {
    const api = fakeApi(async () => ({ id: 'm4' } as Migration));
    const { onQueued } = await renderDialog(api);
    await screen.findByLabelText('Target version');
    await userEvent.click(screen.getByRole('tab', { name: 'Spec' }));
    // The spec is what the form holds, as YAML.
    expect(parseYaml(specField().value)).toEqual({
      ...header,
      targetVersion: 5,
      changes: [{ renameField: { from: 'event_id', to: '' } }],
      dryRun: false,
    });

    const desired = screen.getByLabelText('Desired fields');
    await userEvent.clear(desired);
    await userEvent.type(
      desired,
      'event_id bigint{enter}country_code text SE,US',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Infer spec' }));
    expect(api.inferSpec).toHaveBeenCalledWith({
      entityRef: dataset.entityRef,
      fields: [
        { name: 'event_id', type: 'bigint' },
        { name: 'country_code', type: 'text', examples: ['SE', 'US'] },
      ],
    });
    const evidence = await screen.findByRole('table', {
      name: 'Inferred changes',
    });
    expect(evidence).toHaveTextContent('names 64% alike');
    expect(evidence).toHaveTextContent('guess');
    const inferred = parseYaml(specField().value);
    expect(inferred.changes).toEqual([
      { renameField: { from: 'country', to: 'country_code' } },
    ]);

    await userEvent.click(screen.getByRole('button', { name: 'Review plan' }));
    await userEvent.click(
      await screen.findByRole('button', { name: 'Start migration' }),
    );
    expect(api.planMigration).toHaveBeenCalledWith(inferred);
    expect(api.createMigration).toHaveBeenCalledWith(inferred);
    await waitFor(() => expect(onQueued).toHaveBeenCalled());
    // A long path through the dialog: a loaded machine needs more than 5 s.
  }, 30_000);

  it('keeps the form and the YAML text one spec: edit either and the other follows, and impact is previewed for YAML', async () => {
    const api = fakeApi(async () => ({ id: 'm10' } as Migration));
    await renderDialog(api);
    await screen.findByLabelText('Target version');
    await userEvent.click(screen.getByRole('tab', { name: 'Spec' }));
    typeSpec(
      [
        `entityRef: ${dataset.entityRef}`,
        'targetVersion: 6',
        'changes:',
        '  - renameField: { from: country, to: country_code }',
        '  - addField: { name: plays, type: integer, default: 0 }',
      ].join('\n'),
    );

    await userEvent.click(screen.getByRole('tab', { name: 'Changes' }));
    expect(screen.getByLabelText('Target version')).toHaveValue(6);
    expect(
      screen.getByRole('button', { name: /Change 1 field/ }),
    ).toHaveTextContent('country (text)');
    expect(screen.getByLabelText('Change 1 new name')).toHaveValue(
      'country_code',
    );
    expect(screen.getByLabelText('Change 2 new field')).toHaveValue('plays');
    expect(screen.getByLabelText('Change 2 default')).toHaveValue('0');

    // A form edit rewrites the text; the change it did not touch keeps its number.
    await userEvent.type(screen.getByLabelText('Change 1 new name'), 's');
    await userEvent.click(screen.getByRole('tab', { name: 'Spec' }));
    expect(parseYaml(specField().value)).toEqual({
      entityRef: dataset.entityRef,
      targetVersion: 6,
      changes: [
        { renameField: { from: 'country', to: 'country_codes' } },
        { addField: { name: 'plays', type: 'integer', default: 0 } },
      ],
      dryRun: false,
    });

    await userEvent.click(screen.getByRole('button', { name: 'Review plan' }));
    await screen.findByRole('region', { name: 'Consumer impact' });
    expect(api.previewImpact).toHaveBeenCalledWith({
      entityRef: dataset.entityRef,
      changes: [
        { renameField: { from: 'country', to: 'country_codes' } },
        { addField: { name: 'plays', type: 'integer', default: 0 } },
      ],
    });
    expect(api.planMigration).toHaveBeenCalledWith(
      parseYaml(specField().value),
    );
  });

  it('keeps JSON text JSON when the form edits it', async () => {
    const api = fakeApi(async () => ({ id: 'm11' } as Migration));
    await renderDialog(api);
    await screen.findByLabelText('Target version');
    await userEvent.click(screen.getByRole('tab', { name: 'Spec' }));
    typeSpec(
      JSON.stringify({
        entityRef: dataset.entityRef,
        targetVersion: 5,
        changes: [{ dropField: { name: 'country' } }],
      }),
    );
    await userEvent.click(screen.getByRole('tab', { name: 'Changes' }));
    expect(
      screen.getByRole('button', { name: /Change 1 kind/ }),
    ).toHaveTextContent('Drop field');
    await userEvent.type(screen.getByLabelText('Rename dataset to'), 'plays');
    await userEvent.click(screen.getByRole('tab', { name: 'Spec' }));
    expect(JSON.parse(specField().value)).toEqual({
      entityRef: dataset.entityRef,
      targetVersion: 5,
      changes: [{ dropField: { name: 'country' } }],
      renameDataset: { to: 'plays' },
      dryRun: false,
    });
  });

  it('says plainly when the form cannot show the spec, and keeps the text as written', async () => {
    const api = fakeApi(async () => ({ id: 'm12' } as Migration));
    await renderDialog(api);
    await screen.findByLabelText('Target version');
    await userEvent.click(screen.getByRole('tab', { name: 'Spec' }));
    const unknownKind = [
      `entityRef: ${dataset.entityRef}`,
      'targetVersion: 5',
      'changes:',
      '  - splitField: { field: country }',
    ].join('\n');
    typeSpec(unknownKind);
    await userEvent.click(screen.getByRole('tab', { name: 'Changes' }));
    expect(screen.getByLabelText('Form unavailable')).toHaveTextContent(
      'The form cannot show this spec: change 1 cannot be shown: it is not one of renameField, addField, dropField, changeType, deriveField.',
    );
    expect(screen.queryByLabelText('Target version')).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('tab', { name: 'Spec' }));
    expect(specField().value).toBe(unknownKind);

    const commented = [
      '# country is ISO 3166 alpha-2',
      `entityRef: ${dataset.entityRef}`,
      'targetVersion: 5',
      'changes:',
      '  - renameField: { from: country, to: country_code }',
    ].join('\n');
    typeSpec(commented);
    await userEvent.click(screen.getByRole('tab', { name: 'Changes' }));
    expect(screen.getByLabelText('Form unavailable')).toHaveTextContent(
      'it holds comments, which editing it here would lose',
    );
    // The text still plans, exactly as read.
    await userEvent.click(screen.getByRole('button', { name: 'Review plan' }));
    await screen.findByRole('button', { name: 'Start migration' });
    expect(api.planMigration).toHaveBeenLastCalledWith({
      entityRef: dataset.entityRef,
      targetVersion: 5,
      changes: [{ renameField: { from: 'country', to: 'country_code' } }],
    });
    await userEvent.click(screen.getByRole('tab', { name: 'Spec' }));
    expect(specField().value).toBe(commented);

    typeSpec('changes: [unclosed');
    await userEvent.click(screen.getByRole('tab', { name: 'Changes' }));
    expect(screen.getByLabelText('Form unavailable')).toHaveTextContent(
      'the text does not parse',
    );
  });

  it('requests, rather than starts, for one who may request but not start, and says it waits for approval', async () => {
    const queued = { id: 'm7', status: 'awaiting-approval' } as Migration;
    const api = fakeApi(async () => queued);
    const onQueued = jest.fn();
    const asked: string[] = [];
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [datasetMigrationsApiRef, api],
          [
            permissionApiRef,
            mockApis.permission({
              authorize: request => {
                asked.push(request.permission.name);
                return request.permission.name ===
                  'dataset-migrations.migration.start'
                  ? AuthorizeResult.DENY
                  : AuthorizeResult.ALLOW;
              },
            }),
          ],
        ]}
      >
        <MigrateButton entityRef={dataset.entityRef} onQueued={onQueued} />
      </TestApiProvider>,
    );
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Migrate' })).toBeEnabled(),
    );
    const migrate = screen.getByRole('button', { name: 'Migrate' });
    expect(asked).toEqual(
      expect.arrayContaining([
        'dataset-migrations.migration.start',
        'dataset-migrations.migration.request',
      ]),
    );
    await userEvent.click(migrate);
    await chooseField('country');
    await userEvent.type(
      screen.getByLabelText('Change 1 new name'),
      'country_code',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Review plan' }));
    const request = await screen.findByRole('button', {
      name: 'Request migration',
    });
    expect(
      screen.queryByRole('button', { name: 'Start migration' }),
    ).not.toBeInTheDocument();
    expect(screen.getByLabelText('Needs approval')).toHaveTextContent(
      /wait, running nothing, until one of the dataset's owners .* approves it/,
    );
    await userEvent.click(request);
    await waitFor(() => expect(onQueued).toHaveBeenCalledWith(queued));
  });

  it('offers a dry run only once it knows the user may see the rows: to who may approve, not to who may only request', async () => {
    let answerApprove: (result: AuthorizeResult) => void = () => {};
    const approveAnswered = new Promise<AuthorizeResult>(resolve => {
      answerApprove = resolve;
    });
    const ref = 'resource:default/slowly-permitted';
    const api = fakeApi(async () => ({} as Migration));
    api.getDataset.mockResolvedValue({ ...dataset, entityRef: ref });
    const permissionApi = {
      authorize: async (request: { permission: { name: string } }) => {
        const { name } = request.permission;
        if (name === 'dataset-migrations.migration.approve')
          return { result: await approveAnswered };
        return {
          result:
            name === 'dataset-migrations.migration.start'
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
        };
      },
    };
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [datasetMigrationsApiRef, api],
          [permissionApiRef, permissionApi as never],
        ]}
      >
        {/* A ref of its own: permission answers are cached by resource. */}
        <MigrateButton entityRef={ref} />
      </TestApiProvider>,
    );
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Migrate' })).toBeEnabled(),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Migrate' }));
    await screen.findByLabelText('Target version');
    const dry = screen.getByRole('checkbox', { name: /Dry run/ });
    expect(dry).toBeDisabled();
    expect(screen.getByText(/^Dry run: check the transform/)).toHaveTextContent(
      /checking whether you may see the dataset's rows/,
    );
    answerApprove(AuthorizeResult.DENY);
    await waitFor(() =>
      expect(
        screen.getByText(/^Dry run: check the transform/),
      ).toHaveTextContent(/not for you: a dry run reads the dataset's rows/),
    );
    expect(dry).toBeDisabled();
  });

  it('disables Migrate, naming the permission, for one who may not even request', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [datasetMigrationsApiRef, fakeApi(async () => ({} as Migration))],
          [
            permissionApiRef,
            mockApis.permission({ authorize: AuthorizeResult.DENY }),
          ],
        ]}
      >
        <MigrateButton entityRef="resource:default/nobodys-events" />
      </TestApiProvider>,
    );
    // Disabled while the decision loads; once denied, it says why.
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Migrate' })).toHaveAttribute(
        'aria-disabled',
        'true',
      ),
    );
    const migrate = screen.getByRole('button', { name: 'Migrate' });
    await userEvent.hover(migrate);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'You do not have the permission dataset-migrations.migration.request',
    );
  });
});
