import { useCallback, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import type {
  CreateMigrationRequest,
  ImpactPreview,
  ImpactPreviewRequest,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef } from '../../api';
import { messageOf } from '../shared/format';
import { parseSpecText } from './specText';

export type ImpactPreviewState =
  | { loading: true }
  | { loading: false; preview: ImpactPreview }
  | { loading: false; error: string };

/**
 * The entity, changes and rename of what the dialog would send, read from the spec
 * (YAML or JSON text, or the object read from it); none when it has no changes.
 */
function impactRequestOf(
  request: CreateMigrationRequest | string,
): ImpactPreviewRequest | undefined {
  let spec: unknown = request;
  if (typeof request === 'string') {
    const parsed = parseSpecText(request);
    spec = parsed.ok ? parsed.value : undefined;
  }
  const { entityRef, changes, renameDataset } = (spec ?? {}) as Partial<
    Record<string, unknown>
  >;
  if (typeof entityRef !== 'string' || !Array.isArray(changes))
    return undefined;
  return {
    entityRef,
    changes,
    // A renamed dataset changes every reader: the preview must know of it.
    ...(renameDataset ? { renameDataset } : {}),
  } as ImpactPreviewRequest;
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
          error: 'the spec names no dataset or no list of changes',
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
