import { createBackend } from '@backstage/backend-defaults';
import { ConfigSources } from '@backstage/config-loader';
import { demoAuthProviderModule } from './demoAuthProvider';
import { demoPermissionPolicyModule } from './demoPermissionPolicy';
import { startDevDatabase } from './devDatabase';

async function main() {
  // The embedded Postgres must be up before any plugin asks for a database.
  const config = await ConfigSources.toConfig(ConfigSources.default({}));
  const devDatabase = await startDevDatabase(config);
  config.close();

  const backend = createBackend();
  if (devDatabase) backend.add(devDatabase.shutdownModule);

  backend.add(import('@backstage/plugin-app-backend'));
  backend.add(import('@backstage/plugin-auth-backend'));
  backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
  // Sign in as a listed demo user; a no-op unless demo.enabled.
  backend.add(demoAuthProviderModule);
  backend.add(import('@backstage/plugin-catalog-backend'));
  backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
  backend.add(import('@backstage/plugin-permission-backend'));
  // The demo's policy replaces allow-all: a backend takes exactly one policy.
  backend.add(demoPermissionPolicyModule);
  backend.add(import('@backstage/plugin-notifications-backend'));
  backend.add(import('@backstage/plugin-signals-backend'));
  backend.add(import('@backstage/plugin-user-settings-backend'));

  backend.add(import('@dataset-migrations/plugin-dataset-migrations-backend'));
  backend.add(
    import(
      '@dataset-migrations/plugin-catalog-backend-module-dataset-migrations'
    ),
  );

  await backend.start();
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
