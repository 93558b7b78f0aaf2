import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_SOURCE_LOCATION,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { isDatasetEntity } from '@dataset-migrations/plugin-dataset-migrations-common';
import { consumersOf, type DatasetCatalog } from '../catalog/DatasetCatalog';
import type { DiscoveredConsumer } from '../database/ConsumerStore';
import { repositoryUrlFromSourceLocation } from './repositories/RepositoryReader';

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
): Promise<DiscoveredConsumer[]> {
  const [dataset] = await catalog.getEntities([datasetRef], credentials);
  const seen = new Set<string>([datasetRef]);
  const found: DiscoveredConsumer[] = [];
  // Datasets whose readers are looked for next, with the derived dataset they come through.
  let frontier: Array<{ entity: Entity; via?: string }> = dataset
    ? [{ entity: dataset }]
    : [];
  for (let depth = 1; depth <= maxDepth && frontier.length > 0; depth++) {
    const refs: Array<{ ref: string; via?: string }> = [];
    for (const { entity, via } of frontier) {
      for (const ref of consumersOf(entity)) {
        if (seen.has(ref)) continue;
        seen.add(ref);
        refs.push({
          ref,
          via: depth > 1 ? via ?? stringifyEntityRef(entity) : undefined,
        });
      }
    }
    const entities = await catalog.getEntities(
      refs.map(r => r.ref),
      credentials,
    );
    const next: typeof frontier = [];
    entities.forEach((entity, i) => {
      if (!entity) return;
      const { via } = refs[i];
      found.push({
        entityRef: stringifyEntityRef(entity),
        title: entity.metadata.title ?? entity.metadata.name,
        owner: entity.spec?.owner as string | undefined,
        depth,
        via,
        repositoryUrl: repositoryUrlFromSourceLocation(
          entity.metadata.annotations?.[ANNOTATION_SOURCE_LOCATION],
        ),
      });
      // A derived dataset has readers of its own, one step further away.
      if (isDatasetEntity(entity)) next.push({ entity, via });
    });
    frontier = next;
  }
  return found;
}
