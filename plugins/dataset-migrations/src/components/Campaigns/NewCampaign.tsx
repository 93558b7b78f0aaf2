import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { Box, Button, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { Link, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Container, Header } from '@backstage/ui';
import {
  datasetMigrationCampaignCreatePermission,
  datasetMigrationCampaignManagePermission,
  type Campaign,
  type CampaignPlan,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef } from '../../api';
import { DocumentField } from '../shared/DocumentField';
import { useBasicPermitted, usePermitted } from '../shared/PermittedButton';
import { exampleCampaignDocument } from './campaignText';
import { GuardedButton } from '../shared/GuardedButton';
import { PlanReview } from './PlanReview';
import { Problems } from './Problems';
import { StartDialog } from './StartDialog';

/**
 * The campaign document, its plan reviewed before anything exists, then the
 * campaign created as a draft and started once the person confirms the scale.
 */
export function NewCampaign() {
  const api = useApi(datasetMigrationsApiRef);
  const navigate = useNavigate();
  const canCreate = useBasicPermitted(datasetMigrationCampaignCreatePermission);
  const [document, setDocument] = useState(() => exampleCampaignDocument());
  // The plan shown is of the document as it was reviewed; an edit asks for a new review.
  const [reviewed, setReviewed] = useState<{
    document: string;
    plan: CampaignPlan;
  }>();
  const [created, setCreated] = useState<Campaign>();
  // Starting the draft is managing it: checked on the campaign once it exists.
  const canManage = usePermitted(
    datasetMigrationCampaignManagePermission,
    created?.id,
    'campaign',
  );
  const [busy, setBusy] = useState<'plan' | 'create' | 'start'>();
  const [failure, setFailure] = useState<{ title: string; error: unknown }>();
  const [confirming, setConfirming] = useState(false);

  const run = async (
    step: 'plan' | 'create' | 'start',
    title: string,
    action: () => Promise<void>,
  ) => {
    setBusy(step);
    setFailure(undefined);
    try {
      await action();
    } catch (error) {
      setFailure({ title, error });
    } finally {
      setBusy(undefined);
    }
  };

  const review = () =>
    run('plan', 'The plan could not be made', async () => {
      setReviewed(undefined);
      setReviewed({ document, plan: await api.planCampaign(document) });
    });
  const create = () =>
    run('create', 'The campaign was not created', async () => {
      setCreated(await api.createCampaign(document));
    });
  const start = (campaign: Campaign) =>
    run('start', 'The campaign did not start', async () => {
      setConfirming(false);
      await api.startCampaign(campaign.id);
      navigate(`../${encodeURIComponent(campaign.id)}`);
    });

  const stale = reviewed !== undefined && reviewed.document !== document;
  const plan = created?.plan ?? reviewed?.plan;
  // Why Create cannot be used now, said on hover and focus rather than left greyed.
  let whyNoCreate = canCreate.whyNot;
  if (!whyNoCreate && created)
    whyNoCreate = `Created as draft ${created.name}: start it, or change the document to create another`;
  else if (!whyNoCreate && stale)
    whyNoCreate = 'The document changed since its plan: review it again first';
  else if (!whyNoCreate && !reviewed)
    whyNoCreate =
      'Review the plan first: a campaign is created from a reviewed document';

  return (
    <>
      <Header
        title="New campaign"
        description="Write the campaign, review its plan (nothing changes), create it as a draft, then start it."
      />
      <Container>
        <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
          <DocumentField
            label="Campaign (YAML or JSON)"
            ariaLabel="Campaign document"
            value={document}
            onChange={value => {
              setDocument(value);
              setCreated(undefined);
            }}
            minRows={20}
          />
          <Box display="flex" style={{ gap: 8 }} alignItems="center">
            <Button
              variant={reviewed && !stale ? 'outlined' : 'contained'}
              color="primary"
              onClick={review}
              disabled={busy !== undefined}
            >
              Review plan
            </Button>
            <GuardedButton
              variant="contained"
              color="primary"
              onClick={create}
              disabled={busy !== undefined}
              whyNot={whyNoCreate}
            >
              Create campaign
            </GuardedButton>
            {created && (
              <GuardedButton
                variant="contained"
                color="secondary"
                onClick={() => setConfirming(true)}
                disabled={busy !== undefined}
                whyNot={
                  canManage.whyNot ??
                  (canManage.loading ? 'Checking your permissions' : undefined)
                }
              >
                Start
              </GuardedButton>
            )}
            {busy && <Progress />}
          </Box>
          {!reviewed && !failure && (
            <Typography variant="body2" color="textSecondary">
              Review the plan to see the waves before creating the campaign.
            </Typography>
          )}
          {stale && (
            <Alert severity="info">
              The document changed since this plan: review it again before
              creating the campaign.
            </Alert>
          )}
          {created && (
            <Alert severity="success">
              Campaign <strong>{created.name}</strong> created as a draft.{' '}
              <Link to={`../${encodeURIComponent(created.id)}`}>
                Open its page
              </Link>{' '}
              or start it here.
            </Alert>
          )}
          {failure && <Problems {...failure} />}
          {plan && <PlanReview plan={plan} />}
        </Box>
      </Container>
      {created && (
        <StartDialog
          campaign={created}
          open={confirming}
          onCancel={() => setConfirming(false)}
          onConfirm={() => start(created)}
        />
      )}
    </>
  );
}
