import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
} from '@material-ui/core';
import type { DatasetField } from '@dataset-migrations/plugin-dataset-migrations-common';

const NO_WRAP = { whiteSpace: 'nowrap' } as const;

/** The dataset's fields as the engine has them now: what a migration starts from. */
export function DatasetFields(props: { fields: DatasetField[] }) {
  return (
    <Table size="small" aria-label="Fields">
      <TableHead>
        <TableRow>
          <TableCell>Field</TableCell>
          <TableCell>Type</TableCell>
          <TableCell>Required</TableCell>
          <TableCell>Default</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.fields.map(field => (
          <TableRow key={field.name}>
            <TableCell style={NO_WRAP}>
              <code>{field.name}</code>
              {field.primaryKey ? ' (primary key)' : ''}
            </TableCell>
            <TableCell style={NO_WRAP}>{field.type}</TableCell>
            <TableCell>{field.nullable ? 'No' : 'Yes'}</TableCell>
            <TableCell>
              {field.default ? <code>{field.default}</code> : '—'}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
