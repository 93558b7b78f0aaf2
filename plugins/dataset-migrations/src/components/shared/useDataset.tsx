import { Alert } from '@material-ui/lab';
import useAsync from 'react-use/esm/useAsync';
import { useApi } from '@backstage/core-plugin-api';
import type { DatasetDetails } from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef } from '../../api';
import { messageOf } from './format';
import { useMigrationSignals } from './useMigrationSignals';

/**
 * The dataset as the backend reads it (`GET /datasets/:ref`: its live fields,
 * the consumers of every open migration per state), refetched when `key`
 * changes (its last migration) or a signal says one of its consumers did; and
 * why it cannot be read, which is why a migration of it could not start. Nothing
 * is read without an entity ref.
 */
export function useDataset(
  entityRef: string,
  key?: string,
): { dataset?: DatasetDetails; problem?: DatasetProblem } {
  const api = useApi(datasetMigrationsApiRef);
  // The migrations' own signals move `key`; a consumer's come here.
  const signals = useMigrationSignals(
    signal => signal.entityRef === entityRef && !!signal.consumerRef,
  );
  const read = useAsync(
    async () => (entityRef ? api.getDataset(entityRef) : undefined),
    [api, entityRef, key, signals.changes],
  );
  return {
    dataset: read.value,
    problem: read.error ? problemOf(read.error) : undefined,
  };
}

/** Why the backend would not read the dataset, and so would not migrate it. */
export interface DatasetProblem {
  /**
   * Refused for what the dataset's entity says (400, 404, 409: an engine that is
   * not configured, a table name that does not parse or exists nowhere, or that
   * another entity names, a version that is no whole number), rather than a
   * failure to ask.
   */
  misconfigured: boolean;
  /** The backend's words. */
  message: string;
}

const REFUSALS_OF_THE_DATASET = [400, 404, 409];

function problemOf(error: Error): DatasetProblem {
  const status = (error as { statusCode?: number }).statusCode;
  return {
    misconfigured:
      status !== undefined && REFUSALS_OF_THE_DATASET.includes(status),
    message: messageOf(error),
  };
}

/** Why Migrate is off for a dataset with this problem, as its button says on hover. */
export function whyNoMigrateDataset(
  problem: DatasetProblem | undefined,
): string | undefined {
  if (!problem) return undefined;
  return problem.misconfigured
    ? `The dataset is misconfigured: ${problem.message}`
    : `The dataset could not be read: ${problem.message}`;
}

/** The problem where the dataset is shown: what is wrong, and where it is fixed. */
export function DatasetProblemAlert(props: { problem?: DatasetProblem }) {
  const { problem } = props;
  if (!problem) return null;
  return (
    <Alert
      severity={problem.misconfigured ? 'error' : 'warning'}
      aria-label="Dataset problem"
    >
      {problem.misconfigured
        ? `Misconfigured: ${problem.message}. Its annotations (engine, table, schema version) are set in its catalog entity; no migration can start until they are fixed.`
        : `The dataset could not be read: ${problem.message}. No migration can start until it can.`}
    </Alert>
  );
}
