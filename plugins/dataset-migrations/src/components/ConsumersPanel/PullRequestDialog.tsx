import { useState } from 'react';
import {
  Box,
  Button,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Table,
  TableBody,
  TableCell,
  TableRow,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { Link, MarkdownContent, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  datasetMigrationConsumerUpdatePermission,
  type ConsumerPullRequestDetails,
  type MigrationConsumer,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { PermittedButton } from '../shared/PermittedButton';
import { datasetMigrationsApiRef } from '../../api';
import { messageOf } from '../shared/format';
import { PatchView } from './PatchView';

/** Only web pull requests open in a browser; local git ones are shown here. */
export function isWebUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

/**
 * A consumer's pull request, read from its source control: title, branch → base,
 * state, the body as markdown and the diff. Local git pull requests (the demo's)
 * can be merged from here; others link out to where they are hosted.
 */
export function PullRequestDialog(props: {
  migrationId: string;
  consumer: MigrationConsumer & {
    pullRequest: NonNullable<MigrationConsumer['pullRequest']>;
  };
  onClose(): void;
  /** Called after a merge, so the ledger can be read again. */
  onMerged(): void;
}) {
  const { migrationId, consumer, onClose, onMerged } = props;
  const api = useApi(datasetMigrationsApiRef);
  const [merged, setMerged] = useState<ConsumerPullRequestDetails>();
  const [merging, setMerging] = useState(false);
  const [mergeError, setMergeError] = useState<string>();
  const loaded = useAsyncRetry(
    () => api.getConsumerPullRequest(migrationId, consumer.entityRef),
    [api, migrationId, consumer.entityRef],
  );
  const pull = merged ?? loaded.value;
  const { url, number } = consumer.pullRequest;

  const merge = async () => {
    setMerging(true);
    setMergeError(undefined);
    try {
      setMerged(
        await api.mergeConsumerPullRequest(migrationId, consumer.entityRef),
      );
      onMerged();
    } catch (e) {
      setMergeError(messageOf(e));
      // Refused because it changed (a rollback closed it): show it as it is now.
      loaded.retry();
    } finally {
      setMerging(false);
    }
  };

  return (
    <Dialog
      open
      onClose={onClose}
      fullWidth
      maxWidth="md"
      aria-labelledby="pull-request-dialog-title"
    >
      <DialogTitle id="pull-request-dialog-title">
        Pull request #{number} of {consumer.title ?? consumer.entityRef}
      </DialogTitle>
      <DialogContent dividers>
        {loaded.loading && !pull && <Progress />}
        {loaded.error && !pull && (
          <Alert severity="info">
            {messageOf(loaded.error)}
            {isWebUrl(url) && (
              <>
                {' '}
                <Link to={url} externalLinkIcon>
                  Open it
                </Link>
              </>
            )}
          </Alert>
        )}
        {pull && <PullRequestContent pull={pull} mergeError={mergeError} />}
      </DialogContent>
      <DialogActions>
        {isWebUrl(url) && (
          <Box mr={1}>
            <Link to={url} externalLinkIcon>
              Open on {consumer.pullRequest.provider}
            </Link>
          </Box>
        )}
        {pull?.canMerge && (
          <PermittedButton
            color="primary"
            variant="contained"
            disabled={merging}
            permission={datasetMigrationConsumerUpdatePermission}
            resourceRef={consumer.entityRef}
            onClick={merge}
          >
            {merging ? 'Merging…' : 'Merge (demo)'}
          </PermittedButton>
        )}
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}

function PullRequestContent(props: {
  pull: ConsumerPullRequestDetails;
  mergeError?: string;
}) {
  const { pull, mergeError } = props;
  return (
    <>
      {mergeError && (
        <Box mb={2}>
          <Alert severity="error">{mergeError}</Alert>
        </Box>
      )}
      <Typography variant="h6">{pull.title}</Typography>
      <Box
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        style={{ gap: 8 }}
        mb={2}
      >
        <Chip
          size="small"
          label={pull.state}
          color={pull.state === 'merged' ? 'primary' : 'default'}
          aria-label="Pull request state"
        />
        <Typography
          variant="body2"
          component="span"
          style={{ fontFamily: 'monospace' }}
          aria-label="Branch into base"
        >
          {pull.branch} → {pull.base}
        </Typography>
        <Typography variant="body2" color="textSecondary" component="span">
          {pull.provider}
        </Typography>
      </Box>
      <Box mb={2} aria-label="Pull request body">
        <MarkdownContent content={pull.body} dialect="gfm" />
      </Box>
      <Typography variant="subtitle2">
        {pull.files.length === 1
          ? '1 file changed'
          : `${pull.files.length} files changed`}
      </Typography>
      <Table size="small" aria-label="Changed files">
        <TableBody>
          {pull.files.map(file => (
            <TableRow key={file.path}>
              <TableCell style={{ fontFamily: 'monospace' }}>
                {file.path}
              </TableCell>
              <TableCell align="right">
                <Box component="span" color="success.main">
                  +{file.additions}
                </Box>{' '}
                <Box component="span" color="error.main">
                  −{file.deletions}
                </Box>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Box mt={2}>
        {pull.diffTruncated && (
          <Typography variant="body2" color="textSecondary" paragraph>
            The diff is long; it is cut, the whole change is on the branch.
          </Typography>
        )}
        <PatchView patch={pull.diff} />
      </Box>
    </>
  );
}
