import { useEffect } from 'react';
import { Box, Grid, Typography } from '@material-ui/core';
import { InfoCard, Link } from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useAsyncEntity } from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_ENGINE,
  ANNOTATION_TABLE,
  getDeclaredSchemaVersion,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { MigrateButton } from '../MigrateDialog';
import { MigrationStatus } from '../shared/MigrationStatus';
import { useMigrations } from '../shared/useMigrations';

const CATALOG_POLL_MS = 2000;

/**
 * The dataset's schema version as the catalog has it, its latest migration, and
 * the Migrate button. After a migration succeeds it re-reads the entity until the
 * catalog shows the new version.
 */
export function EntityDatasetCard() {
  const { entity, refresh } = useAsyncEntity();
  const entityRef = entity ? stringifyEntityRef(entity) : '';
  const { migrations, reload } = useMigrations(entityRef);
  const catalogVersion = entity ? getDeclaredSchemaVersion(entity) : 0;
  const latest = migrations?.[0];
  const awaitingCatalog =
    latest?.status === 'succeeded' &&
    !latest.dryRun &&
    latest.targetVersion > catalogVersion;

  useEffect(() => {
    if (!awaitingCatalog || !refresh) return undefined;
    const timer = setInterval(refresh, CATALOG_POLL_MS);
    return () => clearInterval(timer);
  }, [awaitingCatalog, refresh]);

  if (!entity) return null;
  const annotations = entity.metadata.annotations ?? {};
  return (
    <InfoCard title="Dataset schema">
      <Grid container spacing={2} alignItems="center">
        <Grid item xs={12} sm={8}>
          <Typography variant="h4" component="p" aria-label="Schema version">
            Schema version {catalogVersion}
          </Typography>
          <Typography variant="body2" color="textSecondary">
            {annotations[ANNOTATION_ENGINE]}:{annotations[ANNOTATION_TABLE]}
          </Typography>
          {latest && (
            <Box mt={1} display="flex" alignItems="center" style={{ gap: 8 }}>
              <Typography variant="body2">
                Last migration, to version {latest.targetVersion}
                {latest.dryRun ? ' (dry run)' : ''}:
              </Typography>
              <MigrationStatus status={latest.status} />
              <Link to="migration-history">history</Link>
            </Box>
          )}
        </Grid>
        <Grid item xs={12} sm={4} style={{ textAlign: 'right' }}>
          <MigrateButton entityRef={entityRef} onQueued={reload} />
        </Grid>
      </Grid>
    </InfoCard>
  );
}
