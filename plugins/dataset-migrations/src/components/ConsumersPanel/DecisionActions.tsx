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
  Typography,
} from '@material-ui/core';
import {
  agentRefusal,
  datasetMigrationConsumerUpdatePermission,
  keepRefusal,
  type ConsumerDecision,
  type ConsumerDecisionKind,
  type MigrationConsumer,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { PermittedButton } from '../shared/PermittedButton';
import { DECISION_LABELS } from '../shared/labels';
import { PersonLink } from '../shared/PersonLink';
import { useCodingAgent } from './useCodingAgent';

/** What a person decides for a consumer, as the panel sends it. */
export type DecideHandler = (
  entityRef: string,
  decision: ConsumerDecisionKind,
  reason?: string,
) => void;

const REASON_PROMPTS: Record<
  Exclude<ConsumerDecisionKind, 'agent'>,
  { title: string; text: string; confirm: string }
> = {
  'keep-field': {
    title: 'Keep the field for now',
    text: 'The consumer goes on reading the field while the old shape is served. It holds back contract until its owner changes the code; Retry then looks at it again.',
    confirm: 'Keep field',
  },
  exclude: {
    title: 'Exclude the consumer',
    text: 'The consumer is taken out of this migration: nothing patches it, and it does not hold back contract. It will break when the field is gone.',
    confirm: 'Exclude',
  },
};

/**
 * The three answers to a consumer that reads a field the migration drops or
 * recomputes; keeping the field or excluding the consumer asks why. The coding
 * agent is not offered where the server would refuse it (an installed dbt
 * package reads the field, or the code fails from the cut-over on): the
 * reason stands in its place; with no agent configured, its button says so.
 * Keeping the field is disabled, saying why, for code that fails from the
 * cut-over whatever the name serves.
 */
export function DecisionActions(props: {
  consumer: MigrationConsumer;
  onDecide: DecideHandler;
}) {
  const { consumer, onDecide } = props;
  const [asking, setAsking] = useState<'keep-field' | 'exclude'>();
  const [reason, setReason] = useState('');
  const close = () => {
    setAsking(undefined);
    setReason('');
  };
  const prompt = asking && REASON_PROMPTS[asking];
  const noAgent = agentRefusal(consumer.impact);
  const agentConfigured = useCodingAgent();
  return (
    <Box display="flex" flexDirection="column" alignItems="flex-start">
      <PermittedButton
        size="small"
        color="primary"
        aria-label={`Keep field for now for ${consumer.entityRef}`}
        permission={datasetMigrationConsumerUpdatePermission}
        resourceRef={consumer.entityRef}
        unavailable={keepRefusal(consumer.impact)}
        onClick={() => setAsking('keep-field')}
      >
        Keep field for now
      </PermittedButton>
      <PermittedButton
        size="small"
        aria-label={`Exclude ${consumer.entityRef}`}
        permission={datasetMigrationConsumerUpdatePermission}
        resourceRef={consumer.entityRef}
        onClick={() => setAsking('exclude')}
      >
        Exclude…
      </PermittedButton>
      {noAgent ? (
        <Typography
          variant="caption"
          color="textSecondary"
          data-testid="no-agent"
        >
          Not for the coding agent: {noAgent}
        </Typography>
      ) : (
        <PermittedButton
          size="small"
          aria-label={`Hand ${consumer.entityRef} to coding agent`}
          permission={datasetMigrationConsumerUpdatePermission}
          resourceRef={consumer.entityRef}
          unavailable={
            agentConfigured === false
              ? 'No coding agent is configured here (datasetMigrations.consumers.agent): keep the field or exclude the consumer'
              : undefined
          }
          onClick={() => onDecide(consumer.entityRef, 'agent')}
        >
          Hand to coding agent
        </PermittedButton>
      )}
      <Dialog open={!!prompt} onClose={close} aria-labelledby="decision-title">
        {prompt && (
          <>
            <DialogTitle id="decision-title">{prompt.title}</DialogTitle>
            <DialogContent>
              <DialogContentText>
                {consumer.entityRef}: {prompt.text}
              </DialogContentText>
              <TextField
                fullWidth
                multiline
                required
                id="decision-reason"
                label="Reason"
                value={reason}
                onChange={e => setReason(e.target.value)}
              />
            </DialogContent>
            <DialogActions>
              <Button onClick={close}>Cancel</Button>
              <Button
                color="primary"
                disabled={reason.trim() === ''}
                onClick={() => {
                  onDecide(consumer.entityRef, asking!, reason.trim());
                  close();
                }}
              >
                {prompt.confirm}
              </Button>
            </DialogActions>
          </>
        )}
      </Dialog>
    </Box>
  );
}

/** A recorded decision: what, why, who and when. */
export function DecisionNote(props: { decision: ConsumerDecision }) {
  const { kind, reason, decidedBy, decidedAt } = props.decision;
  return (
    <Typography
      variant="caption"
      component="div"
      color="textSecondary"
      data-testid="consumer-decision"
    >
      {DECISION_LABELS[kind]}
      {reason ? `: ${reason}` : ''} — <PersonLink entityRef={decidedBy} />,{' '}
      {new Date(decidedAt).toLocaleString()}
    </Typography>
  );
}
