import { Box, CircularProgress, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { EntityDisplayName } from '@backstage/plugin-catalog-react';
import { AFFECTED_STATUS_TEXT, describeImpact } from './impactText';
import type { ImpactPreviewState } from './useImpactPreview';

/**
 * Who reads the dataset and what the change does to them. Informational only: a
 * consumer the change breaks is what the migration goes on to patch.
 */
export function ImpactSummary(props: { state?: ImpactPreviewState }) {
  const { state } = props;
  if (!state) return null;
  if (state.loading)
    return (
      <Box display="flex" alignItems="center" style={{ gap: 8 }} mt={1}>
        <CircularProgress size={16} aria-label="Checking consumers" />
        <Typography variant="body2">
          Checking the dataset’s consumers…
        </Typography>
      </Box>
    );
  if ('error' in state)
    return (
      <Box mt={1}>
        <Alert severity="warning">
          Consumer impact could not be checked: {state.error}
        </Alert>
      </Box>
    );
  const { preview } = state;
  return (
    <Box mt={1} aria-label="Consumer impact" role="region">
      <Typography variant="body2">{describeImpact(preview)}</Typography>
      {preview.affected.length > 0 && (
        <Box component="ul" m={0} pl={2.5}>
          {preview.affected.map(consumer => (
            <Typography key={consumer.entityRef} component="li" variant="body2">
              <EntityDisplayName
                entityRef={consumer.entityRef}
                defaultKind="component"
                hideIcon
              />
              {consumer.fields.length > 0 &&
                ` reads ${consumer.fields.join(', ')}`}
              {AFFECTED_STATUS_TEXT[consumer.status] &&
                ` (${AFFECTED_STATUS_TEXT[consumer.status]})`}
            </Typography>
          ))}
        </Box>
      )}
    </Box>
  );
}
