import { useEffect, useMemo, useRef, useState } from 'react';
import {
  Box,
  Button,
  CircularProgress,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControlLabel,
  Switch,
  Tab,
  Tabs,
  TextField,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import AddIcon from '@material-ui/icons/Add';
import useAsync from 'react-use/esm/useAsync';
import { useApi } from '@backstage/core-plugin-api';
import type {
  CreateMigrationRequest,
  DatasetDetails,
  Migration,
  MigrationPlan,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef } from '../../api';
import { PlanView } from '../PlanView';
import { SpecEditor } from './SpecEditor';
import { ChangeRowEditor } from './ChangeRowEditor';
import { ImpactSummary } from './ImpactSummary';
import { DryRunResult } from './DryRunResult';
import { RefsInText } from '../shared/RefsInText';
import { GuardedButton } from '../shared/GuardedButton';
import { usePolledValue } from '../shared/usePolledValue';
import { useImpactPreview } from './useImpactPreview';
import { messageOf, splitProblems } from '../shared/format';
import { emptyRow, type ChangeRow } from './changeRows';
import { formatSpec, parseSpecText, type ParsedSpec } from './specText';
import {
  formOf,
  initialSpec,
  withForm,
  type FormView,
  type SpecForm,
} from './specForm';
import {
  problemInWords,
  readProblem,
  rowProblems,
  stillStanding,
  type SpecProblem,
} from './specProblems';

export interface MigrateDialogProps {
  entityRef: string;
  open: boolean;
  onClose(): void;
  onQueued(migration: Migration): void;
  /**
   * The user may request a migration of this dataset but not start one: what they
   * send waits for the approval of someone who may (the dataset's owners).
   */
  requestOnly?: boolean;
  /**
   * Why the user may run no dry run: it reads the dataset's rows, which only
   * those who may start or approve its migrations see (the server refuses it).
   */
  noDryRun?: string;
}

/** The form of spec text, or why the form cannot show it. */
function viewOf(spec: ParsedSpec, entityRef: string): FormView {
  if (!spec.ok) return { reason: `the text does not parse (${spec.error})` };
  if (spec.hasComments)
    return { reason: 'it holds comments, which editing it here would lose' };
  return formOf(spec.value, entityRef);
}

/** A refusal that named no problem still says what happened. */
function describeFailure(error: unknown): string {
  return (
    messageOf(error).trim() ||
    (error as Error)?.message?.trim() ||
    'the server gave no reason'
  );
}

/** How often the dialog asks whether consumers still moving have moved. */
const BEHIND_POLL_MS = 10_000;

/**
 * Why a migration (not a dry run) cannot start yet, as the server would refuse
 * it: consumers of an earlier, uncontracted migration are still moving, and would
 * be left two versions behind.
 */
function waitingForConsumers(
  dataset: DatasetDetails | undefined,
  behind: number,
): string | undefined {
  if (!dataset || behind === 0) return undefined;
  return `${behind} consumer${
    behind === 1 ? ' is' : 's are'
  } still moving to version ${
    dataset.schemaVersion
  }: the next migration waits until they have moved, or until the migration they follow is contracted. A dry run can start now.`;
}

/** What the button that sends the reviewed plan says. */
function sendLabel(dryRun: boolean, needsApproval: boolean): string {
  if (dryRun) return 'Start dry run';
  return needsApproval ? 'Request migration' : 'Start migration';
}

/**
 * Builds a migration from the dataset's live fields and queues it. The spec text is
 * the one state: the Changes tab is a form over it, the Spec tab is the text.
 */
export function MigrateDialog(props: MigrateDialogProps) {
  const { entityRef, open, onClose, onQueued, requestOnly, noDryRun } = props;
  const api = useApi(datasetMigrationsApiRef);
  const dataset = useAsync(
    async () => (open ? api.getDataset(entityRef) : undefined),
    [api, entityRef, open],
  );
  const [text, setText] = useState('');
  const spec = useMemo(() => parseSpecText(text), [text]);
  const view = useMemo(() => viewOf(spec, entityRef), [spec, entityRef]);
  const form = 'form' in view ? view.form : undefined;
  const [problems, setProblems] = useState<SpecProblem[]>([]);
  // Which call the problems answer: the plan, or the start of the migration.
  const [refused, setRefused] = useState<'review' | 'submit'>('review');
  const [submitting, setSubmitting] = useState(false);
  // The plan of exactly this text; any edit sends the user back to review.
  const [plan, setPlan] = useState<MigrationPlan>();
  const [mode, setMode] = useState<'changes' | 'spec'>('changes');
  // A dry run started here is followed until it ends; then it may run for real.
  const [dryRunId, setDryRunId] = useState<string>();
  // A dry run's outcome opens the dialog's content and takes the focus, so the
  // user meets its sample where they clicked rather than below the plan.
  const dryRunSection = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (dryRunId) dryRunSection.current?.focus();
  }, [dryRunId]);
  // So does a refusal: its alert sits below a long plan, out of sight of the button.
  const refusal = useRef<HTMLDivElement>(null);
  const [refusedAt, setRefusedAt] = useState(0);
  useEffect(() => {
    if (refusedAt) refusal.current?.focus();
  }, [refusedAt]);
  const impact = useImpactPreview();
  const { reset: resetImpact } = impact;
  // Why the reviewed migration would wait for an approval, as the server says.
  const [approval, setApproval] = useState<string[]>();
  useEffect(() => {
    setPlan(undefined);
    setApproval(undefined);
    resetImpact();
  }, [text, resetImpact]);

  const fields = dataset.value?.fields ?? [];
  useEffect(() => {
    if (!dataset.value) return;
    setText(formatSpec(initialSpec(dataset.value), 'yaml'));
    setProblems([]);
    setDryRunId(undefined);
  }, [dataset.value]);

  /** Every edit, of the form or of the text: a problem whose input changed is gone. */
  const edit = (next: string) => {
    const after = viewOf(parseSpecText(next), entityRef);
    setProblems(current =>
      stillStanding(current, form, 'form' in after ? after.form : undefined),
    );
    // The dry run shown was of the text before: "Run for real" is not this one.
    setDryRunId(undefined);
    setText(next);
  };
  const editForm = (patch: Partial<SpecForm>) => {
    if (!form || !spec.ok) return;
    edit(
      formatSpec(
        withForm(spec.value, { ...form, ...patch }, entityRef),
        spec.format,
      ),
    );
  };
  const setRows = (rows: ChangeRow[]) => editForm({ rows });

  // What is sent is the spec as read, so YAML and JSON make one request; text
  // that does not parse goes as it is, for the server to name the problem.
  const request = (): CreateMigrationRequest | string =>
    spec.ok ? (spec.value as CreateMigrationRequest) : text;
  /** Runs one server call; a refusal's problems show on their inputs. */
  const send = async (
    which: 'review' | 'submit',
    call: () => Promise<void>,
  ) => {
    setSubmitting(true);
    setProblems([]);
    try {
      await call();
    } catch (error) {
      const lines = splitProblems(messageOf(error));
      setRefused(which);
      setProblems(
        (lines.length > 0 ? lines : [describeFailure(error)]).map(readProblem),
      );
      setRefusedAt(Date.now());
    } finally {
      setSubmitting(false);
    }
  };
  const review = () =>
    send('review', async () => {
      const reviewed = request();
      const planned = await api.planMigration(reviewed);
      setPlan(planned.plan);
      setApproval(planned.approval?.reasons);
      // Reads every consumer's repository, so it is slower than the plan; Start
      // does not wait for it, and its failure is shown, not blocking.
      impact.preview(reviewed);
    });
  const submit = (sent = request()) =>
    send('submit', async () => {
      const migration = await api.createMigration(sent);
      onQueued(migration);
      if (migration.dryRun) {
        // Stays open to show what the dry run did, and to offer the real run.
        setDryRunId(migration.id);
        return;
      }
      onClose();
    });
  /** The same spec, not dry: the plan reviewed for the dry run is this one's. */
  const runForReal = () => {
    if (!spec.ok) return;
    const real = { ...(spec.value as CreateMigrationRequest), dryRun: false };
    setDryRunId(undefined);
    setText(formatSpec(real, spec.format));
    submit(real);
  };
  const dryRun =
    spec.ok && (spec.value as { dryRun?: unknown } | null)?.dryRun === true;
  // Read again while consumers are behind, apart from the dataset (whose new
  // value would reset the spec): Start opens once they have moved.
  const behind = usePolledValue(
    async () =>
      open ? (await api.getDataset(entityRef)).consumersOnPreviousVersion : 0,
    [api, entityRef, open],
    count => (count ? BEHIND_POLL_MS : undefined),
    { enabled: (dataset.value?.consumersOnPreviousVersion ?? 0) > 0 },
  );
  const waits = waitingForConsumers(
    dataset.value,
    behind.value ?? dataset.value?.consumersOnPreviousVersion ?? 0,
  );
  const emptySpec =
    form !== undefined && form.rows.length === 0 && !form.renameTo.trim();
  const onFields = mode === 'changes' && form !== undefined;
  const listed = onFields ? problems.filter(p => !p.target) : problems;
  const onInputs = problems.length - listed.length;
  const problemOf = (input: 'targetVersion' | 'renameTo') => {
    const found = problems.find(p => p.target?.input === input);
    return found ? { error: true, helperText: found.message } : {};
  };

  return (
    <Dialog
      open={open}
      onClose={onClose}
      maxWidth="md"
      fullWidth
      aria-labelledby="migrate-title"
    >
      <DialogTitle id="migrate-title">
        Migrate {dataset.value?.title ?? entityRef}
      </DialogTitle>
      <DialogContent>
        {dataset.loading && <CircularProgress aria-label="Loading schema" />}
        {dataset.error && (
          <Alert severity="error">{messageOf(dataset.error)}</Alert>
        )}
        {dataset.value && (
          <>
            {dryRunId && (
              <div
                ref={dryRunSection}
                tabIndex={-1}
                role="region"
                aria-label="Dry run"
                style={{ marginBottom: 16, outline: 'none' }}
              >
                <DryRunResult
                  id={dryRunId}
                  action={
                    <GuardedButton
                      color="primary"
                      variant="contained"
                      onClick={runForReal}
                      disabled={submitting}
                      whyNot={waits}
                    >
                      {requestOnly ? 'Request for real' : 'Run for real'}
                    </GuardedButton>
                  }
                />
              </div>
            )}
            <Typography variant="body2" paragraph>
              {dataset.value.engine}:{dataset.value.table} is at schema version{' '}
              {dataset.value.schemaVersion}. Each change below applies in order.
            </Typography>
            <Tabs
              value={mode}
              onChange={(_e, next) => setMode(next)}
              aria-label="How to edit"
            >
              <Tab value="changes" label="Changes" />
              <Tab value="spec" label="Spec" />
            </Tabs>
            {mode === 'spec' && (
              <SpecEditor
                entityRef={entityRef}
                fields={fields}
                value={text}
                format={spec.ok ? spec.format : 'yaml'}
                onChange={edit}
              />
            )}
            {mode === 'changes' && 'reason' in view && (
              <Alert
                severity="info"
                aria-label="Form unavailable"
                style={{ marginTop: 8 }}
              >
                The form cannot show this spec: {view.reason}. The Spec tab
                holds it, and Review plan sends that text as it is.
              </Alert>
            )}
            {mode === 'changes' && form && (
              <>
                <TextField
                  id="migrate-target-version"
                  label="Target version"
                  type="number"
                  value={form.targetVersion}
                  onChange={e => editForm({ targetVersion: e.target.value })}
                  inputProps={{ min: 1, 'aria-label': 'Target version' }}
                  margin="dense"
                  {...problemOf('targetVersion')}
                />
                <TextField
                  id="migrate-rename-to"
                  label="Rename dataset to (optional)"
                  placeholder="name or schema.name"
                  value={form.renameTo}
                  onChange={e => editForm({ renameTo: e.target.value })}
                  inputProps={{ 'aria-label': 'Rename dataset to' }}
                  margin="dense"
                  style={{ marginLeft: 16, minWidth: 260 }}
                  {...problemOf('renameTo')}
                />
                {form.rows.map((row, index) => (
                  <ChangeRowEditor
                    key={index}
                    row={row}
                    index={index}
                    fields={fields}
                    problems={rowProblems(problems, index)}
                    onChange={changed =>
                      setRows(
                        form.rows.map((r, i) => (i === index ? changed : r)),
                      )
                    }
                    onRemove={() =>
                      setRows(form.rows.filter((_, i) => i !== index))
                    }
                  />
                ))}
                <Box mt={1}>
                  <Button
                    startIcon={<AddIcon />}
                    onClick={() =>
                      setRows([...form.rows, emptyRow(fields[0]?.name)])
                    }
                  >
                    Add change
                  </Button>
                </Box>
                <FormControlLabel
                  control={
                    <Switch
                      checked={form.dryRun}
                      disabled={Boolean(noDryRun) && !form.dryRun}
                      onChange={e => editForm({ dryRun: e.target.checked })}
                    />
                  }
                  label={`Dry run: check the transform on a sample, change nothing${
                    noDryRun ? ` (${noDryRun})` : ''
                  }`}
                />
              </>
            )}
            {plan && (
              <Box mt={2}>
                <Typography variant="h6">Plan</Typography>
                <PlanView plan={plan} />
                <ImpactSummary state={impact.state} />
              </Box>
            )}
            {waits && !dryRun && (
              <Alert severity="info" aria-label="Waits for consumers">
                {waits}
              </Alert>
            )}
            {requestOnly && !dryRun && (
              <Alert severity="info" aria-label="Needs approval">
                You may request this migration but not start it yourself: it
                will wait, running nothing, until one of the dataset's owners
                (or someone else allowed to) approves it.
              </Alert>
            )}
            {!requestOnly && !dryRun && plan && approval && (
              <Alert severity="info" aria-label="Needs approval">
                This migration will wait, running nothing, until someone allowed
                to approve it does ({approval.join('; ')}).
              </Alert>
            )}
            {problems.length > 0 && (
              <Alert
                ref={refusal}
                tabIndex={-1}
                severity="error"
                role="alert"
                style={{ marginTop: 8 }}
              >
                <Typography variant="subtitle2">
                  {refused === 'review'
                    ? 'No plan was made'
                    : 'The migration was not queued'}
                  {onInputs > 0
                    ? `: ${
                        onInputs === 1
                          ? 'one problem is marked on its field'
                          : `${onInputs} problems are marked on their fields`
                      }${listed.length > 0 ? ', and:' : '.'}`
                    : ':'}
                </Typography>
                {listed.length > 0 && (
                  <ul style={{ margin: 0, paddingLeft: 20 }}>
                    {listed.map(problem => (
                      <li key={problem.line}>
                        <RefsInText text={problemInWords(problem, form)} />
                      </li>
                    ))}
                  </ul>
                )}
              </Alert>
            )}
          </>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{dryRunId ? 'Close' : 'Cancel'}</Button>
        {!dryRunId &&
          (plan ? (
            <GuardedButton
              color="primary"
              variant="contained"
              onClick={() => submit()}
              disabled={submitting}
              whyNot={dryRun ? noDryRun : waits}
            >
              {sendLabel(dryRun, Boolean(requestOnly || approval))}
            </GuardedButton>
          ) : (
            <Button
              color="primary"
              variant="contained"
              onClick={review}
              disabled={!dataset.value || submitting || emptySpec}
            >
              Review plan
            </Button>
          ))}
      </DialogActions>
    </Dialog>
  );
}
