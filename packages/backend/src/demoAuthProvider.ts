import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';

/** The request header that names the demo user to sign in as. */
export const DEMO_USER_HEADER = 'x-demo-user';

/** The names of the users one may sign in as: `demo.users[].name`. */
export function readDemoUserNames(config: Config): string[] {
  return (config.getOptionalConfigArray('demo.users') ?? []).map(user =>
    user.getString('name'),
  );
}

/** A demo user's catalog entity: `user:default/<name>`. */
export function demoUserEntityRef(name: string): string {
  return stringifyEntityRef({ kind: 'User', namespace: 'default', name });
}

/**
 * Reads the demo user named by the request header; refuses a missing header and
 * any name not listed in `demo.users`. No password: this is for local demos only.
 */
function createDemoAuthenticator(userNames: string[]) {
  return createProxyAuthenticator({
    defaultProfileTransform: async (result: { userName: string }, ctx) => {
      try {
        const { entity } = await ctx.findCatalogUser({
          entityRef: demoUserEntityRef(result.userName),
        });
        const profile = (entity.spec?.profile ?? {}) as {
          displayName?: string;
          email?: string;
          picture?: string;
        };
        return { profile: { displayName: result.userName, ...profile } };
      } catch {
        // The sign-in resolver reports a user missing from the catalog.
        return { profile: { displayName: result.userName } };
      }
    },
    initialize: () => undefined,
    async authenticate({ req }) {
      const userName = req.header(DEMO_USER_HEADER);
      if (!userName) {
        throw new InputError(
          `Missing the ${DEMO_USER_HEADER} header naming the demo user to sign in as`,
        );
      }
      if (!userNames.includes(userName)) {
        throw new NotAllowedError(
          `"${userName}" is not a demo user; demo.users lists: ${userNames.join(
            ', ',
          )}`,
        );
      }
      return { result: { userName } };
    },
  });
}

/**
 * The `demo` auth provider: sign in as one of the users listed in `demo.users`, by
 * naming them in the `x-demo-user` header. The user's catalog entity decides who
 * they are and what they own (their groups included), as with a real provider.
 * Registered only with `demo.enabled`; the auth backend serves it only when
 * `auth.providers.demo` is configured.
 */
export const demoAuthProviderModule = createBackendModule({
  pluginId: 'auth',
  moduleId: 'demo-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ providers, config, logger }) {
        if (!config.getOptionalBoolean('demo.enabled')) return;
        // As Backstage's guest provider: passwordless sign-in as an admin never
        // reaches a production deployment by a forgotten flag.
        if (process.env.NODE_ENV === 'production') {
          logger.warn(
            'Demo sign-in is not offered: NODE_ENV is production (demo.enabled is ignored)',
          );
          return;
        }
        const userNames = readDemoUserNames(config);
        logger.warn(
          `Demo sign-in is enabled: anyone can sign in as ${userNames.join(
            ', ',
          )}. For local demos only.`,
        );
        providers.registerProvider({
          providerId: 'demo',
          factory: createProxyAuthProviderFactory({
            authenticator: createDemoAuthenticator(userNames),
            async signInResolver({ result }, ctx) {
              const entityRef = demoUserEntityRef(result.userName);
              try {
                return await ctx.signInWithCatalogUser({ entityRef });
              } catch (error) {
                throw new NotAllowedError(
                  `Demo user "${result.userName}" has no catalog entity ${entityRef}`,
                  error,
                );
              }
            },
          }),
        });
      },
    });
  },
});
