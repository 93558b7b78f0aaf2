import type {
  CampaignDatasetState,
  CampaignState,
  CampaignWaveProgress,
  CompatibilityClass,
  ConsumerDecisionKind,
  ConsumerFailureKind,
  FieldChange,
  FieldChangeKind,
  MigrationStatus,
  MigrationStepStatus,
} from '@dataset-migrations/plugin-dataset-migrations-common';

/**
 * Every state, kind and class the backend names with an identifier
 * (`pr-opened`, `renameField`, `breaking`), in the words the portal shows for it.
 * One module, so a state reads the same on every page.
 */

/** How each kind of state is drawn: Backstage's status indicators. */
export type StatusTone =
  | 'ok'
  | 'running'
  | 'pending'
  | 'warning'
  | 'error'
  | 'aborted';

/** A state's words and how it is drawn. */
export interface StateLabel {
  label: string;
  tone: StatusTone;
}

export const MIGRATION_STATUSES: Record<MigrationStatus, StateLabel> = {
  queued: { label: 'Queued', tone: 'pending' },
  running: { label: 'Running', tone: 'running' },
  succeeded: { label: 'Succeeded', tone: 'ok' },
  failed: { label: 'Failed', tone: 'error' },
  cancelled: { label: 'Cancelled', tone: 'aborted' },
  'rolled-back': { label: 'Rolled back', tone: 'warning' },
  'awaiting-decision': { label: 'Awaiting decisions', tone: 'warning' },
  'awaiting-approval': { label: 'Awaiting approval', tone: 'warning' },
  rejected: { label: 'Rejected', tone: 'aborted' },
};

export { CONSUMER_STATE_LABELS } from '@dataset-migrations/plugin-dataset-migrations-common';

/** Each failure kind in the words of what went wrong. */
export const FAILURE_LABELS: Record<ConsumerFailureKind, string> = {
  'no-repository': 'No repository',
  'repository-unreachable': 'Repository unreachable',
  unparseable: 'SQL does not parse',
  'needs-decision': 'Needs a decision',
  'assessment-stopped': 'Reading its code stopped',
  'patch-failed': 'No working patch',
  'verification-failed': 'Verification failed',
  'shadow-mismatch': 'Results differ',
  'pull-request-failed': 'Pull request failed',
  'repository-not-registered': 'Not registered from its repository',
  'behind-previous-version': 'Behind an earlier migration',
};

/** Each decision as a person reads it in the ledger. */
export const DECISION_LABELS: Record<ConsumerDecisionKind, string> = {
  'keep-field': 'Field kept for now',
  exclude: 'Excluded',
  agent: 'Handed to the coding agent',
};

export const STEP_STATUS_LABELS: Record<MigrationStepStatus, string> = {
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
};

export const CHANGE_KIND_LABELS: Record<FieldChangeKind, string> = {
  renameField: 'Rename field',
  addField: 'Add field',
  dropField: 'Drop field',
  changeType: 'Change type',
  deriveField: 'Derive field',
};

/** A compatibility class as a word, for chips and table cells. */
export const COMPATIBILITY_LABELS: Record<CompatibilityClass, string> = {
  full: 'Fully compatible',
  backward: 'Backward compatible',
  forward: 'Forward compatible',
  breaking: 'Breaking',
};

/** A compatibility class in words, with what it means for the order of the move. */
export const COMPATIBILITY_TEXT: Record<CompatibilityClass, string> = {
  full: 'Full: readers on either version read both',
  backward: 'Backward: consumers move first',
  forward: 'Forward: the dataset moves first',
  breaking: 'Breaking: both versions served side by side',
};

const CAMPAIGN_STATES: Record<CampaignState, StateLabel> = {
  draft: { label: 'Draft', tone: 'pending' },
  running: { label: 'Running', tone: 'running' },
  paused: { label: 'Paused', tone: 'warning' },
  completed: { label: 'Completed', tone: 'ok' },
  aborted: { label: 'Aborted', tone: 'aborted' },
};

/**
 * A campaign's state as shown: a completed one whose failure policy let
 * failures through says how many, rather than a green "Completed" over a
 * campaign that migrated nothing.
 */
export function campaignStateLabel(campaign: {
  state: CampaignState;
  counts: { done: number; failed: number; rolledBack: number };
}): StateLabel {
  const { state, counts } = campaign;
  if (state !== 'completed' || counts.failed + counts.rolledBack === 0)
    return CAMPAIGN_STATES[state];
  return withFailures('Completed', counts);
}

/**
 * A state that let failures through, told with them: none migrated, or how many
 * failed and how many were rolled back, in the campaign page's words.
 */
function withFailures(
  state: string,
  counts: { done: number; failed: number; rolledBack: number },
): StateLabel {
  if (counts.done === 0)
    return { label: `${state}, none migrated`, tone: 'error' };
  const { rolledBack } = counts;
  const ends = [
    ...(counts.failed > 0 ? [`${counts.failed} failed`] : []),
    ...(rolledBack > 0 ? [`${rolledBack} rolled back`] : []),
  ];
  return { label: `${state}, ${ends.join(', ')}`, tone: 'warning' };
}

const WAVE_STATES: Record<CampaignWaveProgress['state'], StateLabel> = {
  pending: { label: 'Waiting', tone: 'pending' },
  running: { label: 'Running', tone: 'running' },
  soaking: { label: 'Soaking', tone: 'running' },
  healthy: { label: 'Healthy', tone: 'ok' },
  failed: { label: 'Failed', tone: 'error' },
  'rolled-back': { label: 'Rolled back', tone: 'warning' },
  paused: { label: 'Paused', tone: 'warning' },
  aborted: { label: 'Aborted', tone: 'aborted' },
};

/**
 * A wave's state as shown: a healthy one (within the failure policy) that had
 * failures says how many, rather than a green "Healthy" over a wave that
 * migrated nothing.
 */
export function waveStateLabel(wave: CampaignWaveProgress): StateLabel {
  if (wave.state !== 'healthy' || wave.failed + wave.rolledBack === 0)
    return WAVE_STATES[wave.state];
  return withFailures('Within policy', wave);
}

export const DATASET_STATES: Record<CampaignDatasetState, StateLabel> = {
  pending: { label: 'Not started', tone: 'pending' },
  migrating: { label: 'Migrating', tone: 'running' },
  migrated: { label: 'Migrated', tone: 'ok' },
  contracted: { label: 'Contracted', tone: 'ok' },
  failed: { label: 'Failed', tone: 'error' },
  'rolled-back': { label: 'Rolled back', tone: 'warning' },
  skipped: { label: 'Skipped', tone: 'aborted' },
};

/** Migration statuses in which a campaign's dataset waits on a person rather than migrates. */
const WAITING_ON_A_PERSON: readonly string[] = [
  'awaiting-approval',
  'awaiting-decision',
];

/**
 * A campaign dataset's state as shown: one whose migration waits for an
 * approval or decisions says so, rather than "Migrating" while nothing moves.
 */
export function campaignDatasetLabel(dataset: {
  state: CampaignDatasetState;
  migrationStatus?: string;
}): StateLabel {
  const status = dataset.migrationStatus;
  if (
    dataset.state === 'migrating' &&
    status &&
    WAITING_ON_A_PERSON.includes(status)
  )
    return MIGRATION_STATUSES[status as MigrationStatus];
  return DATASET_STATES[dataset.state];
}

/**
 * One change as a sentence: "Rename country to country_code", "Add field
 * plays_count (integer, default 0)". SQL stays as written, in code style where shown.
 */
export function describeChange(change: FieldChange): string {
  if ('renameField' in change)
    return `Rename ${change.renameField.from} to ${change.renameField.to}`;
  if ('dropField' in change) return `Drop ${change.dropField.name}`;
  if ('addField' in change) {
    const { name, type, default: value, expression } = change.addField;
    const extra = [
      type,
      value !== undefined ? `default ${JSON.stringify(value)}` : undefined,
      expression ? `computed as ${expression}` : undefined,
    ].filter(Boolean);
    return `Add ${name} (${extra.join(', ')})`;
  }
  if ('changeType' in change) {
    const { field, type, using } = change.changeType;
    return `Change ${field} to ${type}${using ? ` using ${using}` : ''}`;
  }
  return `Derive ${change.deriveField.field} as ${change.deriveField.expression}`;
}
