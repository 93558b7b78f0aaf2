import path from 'node:path';
import {
  coreServices,
  createBackendModule,
  type BackendFeature,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { startEmbeddedPostgres } from '@internal/embedded-postgres';
import { seedDemoConsumers } from './demoConsumers';
import { seedFleetCatalog } from './demoFleet';
import { seedDemoWorld } from './demoWorld';

/**
 * Development only: with `embeddedPostgres.enabled`, boots a real PostgreSQL on the
 * host and port that `backend.database.connection` names, so every plugin uses it
 * with no setup. With `demo.enabled`, seeds the demo warehouse on it.
 */
export async function startDevDatabase(
  config: Config,
): Promise<{ shutdownModule: BackendFeature } | undefined> {
  if (!config.getOptionalBoolean('embeddedPostgres.enabled')) return undefined;

  const connection = config.getConfig('backend.database.connection');
  const server = await startEmbeddedPostgres({
    dataDir: path.resolve(config.getString('embeddedPostgres.dataDir')),
    port: Number(connection.getString('port')),
    password: connection.getString('password'),
    // The engine names statements seen that would fail through a view.
    preload: ['pg_stat_statements'],
  });
  if (config.getOptionalBoolean('demo.enabled')) {
    await seedDemoWorld(server.url);
    // Next to the data directory: .data/consumer-repos and .data/demo-catalog.
    const dataDir = path.dirname(
      path.resolve(config.getString('embeddedPostgres.dataDir')),
    );
    seedDemoConsumers(dataDir);
    seedFleetCatalog(dataDir);
  }

  return {
    // Stopped after every plugin has shut down: root lifecycle hooks run last.
    shutdownModule: createBackendModule({
      pluginId: 'app',
      moduleId: 'embedded-postgres',
      register(env) {
        env.registerInit({
          deps: { lifecycle: coreServices.rootLifecycle },
          async init({ lifecycle }) {
            lifecycle.addShutdownHook(() => server.stop());
          },
        });
      },
    }),
  };
}
