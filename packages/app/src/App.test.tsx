import { render, screen, waitFor } from '@testing-library/react';
import App from './App';

// The app and its lazy extensions load slowly on a busy machine.
jest.setTimeout(60_000);

describe('App', () => {
  // The app reads its config once, on its first render.
  beforeAll(() => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Test' },
            backend: { baseUrl: 'http://localhost:7007' },
            techdocs: {
              storageUrl: 'http://localhost:7007/api/techdocs/static/docs',
            },
            demo: {
              enabled: true,
              users: [
                {
                  name: 'admin',
                  role: 'Admin',
                  description: 'May do everything.',
                },
                {
                  name: 'olivia',
                  role: 'Outsider',
                  description: 'Owns nothing.',
                },
              ],
            },
          },
          context: 'test',
        },
      ] as any,
    };
  });

  it('should render', async () => {
    const rendered = render(App.createRoot());

    await waitFor(() => {
      expect(rendered.baseElement).toBeInTheDocument();
    });
  });

  it('signs in through the demo users when the demo is on', async () => {
    render(App.createRoot());

    expect(
      await screen.findByRole(
        'button',
        { name: 'Sign in as admin' },
        // The app loads its extensions first.
        { timeout: 30_000 },
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Sign in as olivia' }),
    ).toBeInTheDocument();
    expect(screen.getByText('May do everything.')).toBeInTheDocument();
  });
});
