import { useState } from 'react';
import {
  Box,
  Button,
  Chip,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { useApi } from '@backstage/core-plugin-api';
import type {
  DatasetField,
  InferenceEvidence,
  InferredSpec,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef } from '../../api';
import { messageOf } from '../shared/format';
import { DocumentField } from '../shared/DocumentField';
import { parseDesiredFields } from './desiredFields';
import { formatSpec, type SpecFormat } from './specText';

/**
 * The migration as its spec document (YAML or JSON), with a way to infer one from
 * the fields the dataset should have; each inferred change shows why.
 */
export function SpecEditor(props: {
  entityRef: string;
  fields: DatasetField[];
  value: string;
  /** How the text is written now; an inferred spec replaces it in the same way. */
  format: SpecFormat;
  onChange(value: string): void;
}) {
  const { entityRef, fields, value, format, onChange } = props;
  const api = useApi(datasetMigrationsApiRef);
  const [desired, setDesired] = useState(() =>
    fields.map(f => `${f.name} ${f.type}`).join('\n'),
  );
  const [inferred, setInferred] = useState<InferredSpec>();
  const [error, setError] = useState<string>();

  const infer = async () => {
    setError(undefined);
    try {
      const result = await api.inferSpec({
        entityRef,
        fields: parseDesiredFields(desired),
      });
      setInferred(result);
      onChange(formatSpec(result.spec, format));
    } catch (e) {
      setError(messageOf(e));
    }
  };

  return (
    <Box>
      <DocumentField
        label="Spec (YAML or JSON)"
        ariaLabel="Spec"
        value={value}
        onChange={onChange}
      />
      <Typography variant="subtitle2" style={{ marginTop: 8 }}>
        Or infer it from the fields the dataset should have
      </Typography>
      <TextField
        label="Desired fields: name type [example,example…], one a line"
        value={desired}
        onChange={e => setDesired(e.target.value)}
        multiline
        minRows={4}
        fullWidth
        margin="dense"
        variant="outlined"
        inputProps={{
          'aria-label': 'Desired fields',
          style: { fontFamily: 'monospace', fontSize: 12 },
        }}
      />
      <Button onClick={infer}>Infer spec</Button>
      {error && <Alert severity="error">{error}</Alert>}
      {inferred && (
        <Table size="small" aria-label="Inferred changes">
          <TableHead>
            <TableRow>
              <TableCell>Inferred change</TableCell>
              <TableCell style={{ whiteSpace: 'nowrap' }}>Confidence</TableCell>
              <TableCell>Why</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {inferred.spec.changes.map((change, i) => (
              <TableRow key={i}>
                <TableCell>
                  <code>{JSON.stringify(change)}</code>
                </TableCell>
                <TableCell>
                  <ConfidenceChip value={inferred.evidence[i].confidence} />
                </TableCell>
                <TableCell>{inferred.evidence[i].reason}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}

function ConfidenceChip(props: { value: InferenceEvidence['confidence'] }) {
  return (
    <Chip
      size="small"
      label={props.value}
      color={props.value === 'guess' ? 'secondary' : 'default'}
    />
  );
}
