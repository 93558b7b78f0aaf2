import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { isDatasetEntity } from '@dataset-migrations/plugin-dataset-migrations-common';
import { consumersOf, type DatasetCatalog } from '../service/DatasetCatalog';
import type { DiscoveredConsumer } from './ConsumerStore';
import { repositoryUrlFromSourceLocation } from './repositories/RepositoryReader';

const SOURCE_LOCATION = 'backstage.io/source-location';

/**
 * Readers of a dataset from catalog lineage (`dependsOn` / `dependencyOf`), and
 * readers of datasets derived from it, breadth first up to `maxDepth`. Each is
 * listed once, at the depth where it is first found.
 */
export async function discoverConsumers(
  catalog: DatasetCatalog,
  datasetRef: string,
  credentials: BackstageCredentials,
  maxDepth: number,
): Promise<Array<{ consumer: DiscoveredConsumer }>> {
  const seen = new Set<string>([datasetRef]);
  const found: Array<{ consumer: DiscoveredConsumer }> = [];
  let frontier: Array<{ ref: string; via?: string }> = [{ ref: datasetRef }];
  for (let depth = 1; depth <= maxDepth && frontier.length > 0; depth++) {
    const parents = await catalog.getEntities(
      frontier.map(f => f.ref),
      credentials,
    );
    const next: Array<{ ref: string; via?: string }> = [];
    const refs: Array<{ ref: string; via?: string }> = [];
    parents.forEach((parent, i) => {
      if (!parent) return;
      for (const ref of consumersOf(parent)) {
        if (seen.has(ref)) continue;
        seen.add(ref);
        refs.push({ ref, via: depth > 1 ? frontier[i].ref : undefined });
      }
    });
    const entities = await catalog.getEntities(
      refs.map(r => r.ref),
      credentials,
    );
    entities.forEach((entity, i) => {
      if (!entity) return;
      const { ref, via } = refs[i];
      found.push({
        consumer: {
          entityRef: stringifyEntityRef(entity),
          title: entity.metadata.title ?? entity.metadata.name,
          owner: entity.spec?.owner as string | undefined,
          depth,
          via,
          repositoryUrl: repositoryUrlFromSourceLocation(
            entity.metadata.annotations?.[SOURCE_LOCATION],
          ),
        },
      });
      // A derived dataset has readers of its own, one step further away.
      if (isDatasetEntity(entity)) next.push({ ref, via: via ?? ref });
    });
    frontier = next;
  }
  return found;
}
