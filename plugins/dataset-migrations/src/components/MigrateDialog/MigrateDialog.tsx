import { useEffect, useState } from 'react';
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
import {
  type Migration,
  type MigrationPlan,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef } from '../../api';
import { PlanView } from '../PlanView';
import { SpecEditor } from './SpecEditor';
import { ChangeRowEditor } from './ChangeRowEditor';
import { ImpactSummary } from './ImpactSummary';
import { useImpactPreview } from './useImpactPreview';
import { messageOf, splitProblems } from '../shared/format';
import { emptyRow, toChanges, type ChangeRow } from './changeRows';

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
}

/** Builds a migration from the dataset's live fields and queues it. */
export function MigrateDialog(props: MigrateDialogProps) {
  const { entityRef, open, onClose, onQueued, requestOnly } = props;
  const api = useApi(datasetMigrationsApiRef);
  const dataset = useAsync(
    async () => (open ? api.getDataset(entityRef) : undefined),
    [api, entityRef, open],
  );
  const [targetVersion, setTargetVersion] = useState('');
  const [rows, setRows] = useState<ChangeRow[]>([]);
  const [dryRun, setDryRun] = useState(false);
  const [renameTo, setRenameTo] = useState('');
  const [problems, setProblems] = useState<string[]>([]);
  const [submitting, setSubmitting] = useState(false);
  // The plan of exactly what is in the form; any edit sends the user back to review.
  const [plan, setPlan] = useState<MigrationPlan>();
  // Changes are edited row by row, or as the spec document itself.
  const [mode, setMode] = useState<'changes' | 'spec'>('changes');
  const [specText, setSpecText] = useState('');
  const impact = useImpactPreview();
  const { reset: resetImpact } = impact;
  useEffect(() => {
    setPlan(undefined);
    resetImpact();
  }, [targetVersion, rows, dryRun, renameTo, mode, specText, resetImpact]);

  const fields = dataset.value?.fields ?? [];
  useEffect(() => {
    if (!dataset.value) return;
    setTargetVersion(String(dataset.value.schemaVersion + 1));
    setRows([emptyRow(dataset.value.fields[0]?.name)]);
    setProblems([]);
  }, [dataset.value]);

  const update = (index: number, patch: Partial<ChangeRow>) =>
    setRows(current =>
      current.map((row, i) => (i === index ? { ...row, ...patch } : row)),
    );

  const formRequest = () => ({
    entityRef,
    targetVersion: Number(targetVersion),
    changes: toChanges(rows),
    ...(renameTo.trim() ? { renameDataset: { to: renameTo.trim() } } : {}),
    dryRun,
  });
  const request = () => (mode === 'spec' ? specText : formRequest());
  const switchMode = (next: 'changes' | 'spec') => {
    if (next === 'spec' && specText === '')
      setSpecText(JSON.stringify(formRequest(), null, 2));
    setMode(next);
  };
  /** Runs one server call; a refusal's problems show inline. */
  const send = async (call: () => Promise<void>) => {
    setSubmitting(true);
    setProblems([]);
    try {
      await call();
    } catch (error) {
      setProblems(splitProblems(messageOf(error)));
    } finally {
      setSubmitting(false);
    }
  };
  const review = () =>
    send(async () => {
      const reviewed = request();
      setPlan(await api.planMigration(reviewed));
      // Reads every consumer's repository, so it is slower than the plan; Start
      // does not wait for it, and its failure is shown, not blocking.
      impact.preview(reviewed);
    });
  const submit = () =>
    send(async () => {
      onQueued(await api.createMigration(request()));
      onClose();
    });

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
          <Alert severity="error">{dataset.error.message}</Alert>
        )}
        {dataset.value && (
          <>
            <Typography variant="body2" paragraph>
              {dataset.value.engine}:{dataset.value.table} is at schema version{' '}
              {dataset.value.schemaVersion}. Each change below applies in order.
            </Typography>
            <Tabs
              value={mode}
              onChange={(_e, next) => switchMode(next)}
              aria-label="How to edit"
            >
              <Tab value="changes" label="Changes" />
              <Tab value="spec" label="Spec" />
            </Tabs>
            {mode === 'spec' ? (
              <SpecEditor
                entityRef={entityRef}
                fields={fields}
                value={specText}
                onChange={setSpecText}
              />
            ) : (
              <>
                <TextField
                  label="Target version"
                  type="number"
                  value={targetVersion}
                  onChange={e => setTargetVersion(e.target.value)}
                  inputProps={{ min: 1, 'aria-label': 'Target version' }}
                  margin="dense"
                />
                <TextField
                  label="Rename dataset to (optional)"
                  placeholder="name or schema.name"
                  value={renameTo}
                  onChange={e => setRenameTo(e.target.value)}
                  inputProps={{ 'aria-label': 'Rename dataset to' }}
                  margin="dense"
                  style={{ marginLeft: 16, minWidth: 260 }}
                />
                {rows.map((row, index) => (
                  <ChangeRowEditor
                    key={index}
                    row={row}
                    index={index}
                    fields={fields}
                    onChange={changed => update(index, changed)}
                    onRemove={() =>
                      setRows(current => current.filter((_, i) => i !== index))
                    }
                  />
                ))}
                <Box mt={1}>
                  <Button
                    startIcon={<AddIcon />}
                    onClick={() =>
                      setRows(current => [
                        ...current,
                        emptyRow(fields[0]?.name),
                      ])
                    }
                  >
                    Add change
                  </Button>
                </Box>
                <FormControlLabel
                  control={
                    <Switch
                      checked={dryRun}
                      onChange={e => setDryRun(e.target.checked)}
                    />
                  }
                  label="Dry run: check the transform on a sample, change nothing"
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
            {requestOnly && !dryRun && (
              <Alert severity="info" aria-label="Needs approval">
                You may request this migration but not start it yourself: it
                will wait, running nothing, until one of the dataset's owners
                (or someone else allowed to) approves it.
              </Alert>
            )}
            {problems.length > 0 && (
              <Alert severity="error" role="alert">
                <Typography variant="subtitle2">
                  The migration was not queued:
                </Typography>
                <ul style={{ margin: 0, paddingLeft: 20 }}>
                  {problems.map(problem => (
                    <li key={problem}>{problem}</li>
                  ))}
                </ul>
              </Alert>
            )}
          </>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        {plan ? (
          <Button
            color="primary"
            variant="contained"
            onClick={submit}
            disabled={submitting}
          >
            {dryRun
              ? 'Start dry run'
              : requestOnly
              ? 'Request migration'
              : 'Start migration'}
          </Button>
        ) : (
          <Button
            color="primary"
            variant="contained"
            onClick={review}
            disabled={
              !dataset.value ||
              submitting ||
              // The form needs a change or a new name; the spec text speaks for itself.
              (mode === 'changes' && rows.length === 0 && !renameTo.trim())
            }
          >
            Review plan
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
