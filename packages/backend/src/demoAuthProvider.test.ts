import {
  startDemoBackend,
  UNCATALOGUED_DEMO_USER,
  type DemoBackend,
} from './__testUtils__/startDemoBackend';

// The demo sign-in through the real auth backend and catalog: who may sign in, and
// what their token says they own.

jest.setTimeout(180_000);

let demo: DemoBackend;

beforeAll(async () => {
  demo = await startDemoBackend();
});

async function errorOf(response: Response) {
  const body = await response.json();
  return { status: response.status, message: body.error?.message };
}

describe('the demo auth provider', () => {
  it('signs a listed user in with their catalog groups as ownership', async () => {
    const response = await demo.refresh('ada');
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.profile.displayName).toBe('Ada Lovelace');
    expect(body.backstageIdentity.identity.userEntityRef).toBe(
      'user:default/ada',
    );
    expect(await demo.ownershipOf(body.backstageIdentity.token)).toEqual(
      expect.arrayContaining([
        'user:default/ada',
        'group:default/data-platform',
      ]),
    );
  });

  it('gives each user their own groups, not anyone else’s', async () => {
    const olivia = await demo.ownershipOf(await demo.signIn('olivia'));
    expect(olivia).toEqual(
      expect.arrayContaining(['user:default/olivia', 'group:default/podcasts']),
    );
    expect(olivia).not.toContain('group:default/data-platform');
    expect(olivia).not.toContain('group:default/admins');
    expect(await demo.ownershipOf(await demo.signIn('admin'))).toContain(
      'group:default/admins',
    );
  });

  it('refuses a user not listed in demo.users, naming the listed ones', async () => {
    expect(await errorOf(await demo.refresh('mallory'))).toEqual({
      status: 403,
      message: expect.stringMatching(
        /"mallory" is not a demo user; demo\.users lists: admin, ada, grace, linus, olivia/,
      ),
    });
  });

  it('refuses a request that names no user', async () => {
    expect(await errorOf(await demo.refresh())).toEqual({
      status: 400,
      message: expect.stringContaining(
        'Missing the x-demo-user header naming the demo user to sign in as',
      ),
    });
  });

  it('refuses a listed user the catalog does not know', async () => {
    expect(await errorOf(await demo.refresh(UNCATALOGUED_DEMO_USER))).toEqual({
      status: 403,
      message: expect.stringContaining(
        `Demo user "${UNCATALOGUED_DEMO_USER}" has no catalog entity user:default/${UNCATALOGUED_DEMO_USER}`,
      ),
    });
  });
});
