import {
  Accordion,
  AccordionDetails,
  AccordionSummary,
  Box,
  Chip,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { Alert } from '@material-ui/lab';
import { ExpandPhaseTable } from './ExpandPhaseTable';
import type {
  CompatibilityClass,
  MigrationPlan,
  RolloutOrder,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { CopyTextButton } from '@backstage/core-components';
import { CHANGE_KIND_LABELS, COMPATIBILITY_LABELS } from '../shared/labels';

/** Names and labels stay whole; the reason column takes what is left. */
const NO_WRAP = { whiteSpace: 'nowrap' } as const;

const CLASS_COLOURS: Record<
  CompatibilityClass,
  'primary' | 'default' | 'secondary'
> = {
  full: 'primary',
  backward: 'default',
  forward: 'default',
  breaking: 'secondary',
};

const ROLLOUT_TEXT: Record<RolloutOrder, string> = {
  'any-order': 'Consumers and the dataset can move in any order.',
  'consumers-first':
    'Consumers must stop relying on what goes away: from cut-over the name still serves it while they move through their pull requests, and contract removes it only once all have moved.',
  'dataset-first':
    'The dataset moves first: consumers still on the old version can read the new one, and move at their own pace.',
  'side-by-side':
    'Neither version reads as the other: from cut-over the name serves both shapes while consumers move one by one; contract removes the old shape once all have moved.',
};

function CompatibilityChip(props: { value: CompatibilityClass }) {
  return (
    <Chip
      size="small"
      label={COMPATIBILITY_LABELS[props.value]}
      color={CLASS_COLOURS[props.value]}
    />
  );
}

/** A stage's statements as a person would paste them into psql. */
function stageSql(sql: string[]): string {
  return `${sql.join(';\n\n')};`;
}

/** A migration plan as a reviewer reads it: what changes, how compatible, and the SQL. */
export function PlanView(props: { plan: MigrationPlan }) {
  const { plan } = props;
  return (
    <Box>
      <Box display="flex" alignItems="center" style={{ gap: 8 }} mb={1}>
        <Typography variant="subtitle2" style={{ whiteSpace: 'nowrap' }}>
          {plan.engine}:{plan.table} v{plan.fromVersion} → v{plan.targetVersion}{' '}
          is
        </Typography>
        <CompatibilityChip value={plan.compatibility.class} />
        <Typography variant="body2">
          {ROLLOUT_TEXT[plan.compatibility.rollout]}
        </Typography>
      </Box>
      {plan.targetTable && (
        <Typography variant="body2" gutterBottom>
          Renames the dataset to <code>{plan.targetTable}</code>: readers find
          version {plan.targetVersion} there; <code>{plan.table}</code> keeps
          version {plan.fromVersion} for readers that have not moved, refuses
          writes, and goes at contract.
        </Typography>
      )}
      <Table size="small" aria-label="Changes and their compatibility">
        <TableHead>
          <TableRow>
            <TableCell>Change</TableCell>
            <TableCell>Field</TableCell>
            <TableCell>Class</TableCell>
            <TableCell>Why</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {plan.compatibility.changes.map(change => (
            <TableRow key={change.index}>
              <TableCell style={NO_WRAP}>
                {CHANGE_KIND_LABELS[change.kind]}
              </TableCell>
              <TableCell style={NO_WRAP}>
                <code>{change.field}</code>
              </TableCell>
              <TableCell>
                <CompatibilityChip value={change.class} />
              </TableCell>
              <TableCell>{change.reason}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Typography variant="body2" style={{ margin: '8px 0' }}>
        New version: {plan.target.map(f => `${f.name} ${f.type}`).join(', ')}
      </Typography>
      {plan.expand && (
        <ExpandPhaseTable
          expand={plan.expand}
          fromVersion={plan.fromVersion}
          targetVersion={plan.targetVersion}
        />
      )}
      {plan.stages.flatMap(stage =>
        (stage.warnings ?? []).map(warning => (
          <Alert
            key={`${stage.name}: ${warning}`}
            severity="warning"
            style={{ margin: '8px 0' }}
          >
            <strong>{stage.name}</strong>: {warning}
          </Alert>
        )),
      )}
      {plan.stages.map(stage => (
        <Accordion key={stage.name} TransitionProps={{ unmountOnExit: true }}>
          <AccordionSummary
            expandIcon={<ExpandMoreIcon />}
            aria-label={`SQL of ${stage.name}`}
          >
            <Typography variant="body2">
              <strong>{stage.name}</strong> — {stage.description}
            </Typography>
          </AccordionSummary>
          <AccordionDetails style={{ alignItems: 'flex-start' }}>
            <Box
              component="pre"
              fontSize={12}
              m={0}
              flexGrow={1}
              style={{ whiteSpace: 'pre-wrap', overflowX: 'auto' }}
            >
              {stageSql(stage.sql)}
            </Box>
            <CopyTextButton
              text={stageSql(stage.sql)}
              tooltipText="SQL copied"
              aria-label={`Copy SQL of ${stage.name}`}
            />
          </AccordionDetails>
        </Accordion>
      ))}
    </Box>
  );
}
