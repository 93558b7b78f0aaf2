import { useEffect, useState } from 'react';
import { Button, Tooltip } from '@material-ui/core';
import { useApi } from '@backstage/core-plugin-api';
import {
  datasetMigrationConsumerUpdatePermission,
  type RetryableConsumersResponse,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef } from '../../api';
import { GuardedButton } from '../shared/GuardedButton';

/**
 * "Retry failed", as far as the signed-in user may go: the backend refuses a
 * retry of all failed consumers when the user may not update one of them, so the
 * button says so before the click. With some allowed, it retries those (their
 * owners retry the rest); with none, it is disabled and says why. `version`
 * changes whenever the set of failed consumers may have (their counts), and the
 * split is read again. Until it has come (or if it cannot be read) the button
 * retries all, and the backend still decides.
 */
export function RetryFailedButton(props: {
  migrationId: string;
  version: string;
  disabled: boolean;
  onRetry(entityRefs?: string[]): void;
}) {
  const { migrationId, version, disabled, onRetry } = props;
  const api = useApi(datasetMigrationsApiRef);
  const [split, setSplit] = useState<RetryableConsumersResponse>();
  useEffect(() => {
    let current = true;
    api.getRetryableConsumers(migrationId).then(
      answer => current && setSplit(answer),
      () => current && setSplit(undefined),
    );
    return () => {
      current = false;
    };
  }, [api, migrationId, version]);

  const notAllowed = split?.notAllowed ?? [];
  const allowed = split?.allowed ?? [];
  const permission = datasetMigrationConsumerUpdatePermission.name;
  if (notAllowed.length === 0 || !split)
    return (
      <GuardedButton
        size="small"
        color="primary"
        disabled={disabled}
        onClick={() => onRetry()}
      >
        Retry failed
      </GuardedButton>
    );
  if (allowed.length === 0)
    return (
      <GuardedButton
        size="small"
        color="primary"
        whyNot={`You do not have the permission ${permission} for ${listed(
          notAllowed,
        )}`}
      >
        Retry failed
      </GuardedButton>
    );
  return (
    <Tooltip
      title={`Retries ${listed(
        allowed,
      )}. You do not have the permission ${permission} for ${listed(
        notAllowed,
      )}: their owners retry them.`}
    >
      <Button
        size="small"
        color="primary"
        disabled={disabled}
        onClick={() => onRetry(allowed)}
      >
        Retry the {allowed.length} you may update
      </Button>
    </Tooltip>
  );
}

/** A few refs by name, then how many more: a tooltip is no place for a thousand. */
function listed(refs: string[]): string {
  const shown = refs.slice(0, 3).join(', ');
  return refs.length > 3 ? `${shown} and ${refs.length - 3} more` : shown;
}
