import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { DatasetMigrationsClient, datasetMigrationsApiRef } from './api';
import { campaignsRouteRef, rootRouteRef } from './routes';

/**
 * The dataset-migrations plugin for the legacy frontend system.
 *
 * @public
 */
export const datasetMigrationsPlugin = createPlugin({
  id: 'dataset-migrations',
  routes: { root: rootRouteRef, campaigns: campaignsRouteRef },
  apis: [
    createApiFactory({
      api: datasetMigrationsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new DatasetMigrationsClient(deps),
    }),
  ],
});

/** The Datasets page. @public */
export const DatasetsPage: () => JSX.Element = datasetMigrationsPlugin.provide(
  createRoutableExtension({
    name: 'DatasetsPage',
    component: () =>
      import('./components/DatasetsPage').then(m => m.DatasetsPage),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The Campaigns page: the list, a new campaign's plan review, and each campaign's
 * dashboard. Mount it at a path ending in `/*`, e.g. `/campaigns/*`.
 *
 * @public
 */
export const CampaignsPage: () => JSX.Element = datasetMigrationsPlugin.provide(
  createRoutableExtension({
    name: 'CampaignsPage',
    component: () =>
      import('./components/Campaigns').then(m => m.CampaignsPage),
    mountPoint: campaignsRouteRef,
  }),
);

/** Schema version and the Migrate button, for a dataset's overview. @public */
export const EntityDatasetCard: () => JSX.Element | null =
  datasetMigrationsPlugin.provide(
    createComponentExtension({
      name: 'EntityDatasetCard',
      component: {
        lazy: () =>
          import('./components/EntityDatasetCard').then(
            m => m.EntityDatasetCard,
          ),
      },
    }),
  );

/** The Migration History tab's content. @public */
export const EntityMigrationHistoryContent: () => JSX.Element =
  datasetMigrationsPlugin.provide(
    createComponentExtension({
      name: 'EntityMigrationHistoryContent',
      component: {
        lazy: () =>
          import('./components/MigrationHistory').then(
            m => m.MigrationHistoryContent,
          ),
      },
    }),
  );

/**
 * For an entity that reads datasets (see `isDatasetConsumerEntity`): the migrations
 * that affect it, its pull requests, the decisions it needs, and what contract does.
 *
 * @public
 */
export const EntityConsumerMigrationsCard: () => JSX.Element =
  datasetMigrationsPlugin.provide(
    createComponentExtension({
      name: 'EntityConsumerMigrationsCard',
      component: {
        lazy: () =>
          import('./components/ConsumerMigrationsCard').then(
            m => m.EntityConsumerMigrationsCard,
          ),
      },
    }),
  );
