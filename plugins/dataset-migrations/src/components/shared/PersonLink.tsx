import { useApiHolder } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  catalogApiRef,
  EntityRefLink,
  humanizeEntityRef,
} from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';

/**
 * An entity the portal names (a person who acted, a consumer that had not moved),
 * linked to its catalog page when the catalog has it. One it does not have (a
 * guest's `user:development/guest`, a consumer since removed) is named in plain
 * text rather than linked to "Entity not found".
 */
export function CatalogRefLink(props: {
  entityRef: string;
  defaultKind: string;
}) {
  const { entityRef, defaultKind } = props;
  // Optional: a page without the catalog still names the entity.
  const catalogApi = useApiHolder().get(catalogApiRef);
  const inCatalog = useAsync(async () => {
    if (!catalogApi) return false;
    return (await catalogApi.getEntityByRef(entityRef)) !== undefined;
  }, [catalogApi, entityRef]);
  if (inCatalog.value)
    return <EntityRefLink entityRef={entityRef} defaultKind={defaultKind} />;
  return <span title={entityRef}>{refName(entityRef, defaultKind)}</span>;
}

/** A person who acted (requested, approved, overrode). */
export function PersonLink(props: { entityRef: string }) {
  return <CatalogRefLink entityRef={props.entityRef} defaultKind="user" />;
}

/** "ada", "development/guest", "daily-plays": a ref without what goes without saying. */
function refName(entityRef: string, defaultKind: string): string {
  try {
    return humanizeEntityRef(parseEntityRef(entityRef), { defaultKind });
  } catch {
    // Not an entity ref at all (a service principal's subject): as it is.
    return entityRef;
  }
}
