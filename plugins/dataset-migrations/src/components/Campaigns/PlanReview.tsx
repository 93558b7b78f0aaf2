import { Fragment } from 'react';
import {
  Box,
  Chip,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { InfoCard } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type {
  CampaignPlan,
  CampaignPlannedWave,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { formatCount } from '../shared/format';
import { COMPATIBILITY_TEXT } from '../shared/labels';
import { CatalogRefLink } from '../shared/PersonLink';

/** Names and short figures stay on one line; prose wraps. */
const NO_WRAP = { whiteSpace: 'nowrap' } as const;

function waveTitle(wave: CampaignPlannedWave): string {
  return wave.kind === 'canary'
    ? `Canary (wave ${wave.index})`
    : `Wave ${wave.index}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

function Owner(props: { owner?: string }) {
  return props.owner ? (
    <EntityRefLink entityRef={props.owner} defaultKind="group" />
  ) : (
    <>—</>
  );
}

/**
 * What a campaign would do, as its reviewer reads it before anything runs: the
 * waves in order (the canary first), each dataset with its change's compatibility,
 * its consumers and the pull requests to expect; what is skipped and why; the load
 * on each owning team; and the totals.
 */
export function PlanReview(props: { plan: CampaignPlan }) {
  const { plan } = props;
  const waves = [...plan.waves].sort((a, b) => a.index - b.index);
  return (
    <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
      <Typography variant="h6" component="p">
        {plural(plan.totals.datasets, 'dataset')} in{' '}
        {plural(waves.length, 'wave')},{' '}
        {plural(plan.totals.consumers, 'consumer')},{' '}
        {plural(plan.totals.pullRequests, 'pull request')}
        {plan.skipped.length > 0 ? `; ${plan.skipped.length} skipped` : ''}
      </Typography>

      {waves.map(wave => (
        <InfoCard
          key={wave.index}
          title={waveTitle(wave)}
          subheader={`${plural(wave.datasets.length, 'dataset')}, ${plural(
            wave.consumers,
            'consumer',
          )}, ${plural(wave.pullRequests, 'pull request')}`}
          noPadding
        >
          <Table size="small" aria-label={waveTitle(wave)}>
            <TableHead>
              <TableRow>
                <TableCell style={NO_WRAP}>Dataset</TableCell>
                <TableCell style={NO_WRAP}>Owner</TableCell>
                <TableCell style={NO_WRAP}>Criticality</TableCell>
                <TableCell style={NO_WRAP}>Version</TableCell>
                <TableCell>Compatibility</TableCell>
                <TableCell align="right" style={NO_WRAP}>
                  Consumers
                </TableCell>
                <TableCell align="right" style={NO_WRAP}>
                  Pull requests
                </TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {wave.datasets.map(dataset => (
                <TableRow key={dataset.entityRef}>
                  <TableCell>
                    <span style={NO_WRAP}>
                      <EntityRefLink
                        entityRef={dataset.entityRef}
                        title={dataset.title}
                      />
                    </span>
                    {dataset.upstream.length > 0 && (
                      <Typography variant="caption" display="block">
                        after{' '}
                        {dataset.upstream.map((upstream, index) => (
                          <Fragment key={upstream}>
                            {index > 0 && ', '}
                            <CatalogRefLink
                              entityRef={upstream}
                              defaultKind="resource"
                            />
                          </Fragment>
                        ))}
                      </Typography>
                    )}
                  </TableCell>
                  <TableCell style={NO_WRAP}>
                    <Owner owner={dataset.owner} />
                  </TableCell>
                  <TableCell>
                    <Chip size="small" label={dataset.criticality} />
                  </TableCell>
                  <TableCell style={NO_WRAP}>
                    v{dataset.fromVersion} → v{dataset.targetVersion}
                  </TableCell>
                  <TableCell>
                    {COMPATIBILITY_TEXT[dataset.compatibility]}
                  </TableCell>
                  <TableCell align="right">{dataset.consumers}</TableCell>
                  <TableCell align="right">{dataset.pullRequests}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </InfoCard>
      ))}

      {plan.skipped.length > 0 && (
        <InfoCard
          title={`Skipped (${plan.skipped.length})`}
          subheader="Selected, but the campaign will not migrate them"
          noPadding
        >
          <Table size="small" aria-label="Skipped datasets">
            <TableHead>
              <TableRow>
                <TableCell>Dataset</TableCell>
                <TableCell>Why</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {plan.skipped.map(skipped => (
                <TableRow key={skipped.entityRef}>
                  <TableCell>
                    <EntityRefLink entityRef={skipped.entityRef} />
                  </TableCell>
                  <TableCell>{skipped.reason}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </InfoCard>
      )}

      {/* Work per team: the datasets it owns, and the consumers it owns, whose
          pull requests it reviews (a dataset's consumers may be other teams'). */}
      <InfoCard
        title="Per owner"
        subheader="Each team's datasets, and its own consumers with the pull requests it will review"
        noPadding
      >
        <Table size="small" aria-label="Load per owner">
          <TableHead>
            <TableRow>
              <TableCell>Owner</TableCell>
              <TableCell align="right">Datasets owned</TableCell>
              <TableCell align="right">Consumers owned</TableCell>
              <TableCell align="right">Pull requests to review</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {plan.byOwner.map(load => (
              <TableRow key={load.owner}>
                <TableCell>
                  <Owner owner={load.owner} />
                </TableCell>
                <TableCell align="right">{load.datasets}</TableCell>
                <TableCell align="right">{load.consumers}</TableCell>
                <TableCell align="right">{load.pullRequests}</TableCell>
              </TableRow>
            ))}
            <TableRow>
              <TableCell>
                <strong>Total</strong>
              </TableCell>
              <TableCell align="right">
                <strong>{plan.totals.datasets}</strong>
              </TableCell>
              <TableCell align="right">
                <strong>{plan.totals.consumers}</strong>
              </TableCell>
              <TableCell align="right">
                <strong>{plan.totals.pullRequests}</strong>
              </TableCell>
            </TableRow>
          </TableBody>
        </Table>
      </InfoCard>
    </Box>
  );
}
