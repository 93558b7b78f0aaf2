import {
  Box,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import type {
  ExpandColumn,
  ExpandPhase,
} from '@dataset-migrations/plugin-dataset-migrations-common';

/** Where each column's value comes from while both shapes are served, in words. */
export function expandSourceText(column: ExpandColumn): string {
  switch (column.source) {
    case 'same':
      return 'unchanged';
    case 'renamed':
      return `renamed: the new version's ${column.from}`;
    case 'old-type':
      return `retyped: the new version's ${column.from}, read as ${column.type}`;
    case 'previous':
      return 'dropped or recomputed: its previous values, kept until contract';
    default:
      return 'new field';
  }
}

/**
 * What the dataset's name serves from cut-over until contract, and after: readers of
 * the previous version keep working while their pull requests wait.
 */
export function ExpandPhaseTable(props: {
  expand: ExpandPhase;
  fromVersion: number;
  targetVersion: number;
}) {
  const { expand, fromVersion, targetVersion } = props;
  return (
    <Box my={1}>
      <Typography variant="subtitle2">
        From cut-over until contract, the name serves both shapes
      </Typography>
      <Typography variant="body2" gutterBottom>
        Every field of version {fromVersion} keeps its name, type and values, in
        its order; version {targetVersion}'s own fields follow. Consumers move
        through their pull requests at their own pace; contract makes the name
        exactly version {targetVersion} once every consumer has moved.{' '}
        {expand.plain
          ? 'Writes (upserts too) go through the name as to a table.'
          : 'Inserts, updates and deletes through the name go to both versions; upserts (ON CONFLICT) through it wait for contract.'}
      </Typography>
      <Table size="small" aria-label="What the name serves until contract">
        <TableHead>
          <TableRow>
            <TableCell>Field</TableCell>
            <TableCell>Type until contract</TableCell>
            <TableCell>Value until contract</TableCell>
            <TableCell>After contract</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {expand.columns.map(column => (
            <TableRow key={column.name}>
              {/* A field's name on one line: a narrow dialog broke it mid-word. */}
              <TableCell style={{ whiteSpace: 'nowrap' }}>
                <code>{column.name}</code>
              </TableCell>
              <TableCell>{column.type}</TableCell>
              <TableCell>{expandSourceText(column)}</TableCell>
              <TableCell>{column.atContract}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {expand.hiddenUntilContract.length > 0 && (
        <Typography variant="body2" style={{ marginTop: 4 }}>
          Until contract{' '}
          {expand.hiddenUntilContract.map(n => `"${n}"`).join(', ')} keep
          {expand.hiddenUntilContract.length === 1 ? 's' : ''} the previous
          values; the new values appear under{' '}
          {expand.hiddenUntilContract.length === 1
            ? 'that name'
            : 'those names'}{' '}
          at contract.
        </Typography>
      )}
    </Box>
  );
}
