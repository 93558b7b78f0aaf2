import { fireEvent, screen, waitFor } from '@testing-library/react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import {
  configApiRef,
  discoveryApiRef,
  type IdentityApi,
} from '@backstage/core-plugin-api';
import { DemoSignInPage } from './DemoSignInPage';

const DEMO_CONFIG = {
  demo: {
    enabled: true,
    users: [
      { name: 'ada', role: 'Dataset owner', description: 'Owns datasets.' },
      { name: 'olivia', role: 'Outsider', description: 'Owns nothing here.' },
    ],
  },
};

function jwt(payload: object) {
  const part = (o: object) =>
    Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none' })}.${part(payload)}.signature`;
}

function sessionFor(name: string) {
  return {
    profile: { displayName: name },
    backstageIdentity: {
      token: jwt({
        sub: `user:default/${name}`,
        exp: Date.now() / 1000 + 3600,
      }),
      identity: {
        type: 'user',
        userEntityRef: `user:default/${name}`,
        ownershipEntityRefs: [`user:default/${name}`],
      },
    },
  };
}

async function renderPage(data: object, onSignInSuccess = jest.fn()) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [configApiRef, mockApis.config({ data })],
        [discoveryApiRef, mockApis.discovery({ baseUrl: 'http://backend' })],
      ]}
    >
      <DemoSignInPage onSignInSuccess={onSignInSuccess} />
    </TestApiProvider>,
  );
  return onSignInSuccess;
}

// The app and its lazy extensions load slowly on a busy machine.
jest.setTimeout(60_000);

describe('DemoSignInPage', () => {
  const fetchMock = jest.fn();
  beforeEach(() => {
    window.localStorage.clear();
    fetchMock.mockReset();
    global.fetch = fetchMock;
  });

  it('lists the demo users with their role and what they may do', async () => {
    await renderPage(DEMO_CONFIG);
    expect(await screen.findByText('Dataset owner')).toBeInTheDocument();
    expect(screen.getByText('Owns datasets.')).toBeInTheDocument();
    expect(screen.getByText('Outsider')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Sign in as olivia' }),
    ).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('signs in as the picked user through the demo provider, and forgets the pick on sign-out', async () => {
    fetchMock.mockResolvedValue({
      ok: true,
      json: async () => sessionFor('ada'),
    });
    const onSignInSuccess = await renderPage(DEMO_CONFIG);
    fireEvent.click(
      await screen.findByRole('button', { name: 'Sign in as ada' }),
    );

    await waitFor(() => expect(onSignInSuccess).toHaveBeenCalled());
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe('http://backend/api/auth/demo/refresh');
    expect(new Headers(init.headers).get('x-demo-user')).toBe('ada');

    const identity: IdentityApi = onSignInSuccess.mock.calls[0][0];
    expect((await identity.getBackstageIdentity()).userEntityRef).toBe(
      'user:default/ada',
    );
    expect(window.localStorage.getItem('dataset-migrations:demo-user')).toBe(
      'ada',
    );
    await identity.signOut();
    expect(window.localStorage.getItem('dataset-migrations:demo-user')).toBe(
      null,
    );
  });

  it('shows why a sign-in failed and lists the users again', async () => {
    fetchMock.mockResolvedValue({
      ok: false,
      status: 403,
      statusText: 'Forbidden',
      headers: new Headers({ 'content-type': 'application/json' }),
      text: async () =>
        JSON.stringify({
          error: {
            name: 'NotAllowedError',
            message: '"ada" is not a demo user',
          },
          response: { statusCode: 403 },
        }),
    });
    const onSignInSuccess = await renderPage(DEMO_CONFIG);
    fireEvent.click(
      await screen.findByRole('button', { name: 'Sign in as ada' }),
    );

    expect(
      await screen.findByText(/Sign-in failed: .*"ada" is not a demo user/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Sign in as olivia' }),
    ).toBeInTheDocument();
    expect(onSignInSuccess).not.toHaveBeenCalled();
  });

  it('is the guest sign-in when the demo is off', async () => {
    await renderPage({
      app: { title: 'Demo' },
      demo: { enabled: false, users: DEMO_CONFIG.demo.users },
    });
    expect(await screen.findByText('Guest')).toBeInTheDocument();
    expect(screen.queryByText('Dataset owner')).not.toBeInTheDocument();
  });
});
