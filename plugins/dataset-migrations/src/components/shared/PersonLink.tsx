import { useApiHolder } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  catalogApiRef,
  EntityRefLink,
  humanizeEntityRef,
} from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';

/**
 * A person who acted (requested, approved, overrode), linked to their catalog
 * page when they have one. Sign-ins without a catalog user (a guest's
 * `user:development/guest`) are named in plain text rather than linked to "Entity
 * not found".
 */
export function PersonLink(props: { entityRef: string }) {
  const { entityRef } = props;
  // Optional: a page without the catalog still names the person.
  const catalogApi = useApiHolder().get(catalogApiRef);
  const inCatalog = useAsync(async () => {
    if (!catalogApi) return false;
    return (await catalogApi.getEntityByRef(entityRef)) !== undefined;
  }, [catalogApi, entityRef]);
  if (inCatalog.value)
    return <EntityRefLink entityRef={entityRef} defaultKind="user" />;
  return <span title={entityRef}>{personName(entityRef)}</span>;
}

/** "ada", "development/guest": a user's ref without what goes without saying. */
export function personName(entityRef: string): string {
  try {
    return humanizeEntityRef(parseEntityRef(entityRef), {
      defaultKind: 'user',
    });
  } catch {
    // Not an entity ref at all (a service principal's subject): as it is.
    return entityRef;
  }
}
