import { useCallback, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import type {
  CreateMigrationRequest,
  ImpactPreview,
  ImpactPreviewRequest,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef } from '../../api';
import { messageOf } from '../shared/format';

export type ImpactPreviewState =
  | { loading: true }
  | { loading: false; preview: ImpactPreview }
  | { loading: false; error: string };

/**
 * The entity, changes and rename of what the dialog would send. The impact endpoint
 * takes only those, and the browser has no YAML parser, so a YAML spec gives none.
 */
function impactRequestOf(
  request: CreateMigrationRequest | string,
): ImpactPreviewRequest | undefined {
  // A renamed dataset changes every reader: the preview must know of it.
  const renamed = (spec: Pick<CreateMigrationRequest, 'renameDataset'>) =>
    spec.renameDataset ? { renameDataset: spec.renameDataset } : {};
  if (typeof request !== 'string')
    return {
      entityRef: request.entityRef,
      changes: request.changes,
      ...renamed(request),
    };
  try {
    const spec = JSON.parse(request);
    return typeof spec?.entityRef === 'string' && Array.isArray(spec.changes)
      ? { entityRef: spec.entityRef, changes: spec.changes, ...renamed(spec) }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Which consumers a request would affect. Only the latest request's answer is kept,
 * so an edit made while one is under way never shows a stale impact.
 */
export function useImpactPreview() {
  const api = useApi(datasetMigrationsApiRef);
  const [state, setState] = useState<ImpactPreviewState>();
  const generation = useRef(0);

  const preview = useCallback(
    async (request: CreateMigrationRequest | string) => {
      const current = ++generation.current;
      const impactRequest = impactRequestOf(request);
      if (!impactRequest) {
        setState({
          loading: false,
          error: 'Consumer impact is previewed for specs written as JSON.',
        });
        return;
      }
      setState({ loading: true });
      let next: ImpactPreviewState;
      try {
        next = {
          loading: false,
          preview: await api.previewImpact(impactRequest),
        };
      } catch (e) {
        next = { loading: false, error: messageOf(e) };
      }
      if (current === generation.current) setState(next);
    },
    [api],
  );

  const reset = useCallback(() => {
    generation.current++;
    setState(undefined);
  }, []);

  return { state, preview, reset };
}
