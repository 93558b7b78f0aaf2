import { Alert, AlertTitle } from '@material-ui/lab';
import { messageOf, splitProblems } from '../shared/format';

/** Each problem of a refused request on its own line, in the server's words. */
export function Problems(props: { title: string; error: unknown }) {
  const problems = splitProblems(messageOf(props.error));
  return (
    <Alert severity="error">
      <AlertTitle>{props.title}</AlertTitle>
      {problems.length === 1 ? (
        problems[0]
      ) : (
        <ul style={{ margin: 0, paddingLeft: 20 }}>
          {problems.map(problem => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
    </Alert>
  );
}
