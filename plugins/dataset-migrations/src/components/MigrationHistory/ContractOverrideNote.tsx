import { Fragment } from 'react';
import {
  CONSUMER_STATES,
  type ConsumerState,
  type ContractOverride,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { CatalogRefLink, PersonLink } from '../shared/PersonLink';
import { CONSUMER_STATE_LABELS } from '../shared/labels';

/** "ada contracted while daily-plays (pull request open) had not moved: “…”". */
export function ContractOverrideNote(props: { override: ContractOverride }) {
  const { by, blockers, reason } = props.override;
  return (
    <>
      <PersonLink entityRef={by} /> contracted while{' '}
      {blockers.map(readBlocker).map(({ entityRef, state }, index) => (
        <Fragment key={entityRef}>
          {index > 0 && ', '}
          <CatalogRefLink entityRef={entityRef} defaultKind="component" />
          {state && ` (${CONSUMER_STATE_LABELS[state].toLowerCase()})`}
        </Fragment>
      ))}{' '}
      had not moved: “{reason}”
    </>
  );
}

/** A blocker is kept on the run as `entityRef (state)`. */
export function readBlocker(blocker: string): {
  entityRef: string;
  state?: ConsumerState;
} {
  const match = /^(\S+) \(([^)]+)\)$/.exec(blocker);
  const state = match?.[2] as ConsumerState | undefined;
  if (!match || !state || !CONSUMER_STATES.includes(state))
    return { entityRef: blocker };
  return { entityRef: match[1], state };
}
