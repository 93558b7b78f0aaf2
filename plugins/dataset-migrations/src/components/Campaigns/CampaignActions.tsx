import { useState } from 'react';
import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  TextField,
} from '@material-ui/core';
import { useApi } from '@backstage/core-plugin-api';
import {
  datasetMigrationCampaignManagePermission,
  FAILED_CAMPAIGN_DATASET_STATES,
  type Campaign,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef } from '../../api';
import { usePermitted } from '../shared/PermittedButton';
import {
  actionAllowed,
  CAMPAIGN_ACTIONS,
  type CampaignAction,
} from './campaignText';
import { GuardedButton } from '../shared/GuardedButton';
import { StartDialog } from './StartDialog';
import { formatMoment } from '../shared/format';

/**
 * Start, Pause, Resume and Abort, each enabled only when the campaign's state
 * allows it and the user may manage this campaign; else disabled, saying why.
 * Pause and abort ask for a reason; abort also for the campaign's name, typed.
 * Resume asks to confirm (its route takes no reason), saying when it overrides
 * the failure policy's pause.
 */
export function CampaignActions(props: {
  campaign: Campaign;
  onChanged(campaign: Campaign): void;
  onFailed(title: string, error: unknown): void;
}) {
  const { campaign, onChanged, onFailed } = props;
  const api = useApi(datasetMigrationsApiRef);
  // On this campaign: a policy may let only its owner manage it.
  const permitted = usePermitted(
    datasetMigrationCampaignManagePermission,
    campaign.id,
    'campaign',
  );
  const [dialog, setDialog] = useState<CampaignAction>();
  const [busy, setBusy] = useState(false);

  const whyNot = (action: CampaignAction) =>
    actionAllowed(action, campaign.state)
      ? permitted.whyNot ??
        (permitted.loading ? 'Checking your permissions' : undefined) ??
        (action === 'start' ? whyNotStartBy(campaign) : undefined)
      : CAMPAIGN_ACTIONS[action].whyNot;

  const act = async (action: CampaignAction, call: () => Promise<Campaign>) => {
    setDialog(undefined);
    setBusy(true);
    try {
      onChanged(await call());
    } catch (error) {
      onFailed(`The campaign could not ${action}`, error);
    } finally {
      setBusy(false);
    }
  };

  const button = (
    action: CampaignAction,
    label: string,
    onClick: () => void,
    color: 'primary' | 'secondary' = 'primary',
  ) => (
    <GuardedButton
      variant="outlined"
      color={color}
      onClick={onClick}
      disabled={busy}
      whyNot={whyNot(action)}
    >
      {label}
    </GuardedButton>
  );

  return (
    <Box display="flex" style={{ gap: 8 }}>
      {campaign.state === 'draft' &&
        button('start', 'Start', () => setDialog('start'))}
      {button('pause', 'Pause', () => setDialog('pause'))}
      {button('resume', 'Resume', () => setDialog('resume'))}
      {button('abort', 'Abort', () => setDialog('abort'), 'secondary')}
      <StartDialog
        campaign={campaign}
        open={dialog === 'start'}
        onCancel={() => setDialog(undefined)}
        onConfirm={() => act('start', () => api.startCampaign(campaign.id))}
      />
      <ResumeDialog
        campaign={campaign}
        open={dialog === 'resume'}
        onCancel={() => setDialog(undefined)}
        onConfirm={() =>
          act('resume', () =>
            api.resumeCampaign(
              campaign.id,
              // What this page shows: a failure since trips the policy again.
              failedShown(campaign),
            ),
          )
        }
      />
      <ReasonDialog
        open={dialog === 'pause'}
        title={`Pause ${campaign.title}?`}
        text="Nothing new starts; migrations already running finish, and a cut-over is never interrupted half way. The reason is shown on the campaign until it resumes."
        confirm="Pause"
        onCancel={() => setDialog(undefined)}
        onConfirm={reason =>
          act('pause', () => api.pauseCampaign(campaign.id, reason))
        }
      />
      <ReasonDialog
        open={dialog === 'abort'}
        title={`Abort ${campaign.title}?`}
        text="The campaign ends for good and cannot be resumed: datasets not started yet are skipped, and its migrations still awaiting approval are cancelled. Migrations already queued or running finish; finished ones stay as they are."
        confirm="Abort campaign"
        confirmName={campaign.name}
        onCancel={() => setDialog(undefined)}
        onConfirm={reason =>
          act('abort', () => api.abortCampaign(campaign.id, reason))
        }
      />
    </Box>
  );
}

/**
 * A draft whose deadline passed (by this page's clock) cannot start: the server
 * refuses it, and no route changes a draft's document. The server's clock
 * decides; a refusal it gives on a page whose clock is behind is shown as any.
 */
function whyNotStartBy(campaign: Pick<Campaign, 'deadline'>) {
  if (Date.parse(campaign.deadline) > Date.now()) return undefined;
  return `Its deadline, ${formatMoment(
    campaign.deadline,
  )}, has passed: abort this draft and create the campaign again with a later deadline`;
}

function failedShown(campaign: Pick<Campaign, 'datasets'>) {
  return campaign.datasets
    .filter(d => FAILED_CAMPAIGN_DATASET_STATES.includes(d.state))
    .map(d => d.entityRef);
}

/**
 * Says what resuming does before it is sent: after the failure policy's pause it
 * overrides the policy (audited as such), accepting the failures shown.
 */
function ResumeDialog(props: {
  campaign: Campaign;
  open: boolean;
  onCancel(): void;
  onConfirm(): void;
}) {
  const { campaign, open, onCancel, onConfirm } = props;
  const byPolicy = campaign.pausedByFailurePolicy === true;
  const failed = failedShown(campaign).length;
  let accepted = `the ${failed} failed datasets this page shows are`;
  if (failed === 1) accepted = 'the failed dataset this page shows is';
  if (failed === 0) accepted = 'the failures it paused for are';
  return (
    <Dialog
      open={open}
      onClose={onCancel}
      fullWidth
      aria-labelledby="campaign-resume-title"
    >
      <DialogTitle id="campaign-resume-title">
        Resume {campaign.title}?
      </DialogTitle>
      <DialogContent>
        {byPolicy && (
          <DialogContentText>
            Its failure policy paused it
            {campaign.stateReason
              ? `: ${campaign.stateReason.replace(/[.\s]+$/, '')}`
              : ''}
            . Resuming overrides that pause: {accepted} accepted, and the policy
            pauses it again only on further failures.
          </DialogContentText>
        )}
        <DialogContentText>
          The campaign runs again: datasets not started yet start as its waves
          and rollout windows allow. It keeps only the rights you and its
          starter both hold: a start, approval or contract you may not do waits
          for someone who may.
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel}>Cancel</Button>
        {/* The warning colour only where resuming overrides the policy. */}
        <Button
          color={byPolicy ? 'secondary' : 'primary'}
          variant="contained"
          onClick={onConfirm}
        >
          {byPolicy ? 'Override and resume' : 'Resume'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/** Asks why; with `confirmName`, also for that name typed out before it lets go. */
function ReasonDialog(props: {
  open: boolean;
  title: string;
  text: string;
  confirm: string;
  confirmName?: string;
  onCancel(): void;
  onConfirm(reason: string): void;
}) {
  const { open, title, text, confirm, confirmName, onCancel, onConfirm } =
    props;
  const [reason, setReason] = useState('');
  const [typedName, setTypedName] = useState('');
  const ready =
    reason.trim() !== '' &&
    (confirmName === undefined || typedName === confirmName);
  const close = (after: () => void) => {
    setReason('');
    setTypedName('');
    after();
  };
  return (
    <Dialog
      open={open}
      onClose={() => close(onCancel)}
      fullWidth
      aria-labelledby="campaign-action-title"
    >
      <DialogTitle id="campaign-action-title">{title}</DialogTitle>
      <DialogContent>
        <DialogContentText>{text}</DialogContentText>
        <TextField
          id="campaign-action-reason"
          label="Reason"
          value={reason}
          onChange={e => setReason(e.target.value)}
          fullWidth
          multiline
          required
          margin="dense"
          variant="outlined"
        />
        {confirmName !== undefined && (
          <TextField
            id="campaign-action-confirm-name"
            label={`Type ${confirmName} to confirm`}
            value={typedName}
            onChange={e => setTypedName(e.target.value)}
            fullWidth
            required
            margin="dense"
            variant="outlined"
          />
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={() => close(onCancel)}>Cancel</Button>
        <Button
          color="secondary"
          variant="contained"
          disabled={!ready}
          onClick={() => close(() => onConfirm(reason.trim()))}
        >
          {confirm}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
