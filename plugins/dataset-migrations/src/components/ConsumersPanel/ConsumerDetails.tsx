import { Box, Typography } from '@material-ui/core';
import type { MigrationConsumer } from '@dataset-migrations/plugin-dataset-migrations-common';
import { FileImpactTable } from './FileImpactTable';
import { PatchView } from './PatchView';
import { VerificationEvidence } from './VerificationEvidence';
import { isWithheld } from './consumerText';

/** Everything the ledger knows about one consumer: impact per file, evidence, patch. */
export function ConsumerDetails(props: { consumer: MigrationConsumer }) {
  const { impact, verification, patch, repositoryUrl, attempts } =
    props.consumer;
  const withheld = isWithheld(props.consumer);
  const nothingYet =
    !withheld && !impact?.files.length && !verification && !patch;
  return (
    <Box py={1}>
      <Typography variant="body2" color="textSecondary" paragraph>
        {repositoryUrl ? `Repository ${repositoryUrl}. ` : ''}
        {/* Only a consumer tried again has a count worth reading. */}
        {attempts > 1 ? `Tried ${attempts} times.` : ''}
      </Typography>
      {nothingYet && <Typography variant="body2">Not assessed yet.</Typography>}
      {withheld && (
        <Typography variant="body2" aria-label="Details withheld">
          Its files, verification and patch are not visible to you: you may not
          read this consumer in the catalog.
        </Typography>
      )}
      {impact && impact.files.length > 0 && (
        <Box mb={2}>
          <Typography variant="subtitle2">Impact per file</Typography>
          <FileImpactTable files={impact.files} />
        </Box>
      )}
      {verification && (
        <Box mb={2}>
          <Typography variant="subtitle2">Verification</Typography>
          <VerificationEvidence verification={verification} />
        </Box>
      )}
      {patch && (
        <Box>
          <Typography variant="subtitle2">Patch</Typography>
          <PatchView patch={patch} />
        </Box>
      )}
    </Box>
  );
}
