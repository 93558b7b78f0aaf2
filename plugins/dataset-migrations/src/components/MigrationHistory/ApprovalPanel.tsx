import { useState } from 'react';
import { Box, TextField, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import useAsync from 'react-use/esm/useAsync';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import {
  datasetMigrationApproveOwnPermission,
  datasetMigrationApprovePermission,
  type ApprovalDecision,
  type Migration,
  type MigrationApproval,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef } from '../../api';
import { messageOf } from '../shared/format';
import { GuardedButton } from '../shared/GuardedButton';
import { usePermitted } from '../shared/PermittedButton';
import { PersonLink } from '../shared/PersonLink';

/**
 * A run awaiting approval: why it waits and, for those the policy lets approve
 * migrations of the dataset, Approve and Reject with a comment. The decision names
 * the request digest shown here, so a request that changed since is refused (409)
 * rather than approved unseen; the refusal is shown and the run read again.
 */
export function ApprovalPanel(props: {
  migration: Migration;
  approval: MigrationApproval;
  onDecided(): void;
}) {
  const { migration, approval, onDecided } = props;
  const api = useApi(datasetMigrationsApiRef);
  const identityApi = useApi(identityApiRef);
  const me = useAsync(
    async () => (await identityApi.getBackstageIdentity()).userEntityRef,
    [identityApi],
  );
  const approve = usePermitted(
    datasetMigrationApprovePermission,
    migration.entityRef,
  );
  // A requester deciding on their own request needs approve-own as well.
  const ownRequest = me.value === migration.requestedBy;
  const approveOwn = usePermitted(
    datasetMigrationApproveOwnPermission,
    ownRequest ? migration.entityRef : undefined,
  );
  const permitted =
    ownRequest && approve.allowed && !approveOwn.loading && !approveOwn.allowed
      ? {
          ...approveOwn,
          whyNot: `it is your own request, which needs the permission ${datasetMigrationApproveOwnPermission.name}`,
        }
      : { ...approve, loading: approve.loading || me.loading };
  // A campaign's run is approved only while its campaign runs (the backend
  // answers 409 otherwise); rejecting it stays possible.
  const campaignId = migration.campaign?.id;
  const campaign = useAsync(
    async () => (campaignId ? api.getCampaign(campaignId) : undefined),
    [api, campaignId],
  );
  const stopped =
    campaign.value && campaign.value.state !== 'running'
      ? `This run belongs to the campaign “${campaign.value.title}” (${
          campaign.value.name
        }), which is ${campaign.value.state}${
          campaign.value.stateReason ? ` (${campaign.value.stateReason})` : ''
        }: ${
          campaign.value.state === 'aborted'
            ? 'it never starts, and is cancelled with the campaign.'
            : 'it can be approved once the campaign is resumed.'
        }`
      : undefined;
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string>();

  const decide = async (outcome: 'approve' | 'reject') => {
    setBusy(true);
    setRefusal(undefined);
    const trimmed = comment.trim();
    try {
      if (outcome === 'approve')
        await api.approveMigration(migration.id, {
          requestDigest: approval.requestDigest,
          ...(trimmed ? { comment: trimmed } : {}),
        });
      else
        await api.rejectMigration(migration.id, {
          requestDigest: approval.requestDigest,
          comment: trimmed,
        });
      setComment('');
    } catch (e) {
      setRefusal(messageOf(e));
    } finally {
      setBusy(false);
      // Decided or refused, the run is read again: a refusal means it moved on.
      onDecided();
    }
  };

  return (
    <Box mb={2} aria-label="Approval" role="region">
      <Alert severity="warning">
        <Typography variant="subtitle2">
          Awaiting approval: nothing runs until someone allowed to approve
          migrations of this dataset does.
        </Typography>
        <ul style={{ margin: 0, paddingLeft: 20 }}>
          {approval.reasons.map(reason => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
        <Typography variant="caption" component="div">
          Request {approval.requestDigest}: the plan below is what an approval
          lets run.
        </Typography>
      </Alert>
      {!permitted.loading && !permitted.allowed && (
        <Typography variant="body2" color="textSecondary">
          You may not approve migrations of this dataset ({permitted.whyNot}).
        </Typography>
      )}
      {permitted.allowed && stopped && (
        <Alert severity="info" style={{ marginTop: 8 }}>
          {stopped}
        </Alert>
      )}
      {permitted.allowed && (
        <Box mt={1}>
          <TextField
            label="Comment"
            helperText="Kept with the run, with your name and the time; a rejection needs one"
            value={comment}
            onChange={e => setComment(e.target.value)}
            fullWidth
            multiline
            margin="dense"
            inputProps={{ 'aria-label': 'Approval comment' }}
          />
          <Box display="flex" style={{ gap: 8 }} mt={1}>
            <GuardedButton
              color="primary"
              variant="contained"
              disabled={busy}
              whyNot={stopped}
              onClick={() => decide('approve')}
            >
              Approve
            </GuardedButton>
            <GuardedButton
              color="secondary"
              variant="outlined"
              disabled={busy}
              whyNot={
                comment.trim() === ''
                  ? 'A rejection needs a comment: say why in Comment above'
                  : undefined
              }
              onClick={() => decide('reject')}
            >
              Reject
            </GuardedButton>
          </Box>
        </Box>
      )}
      {refusal && (
        <Alert severity="error" role="alert" style={{ marginTop: 8 }}>
          {refusal}
        </Alert>
      )}
    </Box>
  );
}

/** "Approved by bo, 21/11/2026 10:00: “fine”": a recorded decision. */
export function ApprovalNote(props: { decision: ApprovalDecision }) {
  const { outcome, by, at, comment } = props.decision;
  return (
    <Typography
      variant="caption"
      component="div"
      color="textSecondary"
      data-testid="approval-decision"
    >
      {outcome === 'approved' ? 'Approved' : 'Rejected'} by{' '}
      <PersonLink entityRef={by} />,{' '}
      {/* The time wraps as one piece, never ", 12/3/2026," alone on a line. */}
      <span style={{ whiteSpace: 'nowrap' }}>
        {new Date(at).toLocaleString()}
      </span>
      {comment ? `: “${comment}”` : ''}
    </Typography>
  );
}
