import type { ShadowCheck } from '@dataset-migrations/plugin-dataset-migrations-common';
import type {
  ChangedFile,
  DatasetEngine,
  DatasetLocation,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import type { DatasetTarget } from '../consumers/sql/datasetTarget';
import {
  runShadowChecks,
  versionRelations,
} from '../consumers/verification/shadowCheck';
import { plannedChecksOfFile } from '../consumers/verification/shadowPlan';

export interface ShadowCheckRequest {
  engine: DatasetEngine;
  dataset: DatasetLocation;
  target: DatasetTarget;
  fromVersion: number;
  targetVersion: number;
  original: ChangedFile;
  rewritten: ChangedFile;
  /**
   * When the migration renames the dataset: the rewrite names it so (`target`),
   * and its new version is found under the new name (`dataset`).
   */
  renamed?: { target: DatasetTarget; dataset: DatasetLocation };
  timeoutMs: number;
  sampleRows?: number;
  /**
   * Other relations the consumer's SQL may read beside the dataset's versions:
   * the datasets its entity declares it depends on (see `datasetsReadBeside`).
   */
  alsoReads?: string[];
}

/**
 * One file's shadow checks, planned and run here, for tests of the checks: the
 * original on the old version, the rewrite on the new one. Consumer jobs plan a
 * whole patch's checks on a worker (planShadowChecks), then runShadowChecks.
 */
export async function shadowCheckFile(
  request: ShadowCheckRequest,
): Promise<ShadowCheck[]> {
  const relations = versionRelations(
    request.engine,
    request.dataset,
    request.fromVersion,
    request.targetVersion,
    request.renamed?.dataset,
  );
  return runShadowChecks(
    { ...request, relations },
    plannedChecksOfFile({
      original: request.original,
      rewritten: request.rewritten,
      target: request.target,
      afterTarget: request.renamed?.target ?? request.target,
      relations,
    }),
  );
}
