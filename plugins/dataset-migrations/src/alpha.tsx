/**
 * The dataset-migrations plugin for Backstage's new frontend system.
 *
 * @packageDocumentation
 */
import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import StorageIcon from '@material-ui/icons/Storage';
import WavesIcon from '@material-ui/icons/Waves';
import {
  isDatasetConsumerEntity,
  isDatasetEntity,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { DatasetMigrationsClient, datasetMigrationsApiRef } from './api';
import { campaignsRouteRef, rootRouteRef } from './routes';

const api = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: datasetMigrationsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new DatasetMigrationsClient(deps),
    }),
});

const datasetsPage = PageBlueprint.make({
  params: {
    path: '/datasets',
    title: 'Datasets',
    icon: <StorageIcon />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/DatasetsPage').then(m => <m.DatasetsPage />),
  },
});

const campaignsPage = PageBlueprint.make({
  name: 'campaigns',
  params: {
    path: '/campaigns',
    title: 'Campaigns',
    icon: <WavesIcon />,
    routeRef: campaignsRouteRef,
    loader: () =>
      import('./components/Campaigns').then(m => <m.CampaignsPage />),
  },
});

const datasetCard = EntityCardBlueprint.make({
  name: 'dataset-schema',
  params: {
    filter: isDatasetEntity,
    loader: () =>
      import('./components/EntityDatasetCard').then(m => (
        <m.EntityDatasetCard />
      )),
  },
});

/** On the overview of anything that reads datasets, by the lineage consumers are found through. */
const consumerCard = EntityCardBlueprint.make({
  name: 'consumer-migrations',
  params: {
    filter: isDatasetConsumerEntity,
    loader: () =>
      import('./components/ConsumerMigrationsCard').then(m => (
        <m.EntityConsumerMigrationsCard />
      )),
  },
});

const migrationHistoryContent = EntityContentBlueprint.make({
  name: 'migration-history',
  params: {
    path: '/migration-history',
    title: 'Migration History',
    filter: isDatasetEntity,
    loader: () =>
      import('./components/MigrationHistory').then(m => (
        <m.MigrationHistoryContent />
      )),
  },
});

/**
 * The dataset-migrations plugin for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'dataset-migrations',
  routes: { root: rootRouteRef, campaigns: campaignsRouteRef },
  extensions: [
    api,
    datasetsPage,
    campaignsPage,
    datasetCard,
    consumerCard,
    migrationHistoryContent,
  ],
});
