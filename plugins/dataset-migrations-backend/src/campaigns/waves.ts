import {
  CRITICALITY_LEVELS,
  type CampaignDocument,
  type CampaignPlannedDataset,
  type CampaignPlannedWave,
} from '@dataset-migrations/plugin-dataset-migrations-common';

/**
 * The start order of a campaign's datasets: producers before the datasets derived
 * from them (`upstream`, among the selected ones), then the least critical, then
 * those with the fewest consumers, then by ref, so the same selection always gives
 * the same order. A lineage cycle is broken at its first dataset in that order,
 * and the order goes on: it never loops. The dataset a cycle is broken at keeps
 * only the upstreams ordered before it: the runner waits for every upstream a
 * dataset keeps, and one ordered after it would wait for it in turn, for ever.
 */
export function startOrder(
  datasets: readonly CampaignPlannedDataset[],
): CampaignPlannedDataset[] {
  const upstreamOf = selectedUpstream(datasets);
  // Upstreams each dataset still waits for, and who waits for each.
  const waiting = new Map<string, Set<string>>();
  const dependents = new Map<string, string[]>();
  for (const d of datasets) {
    const upstream = upstreamOf(d);
    waiting.set(d.entityRef, new Set(upstream));
    for (const ref of upstream)
      dependents.set(ref, [...(dependents.get(ref) ?? []), d.entityRef]);
  }
  const remaining = [...datasets].sort(compareDatasets);
  const ordered: CampaignPlannedDataset[] = [];
  while (remaining.length > 0) {
    let index = remaining.findIndex(d => waiting.get(d.entityRef)!.size === 0);
    if (index < 0) index = onCycle(remaining, waiting);
    const [next] = remaining.splice(index, 1);
    const later = waiting.get(next.entityRef)!;
    ordered.push(
      later.size === 0
        ? next
        : { ...next, upstream: next.upstream.filter(ref => !later.has(ref)) },
    );
    for (const ref of dependents.get(next.entityRef) ?? [])
      waiting.get(ref)!.delete(next.entityRef);
  }
  return ordered;
}

/**
 * Every dataset left waits for another: from the first, follow the first upstream
 * it waits for until a dataset repeats. That one is on a cycle, and goes next.
 */
function onCycle(
  remaining: CampaignPlannedDataset[],
  waiting: Map<string, Set<string>>,
): number {
  const position = new Map(remaining.map((d, i) => [d.entityRef, i]));
  const seen = new Set<string>();
  let ref = remaining[0].entityRef;
  while (!seen.has(ref)) {
    seen.add(ref);
    const upstreams = [...waiting.get(ref)!].sort(
      (a, b) => position.get(a)! - position.get(b)!,
    );
    ref = upstreams[0];
  }
  return position.get(ref)!;
}

/**
 * The waves of a campaign: wave 0, the canary, holds the `rollout.canary.datasets`
 * least critical datasets with no selected upstream; then waves of
 * `rollout.waveSize` (a count, or a percent of the datasets, rounded up) in start
 * order, so no dataset is in an earlier wave than one it is derived from.
 */
export function assignWaves(
  datasets: readonly CampaignPlannedDataset[],
  rollout: Pick<CampaignDocument['rollout'], 'canary' | 'waveSize'>,
): CampaignPlannedWave[] {
  if (datasets.length === 0) return [];
  const ordered = startOrder(datasets);
  // In a lineage made only of cycles no dataset is a root: the first in order leads.
  const upstreamOf = selectedUpstream(datasets);
  const roots = ordered.filter(d => upstreamOf(d).length === 0);
  const canary = (roots.length > 0 ? roots : ordered).slice(
    0,
    rollout.canary.datasets,
  );
  const rest = ordered.filter(d => !canary.includes(d));
  const size = waveSizeOf(rollout.waveSize, datasets.length);
  const waves = [wave(0, 'canary', canary)];
  for (let i = 0; i < rest.length; i += size) {
    waves.push(wave(waves.length, 'wave', rest.slice(i, i + size)));
  }
  return waves;
}

/** Datasets per wave: a count, or a percent of `selected` rounded up; at least 1. */
export function waveSizeOf(
  waveSize: number | string,
  selected: number,
): number {
  if (typeof waveSize === 'number') return Math.max(1, waveSize);
  const percent = Number(waveSize.replace('%', ''));
  return Math.max(1, Math.ceil((selected * percent) / 100));
}

/** A dataset's upstreams among those selected, itself left out. */
function selectedUpstream(
  datasets: readonly CampaignPlannedDataset[],
): (dataset: CampaignPlannedDataset) => string[] {
  const selected = new Set(datasets.map(d => d.entityRef));
  return d =>
    d.upstream.filter(ref => selected.has(ref) && ref !== d.entityRef);
}

function wave(
  index: number,
  kind: CampaignPlannedWave['kind'],
  datasets: CampaignPlannedDataset[],
): CampaignPlannedWave {
  return {
    index,
    kind,
    datasets,
    consumers: datasets.reduce((sum, d) => sum + d.consumers, 0),
    pullRequests: datasets.reduce((sum, d) => sum + d.pullRequests, 0),
  };
}

function compareDatasets(
  a: CampaignPlannedDataset,
  b: CampaignPlannedDataset,
): number {
  return (
    CRITICALITY_LEVELS.indexOf(a.criticality) -
      CRITICALITY_LEVELS.indexOf(b.criticality) ||
    a.consumers - b.consumers ||
    compareRefs(a.entityRef, b.entityRef)
  );
}

/** Orders entity refs by code unit, as `<` compares them. */
function compareRefs(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}
