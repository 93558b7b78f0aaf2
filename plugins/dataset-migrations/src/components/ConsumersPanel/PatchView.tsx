import { Box, makeStyles } from '@material-ui/core';
import { CopyTextButton } from '@backstage/core-components';

const useStyles = makeStyles(theme => ({
  line: { display: 'block', minHeight: '1em' },
  added: { color: theme.palette.success.main },
  removed: { color: theme.palette.error.main },
  hunk: { color: theme.palette.info.main },
}));

/** Which class a unified diff line takes; file headers are not additions or removals. */
function lineKind(line: string): 'added' | 'removed' | 'hunk' | undefined {
  if (line.startsWith('+++') || line.startsWith('---')) return undefined;
  if (line.startsWith('+')) return 'added';
  if (line.startsWith('-')) return 'removed';
  if (line.startsWith('@@')) return 'hunk';
  return undefined;
}

/** A unified diff, added lines green and removed ones red, with a copy button. */
export function PatchView(props: { patch: string }) {
  const classes = useStyles();
  const lines = props.patch.replace(/\n$/, '').split('\n');
  return (
    <Box display="flex" alignItems="flex-start" bgcolor="background.default">
      <Box
        component="pre"
        fontSize={12}
        m={0}
        p={1}
        flexGrow={1}
        style={{ overflowX: 'auto' }}
        aria-label="Patch"
      >
        {lines.map((line, index) => {
          const kind = lineKind(line);
          return (
            <span
              key={index}
              className={`${classes.line} ${kind ? classes[kind] : ''}`}
              data-diff={kind ?? 'context'}
            >
              {line}
            </span>
          );
        })}
      </Box>
      {/* `git apply` takes it as copied. */}
      <CopyTextButton
        text={props.patch}
        tooltipText="Patch copied"
        aria-label="Copy patch"
      />
    </Box>
  );
}
