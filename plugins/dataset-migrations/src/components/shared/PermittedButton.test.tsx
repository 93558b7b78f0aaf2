import { screen } from '@testing-library/react';
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
      <PermittedButton
        permission={datasetMigrationStartPermission}
        resourceRef={resourceRef}
        onClick={onClick}
      >
        Migrate
      </PermittedButton>
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
    await expect(button).toBeEnabled();
    expect(button).not.toHaveAttribute('aria-describedby');
    await userEvent.click(button);
    expect(onClick).toHaveBeenCalledTimes(1);
  });

  it('says a permission is missing on hover and to screen readers, and takes the focus on Tab', async () => {
    const onClick = await renderButton(
      'resource:default/denied',
      async () => AuthorizeResult.DENY,
    );
    const reason = `You do not have the permission ${START} for this`;
    const button = await screen.findByRole('button', { name: 'Migrate' });
    expect(button).toBeDisabled();
    expect(await screen.findByRole('button', { description: reason })).toBe(
      button,
    );
    // A keyboard user reaches the disabled button with Tab (its holder takes the
    // focus, and the tooltip opens on it where focus is visible: in a browser).
    await userEvent.tab();
    expect(button.parentElement).toHaveFocus();
    await userEvent.hover(button.parentElement!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(reason);
    await userEvent.click(button.parentElement!);
    expect(onClick).not.toHaveBeenCalled();
  });

  it('says the check failed, not that the permission is missing, when the permission backend cannot answer', async () => {
    await renderButton('resource:default/unanswered', async () => {
      throw new Error('permission backend unreachable');
    });
    const button = await screen.findByRole('button', {
      description: `Could not check the permission ${START}: permission backend unreachable`,
    });
    expect(button).toBeDisabled();
    expect(screen.queryByText(/You do not have/)).not.toBeInTheDocument();
  });
});
