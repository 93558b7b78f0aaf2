import type { Knex } from 'knex';
import type { BackendFeature } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import type { Entity } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { datasetMigrationsPlugin } from '../plugin';
import { connectionUrlOf } from './testDatabases';

/**
 * The plugin's real backend as the route tests start it: on `pluginDb`, a
 * catalog of `entities`, `datasetMigrations` config of `config`, and, given a
 * `warehouse`, a Postgres engine named `warehouse` on it. `realScheduler` runs
 * the plugin's periodic tasks (the mock scheduler runs each once, at startup);
 * `features` adds others (a permission or auditor mock, a module).
 */
export function startPluginBackend(options: {
  pluginDb: Knex;
  entities: Entity[];
  warehouse?: Knex;
  config?: JsonObject;
  realScheduler?: boolean;
  features?: BackendFeature[];
}): ReturnType<typeof startTestBackend> {
  const { pluginDb, entities, warehouse, config = {} } = options;
  return startTestBackend({
    features: [
      ...(options.realScheduler ? [schedulerServiceFactory] : []),
      datasetMigrationsPlugin,
      ...(options.features ?? []),
      mockServices.database.factory({ knex: pluginDb }),
      catalogServiceMock.factory({ entities }),
      mockServices.rootConfig.factory({
        data: {
          datasetMigrations: {
            ...config,
            ...(warehouse
              ? {
                  engines: {
                    warehouse: {
                      type: 'postgres',
                      connection: connectionUrlOf(warehouse),
                    },
                  },
                }
              : {}),
          },
        },
      }),
    ],
  });
}
