import {
  DATASET_MIGRATIONS_SIGNAL_CHANNEL,
  type DatasetMigrationsSignal,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { useChannelSignals } from './useChannelSignals';

export { SIGNALLED_POLL_MS } from './useChannelSignals';

/** Follows the migrations channel for the changes `concerns` picks out. */
export function useMigrationSignals(
  concerns: (signal: DatasetMigrationsSignal) => boolean,
) {
  return useChannelSignals(DATASET_MIGRATIONS_SIGNAL_CHANNEL, concerns);
}
