import { Fragment, useState, type MouseEvent } from 'react';
import {
  Button,
  Collapse,
  IconButton,
  Link as MuiLink,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import KeyboardArrowDownIcon from '@material-ui/icons/KeyboardArrowDown';
import KeyboardArrowUpIcon from '@material-ui/icons/KeyboardArrowUp';
import { Link } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  datasetMigrationConsumerUpdatePermission,
  needsDecision,
  type MigrationConsumer,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { PermittedButton } from '../shared/PermittedButton';
import { RefsInText } from '../shared/RefsInText';
import { ConsumerDetails } from './ConsumerDetails';
import {
  DecisionActions,
  DecisionNote,
  type DecideHandler,
} from './DecisionActions';
import { ConsumerStateChip } from './ConsumerStateChip';
import { formatFileLines } from './consumerText';
import { FAILURE_LABELS } from '../shared/labels';
import { isWebUrl } from './PullRequestDialog';

const COLUMNS = 8;

/** Headers, names and state chips stay on one line; files and reasons wrap. */
const NO_WRAP = { whiteSpace: 'nowrap' } as const;
const WHOLE_WORDS = { wordBreak: 'normal', overflowWrap: 'normal' } as const;

/** The ledger as a table, one consumer a row; a row opens onto its details. */
export function ConsumerTable(props: {
  consumers: MigrationConsumer[];
  onRetry(entityRef: string): void;
  /** Shows a consumer's pull request in the portal. */
  onViewPullRequest?(consumer: MigrationConsumer): void;
  /** Offered on consumers that need a person's decision. */
  onDecide?: DecideHandler;
}) {
  return (
    <Table size="small" aria-label="Consumers">
      <TableHead>
        <TableRow>
          <TableCell padding="checkbox" />
          <TableCell style={NO_WRAP}>Consumer</TableCell>
          <TableCell style={NO_WRAP}>Owner</TableCell>
          <TableCell style={NO_WRAP}>Depth</TableCell>
          <TableCell style={NO_WRAP}>State</TableCell>
          <TableCell style={NO_WRAP}>Fields</TableCell>
          <TableCell style={NO_WRAP}>Files</TableCell>
          <TableCell style={NO_WRAP}>Pull request</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.consumers.map(consumer => (
          <ConsumerRow
            key={consumer.entityRef}
            consumer={consumer}
            onRetry={props.onRetry}
            onViewPullRequest={props.onViewPullRequest}
            onDecide={props.onDecide}
          />
        ))}
      </TableBody>
    </Table>
  );
}

function ConsumerRow(props: {
  consumer: MigrationConsumer;
  onRetry(entityRef: string): void;
  onViewPullRequest?(consumer: MigrationConsumer): void;
  onDecide?: DecideHandler;
}) {
  const { consumer, onRetry, onViewPullRequest, onDecide } = props;
  const [open, setOpen] = useState(false);
  const affectedFiles = (consumer.impact?.files ?? []).filter(
    file => file.status !== 'unaffected',
  );
  return (
    <>
      <TableRow data-testid={`consumer-${consumer.entityRef}`}>
        <TableCell padding="checkbox">
          <IconButton
            size="small"
            aria-label={`${open ? 'Hide' : 'Show'} details of ${
              consumer.entityRef
            }`}
            aria-expanded={open}
            onClick={() => setOpen(!open)}
          >
            {open ? <KeyboardArrowUpIcon /> : <KeyboardArrowDownIcon />}
          </IconButton>
        </TableCell>
        <TableCell style={NO_WRAP}>
          <EntityRefLink
            entityRef={consumer.entityRef}
            defaultKind="component"
          />
        </TableCell>
        <TableCell style={NO_WRAP}>
          {consumer.owner ? (
            <EntityRefLink entityRef={consumer.owner} defaultKind="group" />
          ) : (
            '—'
          )}
        </TableCell>
        <TableCell>
          {consumer.depth}
          {consumer.depth > 1 && consumer.via && (
            <>
              {' via '}
              <EntityRefLink entityRef={consumer.via} defaultKind="resource" />
            </>
          )}
        </TableCell>
        {/* Why it is where it is, and what to do, stand under its state: no column runs off the page. */}
        <TableCell style={{ minWidth: 180, maxWidth: 360 }}>
          <ConsumerStateChip
            state={consumer.state}
            awaitsDecision={needsDecision(consumer)}
          />
          {consumer.decision && <DecisionNote decision={consumer.decision} />}
          {consumer.supersededReason && (
            <Typography variant="body2" component="div">
              <strong>Superseded</strong>:{' '}
              <RefsInText text={consumer.supersededReason} />
            </Typography>
          )}
          {consumer.failure && (
            <Typography
              variant="body2"
              component="div"
              style={{ whiteSpace: 'pre-wrap' }}
            >
              <strong>{FAILURE_LABELS[consumer.failure.kind]}</strong>:{' '}
              <RefsInText text={consumer.failure.message} />
            </Typography>
          )}
          {onDecide && needsDecision(consumer) && (
            <DecisionActions consumer={consumer} onDecide={onDecide} />
          )}
          {/* A kept consumer is looked at again once its owner changed the code. */}
          {(consumer.state === 'failed' || consumer.state === 'kept') && (
            <PermittedButton
              size="small"
              color="primary"
              aria-label={`Retry ${consumer.entityRef}`}
              permission={datasetMigrationConsumerUpdatePermission}
              resourceRef={consumer.entityRef}
              onClick={() => onRetry(consumer.entityRef)}
            >
              Retry
            </PermittedButton>
          )}
        </TableCell>
        {/* Names break between words only: one field a line, a path after a slash. */}
        <TableCell style={WHOLE_WORDS}>
          {consumer.impact?.fields.map(field => (
            <div key={field} style={NO_WRAP}>
              {field}
            </div>
          ))}
        </TableCell>
        <TableCell style={{ ...WHOLE_WORDS, minWidth: 140 }}>
          {affectedFiles.map(file => (
            <div key={file.path}>
              {formatFileLines(file)
                .split('/')
                .map((part, index) => (
                  <Fragment key={index}>
                    {index > 0 && (
                      <>
                        /<wbr />
                      </>
                    )}
                    {part}
                  </Fragment>
                ))}
            </div>
          ))}
        </TableCell>
        <TableCell style={NO_WRAP}>
          {consumer.pullRequest &&
            (isWebUrl(consumer.pullRequest.url) || !onViewPullRequest ? (
              // An http(s) link opens in a new tab, and says so to screen readers.
              <Link to={consumer.pullRequest.url} externalLinkIcon>
                #{consumer.pullRequest.number} ({consumer.pullRequest.state})
              </Link>
            ) : (
              // A local repository's pull request has no page a browser opens: show it here.
              <MuiLink
                href={`#pull-request-${consumer.pullRequest.number}`}
                onClick={(event: MouseEvent) => {
                  event.preventDefault();
                  onViewPullRequest(consumer);
                }}
              >
                #{consumer.pullRequest.number} ({consumer.pullRequest.state})
              </MuiLink>
            ))}
          {consumer.pullRequest && onViewPullRequest && (
            <div>
              <Button
                size="small"
                color="primary"
                aria-label={`View pull request of ${consumer.entityRef}`}
                onClick={() => onViewPullRequest(consumer)}
              >
                View pull request
              </Button>
            </div>
          )}
        </TableCell>
      </TableRow>
      <TableRow>
        <TableCell
          colSpan={COLUMNS}
          style={
            open
              ? undefined
              : { paddingBottom: 0, paddingTop: 0, borderBottom: 'none' }
          }
        >
          <Collapse in={open} timeout="auto" unmountOnExit>
            <ConsumerDetails consumer={consumer} />
          </Collapse>
        </TableCell>
      </TableRow>
    </>
  );
}
