import type { ConfigApi, IdentityApi } from '@backstage/core-plugin-api';

/** A user one may sign in as on the demo portal (`demo.users` in app-config). */
export interface DemoUser {
  /** The catalog user's name: `user:default/<name>`. */
  name: string;
  /** What they are in the demo, e.g. "Dataset owner". */
  role: string;
  /** What they may do. */
  description?: string;
}

/** The demo users, or none when the demo sign-in is off (`demo.enabled`). */
export function readDemoUsers(config: ConfigApi): DemoUser[] {
  if (!config.getOptionalBoolean('demo.enabled')) return [];
  return (config.getOptionalConfigArray('demo.users') ?? []).map(user => ({
    name: user.getString('name'),
    role: user.getString('role'),
    description: user.getOptionalString('description'),
  }));
}

/** The auth backend's provider that signs in demo users, and its header. */
export const DEMO_AUTH_PROVIDER = 'demo';
export const DEMO_USER_HEADER = 'x-demo-user';

/**
 * The demo user picked in this browser: a reload signs in as them again, until
 * they sign out.
 */
const CHOSEN_USER_KEY = 'dataset-migrations:demo-user';

export const chosenDemoUser = {
  get: (): string | null => window.localStorage.getItem(CHOSEN_USER_KEY),
  set: (name: string) => window.localStorage.setItem(CHOSEN_USER_KEY, name),
  forget: () => window.localStorage.removeItem(CHOSEN_USER_KEY),
};

/** The identity, but signing out also forgets the pick, so the list shows again. */
export function forgetPickOnSignOut(identity: IdentityApi): IdentityApi {
  return {
    getProfileInfo: () => identity.getProfileInfo(),
    getBackstageIdentity: () => identity.getBackstageIdentity(),
    getCredentials: () => identity.getCredentials(),
    signOut: async () => {
      chosenDemoUser.forget();
      await identity.signOut();
    },
  };
}
