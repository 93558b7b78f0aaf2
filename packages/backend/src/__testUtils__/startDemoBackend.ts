import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { userInfoServiceFactory } from '@backstage/backend-defaults/userInfo';
import {
  coreServices,
  createBackendPlugin,
  type AuthService,
  type PermissionsService,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import authPlugin from '@backstage/plugin-auth-backend';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import type {
  Permission,
  PolicyDecision,
  QueryPermissionRequest,
} from '@backstage/plugin-permission-common';
import { demoAuthProviderModule, DEMO_USER_HEADER } from '../demoAuthProvider';
import { seedDemoConsumers } from '../demoConsumers';
import { demoPermissionPolicyModule } from '../demoPermissionPolicy';

/** Test-only; runtime code must never import from `__testUtils__`. */

const TEST_DATABASE_ENV =
  'BACKSTAGE_TEST_DATABASE_POSTGRES18_CONNECTION_STRING';

/** The demo users of app-config.yaml, as the sign-in page lists them. */
export const DEMO_USERS = ['admin', 'ada', 'grace', 'linus', 'olivia'];

/** Listed in demo.users here, but with no catalog entity. */
export const UNCATALOGUED_DEMO_USER = 'ghost';

export interface DemoBackend {
  baseUrl: string;
  /** Signs in through the demo provider; the raw response. */
  refresh(userName?: string): Promise<Response>;
  /** Signs in as a demo user and returns their Backstage token. */
  signIn(userName: string): Promise<string>;
  /**
   * The ownership claims of a token's user, as the user-info service reads them
   * from the auth backend (tokens leave them out by default).
   */
  ownershipOf(token: string): Promise<string[]>;
  /**
   * Asks for the policy's decisions as a plugin does for a list (no resource), on
   * behalf of the token's user: conditions come back unresolved. The permission
   * backend refuses such requests straight from a user.
   */
  authorizeConditional(
    token: string,
    queries: QueryPermissionRequest[],
  ): Promise<PolicyDecision[]>;
  /** Asks the permission backend, as the token's user. */
  authorize(
    token: string,
    items: Array<{ permission: Permission; resourceRef?: string }>,
  ): Promise<Array<Record<string, unknown>>>;
}

/**
 * The demo's auth, catalog and permission backends with the real auth services
 * (tokens signed by the auth backend, ownership read from the catalog) and the
 * demo policy, on a real Postgres. The catalog holds the demo org, datasets and
 * consumers. Resolves once the catalog has stitched every demo entity.
 */
export async function startDemoBackend(): Promise<DemoBackend> {
  const databaseUrl = process.env[TEST_DATABASE_ENV];
  if (!databaseUrl) {
    throw new Error(
      `${TEST_DATABASE_ENV} is not set. This test needs a real PostgreSQL; run it through ` +
        '`yarn test:unit <file>` (scripts/with-test-postgres.mjs).',
    );
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-backend-'));
  const consumersFile = seedDemoConsumers(dataDir);
  const orgAndDatasets = path.resolve(
    __dirname,
    '../../../../demo/catalog/all.yaml',
  );

  let probe: { auth: AuthService; permissions: PermissionsService } | undefined;
  const probePlugin = createBackendPlugin({
    pluginId: 'policy-probe',
    register(reg) {
      reg.registerInit({
        deps: {
          auth: coreServices.auth,
          permissions: coreServices.permissions,
        },
        async init(deps) {
          probe = deps;
        },
      });
    },
  });

  const backend = await startTestBackend({
    features: [
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          backend: {
            database: {
              client: 'pg',
              connection: databaseUrl,
              // One database per plugin, fresh for each run.
              prefix: `demo_${randomBytes(4).toString('hex')}_`,
            },
          },
          permission: { enabled: true },
          auth: { providers: { demo: {} } },
          demo: {
            enabled: true,
            users: [...DEMO_USERS, UNCATALOGUED_DEMO_USER].map(name => ({
              name,
              role: name,
            })),
          },
          catalog: {
            rules: [
              {
                allow: [
                  'Component',
                  'Resource',
                  'System',
                  'Group',
                  'User',
                  'Location',
                ],
              },
            ],
            locations: [
              { type: 'file', target: orgAndDatasets },
              { type: 'file', target: consumersFile },
            ],
          },
        },
      }),
      authServiceFactory,
      httpAuthServiceFactory,
      userInfoServiceFactory,
      authPlugin,
      demoAuthProviderModule,
      catalogPlugin,
      permissionPlugin,
      demoPermissionPolicyModule,
      probePlugin,
    ],
  });
  const baseUrl = `http://localhost:${backend.server.port()}`;

  const refresh = (userName?: string) =>
    fetch(`${baseUrl}/api/auth/demo/refresh`, {
      headers: {
        'X-Requested-With': 'XMLHttpRequest',
        ...(userName ? { [DEMO_USER_HEADER]: userName } : {}),
      },
    });
  const signIn = async (userName: string) => {
    const response = await refresh(userName);
    if (!response.ok) {
      throw new Error(
        `sign-in as ${userName}: ${response.status} ${await response.text()}`,
      );
    }
    const body = await response.json();
    return body.backstageIdentity.token as string;
  };
  const authorize: DemoBackend['authorize'] = async (token, items) => {
    const response = await fetch(`${baseUrl}/api/permission/authorize`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({
        items: items.map((item, i) => ({ id: String(i), ...item })),
      }),
    });
    if (!response.ok) {
      throw new Error(`authorize: ${response.status} ${await response.text()}`);
    }
    const body = await response.json();
    return body.items.map(({ id: _id, ...decision }: any) => decision);
  };

  const ownershipOf = async (token: string) => {
    const response = await fetch(`${baseUrl}/api/auth/v1/userinfo`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (!response.ok) {
      throw new Error(`userinfo: ${response.status} ${await response.text()}`);
    }
    const body = await response.json();
    return body.claims.ent as string[];
  };

  const authorizeConditional: DemoBackend['authorizeConditional'] = async (
    token,
    queries,
  ) => {
    const credentials = await probe!.auth.authenticate(token);
    const decisions = await probe!.permissions.authorizeConditional(queries, {
      credentials,
    });
    // The client's request ids say nothing about the decision.
    return decisions.map(({ id: _id, ...decision }: any) => decision);
  };

  await waitForCatalog(baseUrl, signIn, ownershipOf);
  return {
    baseUrl,
    refresh,
    signIn,
    ownershipOf,
    authorize,
    authorizeConditional,
  };
}

/**
 * Until every demo user signs in with their groups and the datasets and consumers
 * carry their owners: the catalog processes its locations in the background.
 */
async function waitForCatalog(
  baseUrl: string,
  signIn: (userName: string) => Promise<string>,
  ownershipOf: (token: string) => Promise<string[]>,
) {
  const deadline = Date.now() + 90_000;
  let last: unknown;
  for (;;) {
    try {
      const token = await signIn('admin');
      const owned = await Promise.all(
        [
          'resource/default/listening-events',
          'resource/default/user-profiles',
          'component/default/skip-rate-dashboard',
          'component/default/royalty-calculator',
        ].map(async ref => {
          const response = await fetch(
            `${baseUrl}/api/catalog/entities/by-name/${ref}`,
            { headers: { Authorization: `Bearer ${token}` } },
          );
          if (!response.ok) return `${ref}: ${response.status}`;
          const entity = await response.json();
          return (entity.relations ?? []).some(
            (r: { type: string }) => r.type === 'ownedBy',
          )
            ? undefined
            : `${ref} has no owner`;
        }),
      );
      const tokens = await Promise.all(DEMO_USERS.map(signIn));
      const claims = await Promise.all(tokens.map(ownershipOf));
      const problems = [
        ...owned.filter(Boolean),
        ...claims
          .filter(
            userClaims => !userClaims.some(ref => ref.startsWith('group:')),
          )
          .map(userClaims => `claims without a group: ${userClaims}`),
      ];
      if (problems.length === 0) return;
      last = problems.join('; ');
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`The demo catalog never became ready: ${last}`);
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }
}
