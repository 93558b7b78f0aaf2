import { useState } from 'react';
import {
  Accordion,
  AccordionDetails,
  AccordionSummary,
  Box,
  Button,
  Chip,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { EntityRefLink, entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  acceptsConsumerDecisions,
  isMovedConsumerState,
  needsDecision,
  type ConsumerMigrationEntry,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { MigrationStatus } from '../shared/MigrationStatus';
import { PatchView } from '../ConsumersPanel/PatchView';
import {
  DecisionActions,
  DecisionNote,
  type DecideHandler,
} from '../ConsumersPanel/DecisionActions';
import { isWebUrl } from '../ConsumersPanel/PullRequestDialog';
import { RefsInText } from '../shared/RefsInText';
import { contractOutlook, stateLabel } from './consumerOutlook';

/**
 * One run that affects the consumer: the dataset and its run, where the consumer
 * stands in the run's ledger, its pull request and patch, the decision it needs,
 * and what happens to it at contract.
 */
export function ConsumerMigrationEntryView(props: {
  entry: ConsumerMigrationEntry;
  onDecide: DecideHandler;
  onViewPullRequest(): void;
  /** A line under it, to part it from the next run. */
  divider: boolean;
}) {
  const { entry, onDecide, onViewPullRequest, divider } = props;
  const { migration, consumer } = entry;
  const entityRoute = useRouteRef(entityRouteRef);
  const [showPatch, setShowPatch] = useState(false);
  const dataset = parseEntityRef(migration.entityRef);
  const historyPath = `${entityRoute({
    kind: dataset.kind.toLocaleLowerCase('en-US'),
    namespace: dataset.namespace,
    name: dataset.name,
  })}/migration-history`;
  const pull = consumer.pullRequest;
  const label = `Migration of ${dataset.name} to version ${migration.targetVersion}`;
  return (
    <Box
      component="section"
      aria-label={label}
      py={1.5}
      borderBottom={divider ? 1 : 0}
      borderColor="divider"
    >
      <Box
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        style={{ gap: 8 }}
      >
        <Typography variant="subtitle1" component="h3">
          <EntityRefLink entityRef={migration.entityRef} hideIcon /> to version{' '}
          {migration.targetVersion}
          {migration.dryRun ? ' (dry run)' : ''}
        </Typography>
        <MigrationStatus status={migration.status} />
        <Link to={historyPath}>run</Link>
      </Box>
      <Box display="flex" alignItems="center" mt={1} style={{ gap: 8 }}>
        <Typography variant="body2" color="textSecondary">
          This consumer:
        </Typography>
        <Chip
          size="small"
          aria-label="Consumer state"
          label={stateLabel(consumer)}
          color={isMovedConsumerState(consumer.state) ? 'primary' : 'default'}
          variant={
            isMovedConsumerState(consumer.state) ? 'default' : 'outlined'
          }
        />
      </Box>
      {consumer.failure && !needsDecision(consumer) && (
        <Typography variant="body2" color="error">
          <RefsInText text={consumer.failure.message} />
        </Typography>
      )}
      {needsDecision(consumer) && (
        <Box mt={1} role="group" aria-label="Decision needed">
          <Alert severity="warning">
            It reads a field this migration drops or recomputes, so it cannot be
            patched automatically:{' '}
            <RefsInText text={asSentence(consumer.failure?.message ?? '')} />
            {acceptsConsumerDecisions(migration)
              ? ' Decide what happens to it:'
              : ' The run no longer takes decisions.'}
          </Alert>
          {acceptsConsumerDecisions(migration) && (
            <Box mt={1}>
              <DecisionActions consumer={consumer} onDecide={onDecide} />
            </Box>
          )}
        </Box>
      )}
      {consumer.decision && <DecisionNote decision={consumer.decision} />}
      {pull && (
        <Box mt={1} display="flex" alignItems="center" style={{ gap: 8 }}>
          <Typography variant="body2">Pull request:</Typography>
          {isWebUrl(pull.url) ? (
            <Link to={pull.url} externalLinkIcon>
              #{pull.number} ({pull.state})
            </Link>
          ) : (
            <Typography variant="body2" aria-label="Pull request">
              #{pull.number} ({pull.state}) on {pull.branch}
            </Typography>
          )}
          <Button
            size="small"
            color="primary"
            aria-label={`View pull request #${pull.number}`}
            onClick={onViewPullRequest}
          >
            View pull request
          </Button>
        </Box>
      )}
      {consumer.patch && (
        <Accordion
          expanded={showPatch}
          onChange={(_e, open) => setShowPatch(open)}
          variant="outlined"
          style={{ marginTop: 8 }}
        >
          <AccordionSummary expandIcon={<ExpandMoreIcon />}>
            <Typography variant="body2">The patch</Typography>
          </AccordionSummary>
          <AccordionDetails style={{ display: 'block' }}>
            <PatchView patch={consumer.patch} />
          </AccordionDetails>
        </Accordion>
      )}
      <Typography
        variant="body2"
        aria-label="At contract"
        style={{ marginTop: 8 }}
      >
        <strong>At contract: </strong>
        {contractOutlook(entry)}
      </Typography>
    </Box>
  );
}

/** The server's reasons end without a full stop; here one follows them. */
function asSentence(text: string): string {
  const trimmed = text.trimEnd();
  return trimmed === '' || /[.!?:]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
