import { useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  datasetMigrationConsumerUpdatePermission,
  type RetryableConsumersResponse,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef } from '../../api';
import { GuardedButton } from '../shared/GuardedButton';
import { fewRefs } from './consumerText';

/**
 * "Retry failed", as far as the signed-in user may go. A click retries the failed
 * consumers the user may update and leaves the others to their owners (the
 * backend decides, at the click). Before it, the button says which it would
 * leave: disabled when the user may update none, "Retry the N you may update"
 * with the others named when some. The split is read again whenever `version`
 * changes (the ledger's counts); until it has come, or where the API cannot say,
 * the button reads "Retry failed".
 */
export function RetryFailedButton(props: {
  migrationId: string;
  version: string;
  disabled: boolean;
  onRetry(): void;
}) {
  const { migrationId, version, disabled, onRetry } = props;
  const api = useApi(datasetMigrationsApiRef);
  const [split, setSplit] = useState<RetryableConsumersResponse>();
  useEffect(() => {
    let current = true;
    setSplit(undefined);
    api.getRetryableConsumers?.(migrationId).then(
      answer => current && setSplit(answer),
      () => {},
    );
    return () => {
      current = false;
    };
  }, [api, migrationId, version]);

  const allowed = split?.allowed ?? [];
  const notAllowed = split?.notAllowed ?? [];
  const refused = `You do not have the permission ${
    datasetMigrationConsumerUpdatePermission.name
  } for ${fewRefs(notAllowed)}`;
  let label = 'Retry failed';
  let whyNot: string | undefined;
  let note: string | undefined;
  if (notAllowed.length > 0 && allowed.length === 0) whyNot = refused;
  else if (notAllowed.length > 0) {
    label = `Retry the ${allowed.length} you may update`;
    note = `Retries ${fewRefs(allowed)}. ${refused}: their owners retry them.`;
  }
  // One element whatever the split says, so it keeps its focus as the split comes.
  return (
    <GuardedButton
      size="small"
      color="primary"
      disabled={disabled}
      whyNot={whyNot}
      note={note}
      onClick={() => onRetry()}
    >
      {label}
    </GuardedButton>
  );
}
