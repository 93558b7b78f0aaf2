import { screen } from '@testing-library/react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import type { Entity } from '@backstage/catalog-model';
import { datasetMigrationsApiRef, type DatasetMigrationsApi } from './api';
import alphaPlugin from './alpha';
import { EntityConsumerMigrationsCard, isDatasetConsumerEntity } from '.';

// A consumer's owners see the card in either frontend system (issue 12, item 3).
const consumer: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'churn-model', namespace: 'default' },
  spec: { type: 'pipeline', owner: 'group:default/listening-insights' },
  relations: [
    { type: 'dependsOn', targetRef: 'resource:default/listening-events' },
  ],
};
const team: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'listening-insights', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

async function renderOnConsumer(card: JSX.Element) {
  const api = {
    listConsumerMigrations: jest.fn(async () => ({ items: [] })),
  } as unknown as DatasetMigrationsApi;
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [datasetMigrationsApiRef, api],
        [permissionApiRef, mockApis.permission()],
      ]}
    >
      <EntityProvider entity={consumer}>{card}</EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

const NOTHING_YET =
  /No migration of a dataset churn-model reads has reached it/;

describe('the consumer migrations card', () => {
  it('new frontend system: an entity card shown only on entities that read a dataset', async () => {
    const tester = createExtensionTester(
      alphaPlugin.getExtension(
        'entity-card:dataset-migrations/consumer-migrations',
      ),
    );
    const shows = tester.get(EntityCardBlueprint.dataRefs.filterFunction);
    expect(shows?.(consumer)).toBe(true);
    expect(shows?.(team)).toBe(false);

    await renderOnConsumer(tester.reactElement());
    expect(await screen.findByText(NOTHING_YET)).toBeInTheDocument();
  });

  it('legacy frontend system: the exported card, shown where isDatasetConsumerEntity says', async () => {
    expect(isDatasetConsumerEntity(consumer)).toBe(true);
    expect(isDatasetConsumerEntity(team)).toBe(false);

    await renderOnConsumer(<EntityConsumerMigrationsCard />);
    expect(await screen.findByText(NOTHING_YET)).toBeInTheDocument();
  });
});
