import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  permissionApiRef,
  type PermissionApi,
} from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { datasetMigrationStartPermission } from '@dataset-migrations/plugin-dataset-migrations-common';
import { PermittedButton } from './PermittedButton';

jest.setTimeout(30_000);

const START = 'dataset-migrations.migration.start';

/**
 * The button for a permission API answering `decide`. Each test uses its own
 * resource: decisions are cached per permission and resource for the module.
 */
const outerClick = jest.fn();
beforeEach(() => outerClick.mockClear());

async function renderButton(
  resourceRef: string,
  decide: () => Promise<AuthorizeResult>,
) {
  const onClick = jest.fn();
  const permissions: PermissionApi = {
    authorize: async () => ({ result: await decide() }),
  } as unknown as PermissionApi;
  await renderInTestApp(
    <TestApiProvider apis={[[permissionApiRef, permissions]]}>
      {/* A row summary's toggle, say: a click on a button that says no must not reach it. */}
      {/* eslint-disable-next-line jsx-a11y/click-events-have-key-events, jsx-a11y/no-static-element-interactions */}
      <div onClick={outerClick}>
        <PermittedButton
          permission={datasetMigrationStartPermission}
          resourceRef={resourceRef}
          onClick={onClick}
        >
          Migrate
        </PermittedButton>
      </div>
    </TestApiProvider>,
  );
  return onClick;
}

describe('PermittedButton', () => {
  it('is enabled, with no reason, for a person the policy allows', async () => {
    const onClick = await renderButton(
      'resource:default/allowed',
      async () => AuthorizeResult.ALLOW,
    );
    const button = await screen.findByRole('button', { name: 'Migrate' });
    await waitFor(() => expect(button).toBeEnabled());
    expect(button).not.toHaveAttribute('aria-describedby');
    expect(button).not.toHaveAttribute('aria-disabled');
    await userEvent.click(button);
    expect(onClick).toHaveBeenCalledTimes(1);
    expect(outerClick).toHaveBeenCalledTimes(1);
  });

  it('says a permission is missing on hover and to screen readers, and takes the focus on Tab', async () => {
    const onClick = await renderButton(
      'resource:default/denied',
      async () => AuthorizeResult.DENY,
    );
    const reason = `You do not have the permission ${START} for resource:default/denied`;
    const button = await screen.findByRole('button', { name: 'Migrate' });
    expect(button).toHaveAttribute('aria-disabled', 'true');
    expect(await screen.findByRole('button', { description: reason })).toBe(
      button,
    );
    // A keyboard user reaches it with Tab (the tooltip opens on focus where focus
    // is visible: in a browser).
    await userEvent.tab();
    expect(button).toHaveFocus();
    await userEvent.hover(button);
    const tooltip = await screen.findByRole('tooltip');
    expect(tooltip).toHaveTextContent(reason);
    // The permission's dotted name wraps after its dots, not mid-word.
    expect(tooltip.querySelectorAll('wbr')).toHaveLength(
      START.split('.').length - 1,
    );
    // Clicked, or Enter on it: nothing happens, and the click goes no further.
    await userEvent.click(button);
    await userEvent.keyboard('{Enter}');
    expect(onClick).not.toHaveBeenCalled();
    expect(outerClick).not.toHaveBeenCalled();
  });

  it('says the check failed, not that the permission is missing, when the permission backend cannot answer', async () => {
    await renderButton('resource:default/unanswered', async () => {
      throw new Error('permission backend unreachable');
    });
    const button = await screen.findByRole('button', {
      description: `Could not check the permission ${START}; try again later (permission backend unreachable)`,
    });
    expect(button).toHaveAttribute('aria-disabled', 'true');
    expect(screen.queryByText(/You do not have/)).not.toBeInTheDocument();
  });
});
