import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
} from '@material-ui/core';
import type { FileImpact } from '@dataset-migrations/plugin-dataset-migrations-common';
import { formatLines } from './consumerText';

/** "unknown column (at 4:12)": a problem with where the parser found it. */
function formatProblem(problem: FileImpact['problem']): string {
  if (!problem) return '';
  const { position } = problem;
  return position
    ? `${problem.message} (at ${position.line}:${position.column})`
    : problem.message;
}

/** Each file of a consumer that reads the dataset, and what the rewrite did to it. */
export function FileImpactTable(props: { files: FileImpact[] }) {
  return (
    <Table size="small" aria-label="Files">
      <TableHead>
        <TableRow>
          <TableCell>File</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Fields</TableCell>
          <TableCell>Lines</TableCell>
          <TableCell>Problem</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.files.map(file => (
          <TableRow key={file.path}>
            <TableCell style={{ wordBreak: 'break-all' }}>
              {file.path}
            </TableCell>
            <TableCell>{file.status}</TableCell>
            <TableCell>{file.fields.join(', ')}</TableCell>
            <TableCell>{formatLines(file.lines)}</TableCell>
            <TableCell style={{ whiteSpace: 'pre-wrap' }}>
              {formatProblem(file.problem)}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
