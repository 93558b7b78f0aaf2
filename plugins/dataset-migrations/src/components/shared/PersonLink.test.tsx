import { screen, waitFor } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { PersonLink } from './PersonLink';

const ada = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: 'ada', namespace: 'default' },
  spec: {},
};

const catalogApi = {
  getEntityByRef: jest.fn(async (ref: string) =>
    ref === 'user:default/ada' ? ada : undefined,
  ),
};

async function renderPerson(entityRef: string) {
  await renderInTestApp(
    <TestApiProvider apis={[[catalogApiRef, catalogApi]]}>
      <PersonLink entityRef={entityRef} />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('PersonLink', () => {
  it('links a person the catalog knows to their page', async () => {
    await renderPerson('user:default/ada');
    expect(await screen.findByRole('link', { name: /ada/ })).toHaveAttribute(
      'href',
      '/catalog/default/user/ada',
    );
  });

  it('names a sign-in without a catalog user in plain text', async () => {
    await renderPerson('user:development/guest');
    await waitFor(() =>
      expect(catalogApi.getEntityByRef).toHaveBeenCalledWith(
        'user:development/guest',
      ),
    );
    expect(await screen.findByText('development/guest')).toBeInTheDocument();
    expect(screen.queryByRole('link')).not.toBeInTheDocument();
  });
});
