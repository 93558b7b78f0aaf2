import type { Knex } from 'knex';
import {
  ACTIVE_MIGRATION_STATUSES,
  datasetMigrationContractPermission,
  datasetMigrationRollbackPermission,
  durationMs,
  FAILED_CAMPAIGN_DATASET_STATES,
  MOVED_CONSUMER_STATES,
  UNCHECKED_CONSUMER_STATES,
  type Campaign,
  type CampaignBurndownPoint,
  type CampaignDatasetProgress,
  type CampaignDatasetState,
  type CampaignDocument,
  type CampaignPlan,
  type CampaignState,
  type CampaignStuckItem,
  type CampaignSummary,
  type CampaignWaveProgress,
  type CampaignWaveState,
  type CompatibilityClass,
  type Criticality,
  type MigrationStatus,
  type UndiscoveredReads,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  CampaignDatasetsBusy,
  CampaignStartRefused,
  type CampaignDatasetUpdate,
  type CampaignRun,
  type CampaignRunDataset,
  type CampaignStore,
  type CampaignTransitionResult,
  type RevokedRights,
  type StarterRights,
} from './CampaignStore';
import { escalationOf } from './CampaignEscalations';
import { PREVIOUS_SHAPE_READS } from './previousShapeReadsRecord';
import {
  asStoreTransaction,
  knexOf,
  type StoreTransaction,
} from './StoreTransaction';

const UNIQUE_VIOLATION = '23505';
/** Datasets whose work is over: they count as done. */
const DONE: CampaignDatasetState[] = ['migrated', 'contracted'];
/** Failures the policy counts. */
const FAILED = [...FAILED_CAMPAIGN_DATASET_STATES];
/** Datasets still to move (skipped ones never will, by decision). */
const OUTSTANDING: CampaignDatasetState[] = [
  'pending',
  'migrating',
  'failed',
  'rolled-back',
];
/** A campaign still holding its datasets: another campaign may not take them. */
const HOLDING: CampaignState[] = ['draft', 'running', 'paused'];
/** Consumer failures that count a dataset failed when the policy says so. */
const COUNTED_CONSUMER_FAILURES = ['verification-failed', 'shadow-mismatch'];
/** Statuses of a run that ended without changing the dataset. */
const NEVER_RAN: readonly string[] = ['rejected', 'cancelled'];

type CampaignRow = {
  id: string;
  name: string;
  title: string;
  owner: string;
  deadline: Date;
  document: CampaignDocument;
  plan: CampaignPlan | null;
  state: CampaignState;
  state_reason: string | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  started_by: string | null;
  paused_by_runner: boolean;
};

type WaveRow = {
  campaign_id: string;
  wave_index: number;
  kind: 'canary' | 'wave';
  state: CampaignWaveState;
  started_at: Date | null;
  soaked_at: Date | null;
  finished_at: Date | null;
  failures_accepted: number;
};

/** A campaign's dataset row with what its migration says. */
type DatasetRow = {
  entity_ref: string;
  wave_index: number;
  position: number;
  owner: string | null;
  criticality: Criticality;
  target_version: number;
  state: CampaignDatasetState;
  migration_id: string | null;
  reason: string | null;
  started_at: Date | null;
  finished_at: Date | null;
  starter_may_start: boolean | null;
  starter_may_approve: boolean | null;
  starter_may_contract: boolean | null;
  starter_may_roll_back: boolean | null;
  contract_requested_at: Date | null;
  reviewed_compatibility: CompatibilityClass | null;
  upstream: string[];
  planned_consumers: number;
  migration_status: MigrationStatus | null;
  failure_reason: string | null;
  contracted_at: Date | null;
  consumers_total: number;
  consumers_moved: number;
  consumers_unchecked: number;
  consumer_failure: string | null;
};

const iso = (date: Date | null | undefined) =>
  date ? new Date(date).toISOString() : undefined;

/** Campaigns in the plugin's database. */
export class DatabaseCampaignStore implements CampaignStore {
  /**
   * By campaign, the time of the latest progress record this process read or
   * wrote: a look within the interval after it is answered without a round trip
   * (the record was due no sooner than that; a later one, written meanwhile by a
   * person's action or another replica, only defers it further).
   */
  private readonly recordedAt = new Map<string, number>();

  constructor(private readonly knex: Knex) {}

  async createCampaign(campaign: {
    id: string;
    plan: CampaignPlan;
    createdBy: string;
    at: Date;
  }): Promise<boolean> {
    const { document } = campaign.plan;
    try {
      await this.knex.transaction(async tx => {
        await tx<CampaignRow>('campaigns').insert({
          id: campaign.id,
          name: document.name,
          title: document.title,
          owner: document.owner,
          deadline: new Date(document.deadline),
          document: JSON.stringify(document) as any,
          plan: JSON.stringify(campaign.plan) as any,
          state: 'draft',
          created_by: campaign.createdBy,
          created_at: campaign.at,
          updated_at: campaign.at,
        });
        await this.assertNotBusy(tx, campaign.plan, campaign.id);
        await this.writePlanRows(tx, campaign.id, campaign.plan);
        await this.snapshot(tx, campaign.id, campaign.at);
      });
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) return false;
      throw error;
    }
  }

  /**
   * Inside the transaction that writes a campaign's datasets: refuses any busy one.
   * Every such transaction takes the same lock first, so the second of two at once
   * sees the first's datasets (committed) instead of both passing the check.
   */
  private async assertNotBusy(
    tx: Knex.Transaction,
    plan: CampaignPlan,
    campaignId: string,
  ): Promise<void> {
    await lockCampaignDatasets(tx);
    const busy = await this.busyIn(
      tx,
      plan.waves.flatMap(w => w.datasets.map(d => d.entityRef)),
      campaignId,
    );
    if (busy.size > 0) throw new CampaignDatasetsBusy(busy);
  }

  /** The plan's waves and datasets; positions in plan order across waves. */
  private async writePlanRows(
    tx: Knex.Transaction,
    campaignId: string,
    plan: CampaignPlan,
    starterRights?: StarterRights,
  ): Promise<void> {
    await tx('campaign_datasets').where({ campaign_id: campaignId }).delete();
    await tx('campaign_waves').where({ campaign_id: campaignId }).delete();
    if (plan.waves.length === 0) return;
    await tx('campaign_waves').insert(
      plan.waves.map(wave => ({
        campaign_id: campaignId,
        wave_index: wave.index,
        kind: wave.kind,
        state: 'pending',
      })),
    );
    let position = 0;
    const rows = plan.waves.flatMap(wave =>
      wave.datasets.map(dataset => ({
        campaign_id: campaignId,
        entity_ref: dataset.entityRef,
        wave_index: wave.index,
        position: position++,
        owner: dataset.owner ?? null,
        criticality: dataset.criticality,
        target_version: dataset.targetVersion,
        state: 'pending',
        upstream: dataset.upstream ?? [],
        planned_consumers: dataset.consumers,
        starter_may_start: starterRights
          ? starterRights.mayStart.has(dataset.entityRef)
          : null,
        starter_may_approve: starterRights
          ? starterRights.mayApprove.has(dataset.entityRef)
          : null,
        starter_may_contract: starterRights
          ? starterRights.mayContract.has(dataset.entityRef)
          : null,
        starter_may_roll_back: starterRights
          ? starterRights.mayRollBack.has(dataset.entityRef)
          : null,
        reviewed_compatibility: starterRights ? dataset.compatibility : null,
      })),
    );
    for (let i = 0; i < rows.length; i += 1000)
      await tx('campaign_datasets').insert(rows.slice(i, i + 1000));
  }

  private async busyIn(
    knex: Knex,
    entityRefs: string[],
    exceptCampaignId?: string,
  ): Promise<Map<string, string>> {
    const busy = new Map<string, string>();
    if (entityRefs.length === 0) return busy;
    const { rows: migrations } = await knex.raw(
      `SELECT entity_ref, id, status, campaign_id FROM migrations
        WHERE entity_ref = ANY(?)
          AND status IN ('queued', 'running', 'awaiting-decision', 'awaiting-approval')`,
      [entityRefs],
    );
    for (const row of migrations)
      busy.set(
        row.entity_ref,
        `dataset ${row.entity_ref} is busy with migration ${row.id} (${row.status})`,
      );
    const { rows: campaigns } = await knex.raw(
      `SELECT d.entity_ref, c.name, c.state FROM campaign_datasets d
         JOIN campaigns c ON c.id = d.campaign_id
        WHERE d.entity_ref = ANY(?) AND c.state = ANY(?)
          AND d.state IN ('pending', 'migrating')
          AND (?::uuid IS NULL OR c.id <> ?::uuid)`,
      [entityRefs, HOLDING, exceptCampaignId ?? null, exceptCampaignId ?? null],
    );
    for (const row of campaigns)
      if (!busy.has(row.entity_ref))
        busy.set(
          row.entity_ref,
          `dataset ${row.entity_ref} is in campaign ${row.name} (${row.state})`,
        );
    return busy;
  }

  async listCampaigns(): Promise<CampaignSummary[]> {
    const rows = await this.knex<CampaignRow>('campaigns')
      .select('*')
      .orderBy('created_at', 'desc');
    const counts = await this.countsOf(rows.map(r => r.id));
    return rows.map(row => toSummary(row, counts.get(row.id)));
  }

  private async countsOf(ids: string[]) {
    const counts = new Map<string, CampaignSummary['counts']>();
    if (ids.length === 0) return counts;
    const { rows } = await this.knex.raw(
      `SELECT campaign_id, count(*)::int AS datasets,
              (count(*) FILTER (WHERE state = ANY(?)))::int AS done,
              (count(*) FILTER (WHERE state = 'failed'))::int AS failed,
              (count(*) FILTER (WHERE state = 'rolled-back'))::int AS rolled_back
         FROM campaign_datasets WHERE campaign_id = ANY(?) GROUP BY campaign_id`,
      [DONE, ids],
    );
    for (const row of rows)
      counts.set(row.campaign_id, {
        datasets: row.datasets,
        done: row.done,
        failed: row.failed,
        rolledBack: row.rolled_back,
      });
    return counts;
  }

  async getCampaign(id: string, now: Date): Promise<Campaign | undefined> {
    const row = await this.knex<CampaignRow>('campaigns').where({ id }).first();
    if (!row) return undefined;
    const [waves, datasets, burndown, escalation] = await Promise.all([
      this.waveRows(this.knex, id),
      this.datasetRows(this.knex, id),
      this.burndown(id),
      escalationOf(this.knex, id),
    ]);
    // A rolled-back dataset is counted apart from a failed one, as the list
    // does: the campaign's and each wave's.
    const countsOf = (of: typeof datasets) => ({
      datasets: of.length,
      done: of.filter(d => DONE.includes(d.state)).length,
      failed: of.filter(d => d.state === 'failed').length,
      rolledBack: of.filter(d => d.state === 'rolled-back').length,
    });
    const counts = countsOf(datasets);
    return {
      ...toSummary(row, counts),
      document: row.document,
      plan: row.plan ?? emptyPlan(row.document),
      waves: waves.map(wave => ({
        index: wave.wave_index,
        kind: wave.kind,
        state: shownWaveState(row.state, wave.state),
        ...(wave.started_at ? { startedAt: iso(wave.started_at) } : {}),
        ...(wave.soaked_at ? { soakedAt: iso(wave.soaked_at) } : {}),
        ...(wave.finished_at ? { finishedAt: iso(wave.finished_at) } : {}),
        ...countsOf(datasets.filter(d => d.wave_index === wave.wave_index)),
      })),
      datasets: datasets.map(toDatasetProgress),
      burndown,
      stuck: await this.stuck(
        row,
        datasets,
        new Set(
          waves.filter(w => w.state === 'rolled-back').map(w => w.wave_index),
        ),
        now,
      ),
      ...(escalation ? { escalation } : {}),
    };
  }

  private async burndown(id: string): Promise<CampaignBurndownPoint[]> {
    const rows = await this.knex('campaign_progress')
      .where({ campaign_id: id })
      .orderBy([
        { column: 'at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])
      .select('at', 'datasets_outstanding', 'consumers_outstanding');
    return rows.map(r => ({
      at: iso(r.at)!,
      datasetsOutstanding: r.datasets_outstanding,
      consumersOutstanding: r.consumers_outstanding,
    }));
  }

  /**
   * What a person should look at: failed datasets and consumers, migrations
   * awaiting a decision or an approval, and pull requests open longer than the
   * campaign's `remindAfter`.
   */
  private async stuck(
    campaign: CampaignRow,
    datasets: DatasetRow[],
    rolledBackWaves: ReadonlySet<number>,
    now: Date,
  ): Promise<CampaignStuckItem[]> {
    const items: CampaignStuckItem[] = [];
    const migrationIds: string[] = [];
    for (const d of datasets) {
      const at = { ...(d.migration_id ? { migrationId: d.migration_id } : {}) };
      // A run rejected or cancelled before it ran moves no consumer: what its
      // consumers' discovery found is nothing anyone need act on.
      if (d.migration_id && !NEVER_RAN.includes(d.migration_status ?? ''))
        migrationIds.push(d.migration_id);
      /** An item of a dataset whose run has ended, since it ended. */
      const ended = (kind: CampaignStuckItem['kind'], detail: string) =>
        items.push({
          entityRef: d.entity_ref,
          ...at,
          kind,
          detail,
          ...(d.finished_at ? { since: iso(d.finished_at) } : {}),
        });
      if (
        rolledBackWaves.has(d.wave_index) &&
        d.migration_status === 'succeeded' &&
        d.contracted_at === null &&
        d.starter_may_roll_back !== true
      ) {
        // Its wave was rolled back, but not by this campaign: not its starter's.
        ended(
          'rollback-not-allowed',
          `the campaign does not roll it back: ${
            d.starter_may_roll_back === false
              ? `${campaign.started_by} did not hold ${datasetMigrationRollbackPermission.name} on it when starting the campaign`
              : `the campaign started before its starter's ${datasetMigrationRollbackPermission.name} was recorded`
          }; its owners roll it back or keep it`,
        );
      } else if (FAILED.includes(d.state)) {
        // Not the run's failure_reason, which may quote the dataset's rows.
        ended(
          d.state === 'rolled-back' ? 'rolled-back' : 'failed',
          shownReason(
            d.reason ?? (d.state === 'rolled-back' ? 'rolled back' : 'failed'),
          ),
        );
      } else if (
        d.state === 'migrated' &&
        d.starter_may_contract === false &&
        d.contracted_at === null
      ) {
        ended(
          'contract-not-allowed',
          `the campaign does not contract it: ${campaign.started_by} did not hold ${datasetMigrationContractPermission.name} on it when starting the campaign, or one who resumed it since did not (the campaign-resume audit event names those it lost); its owners contract it`,
        );
      } else if (d.migration_status === 'awaiting-approval') {
        items.push({
          entityRef: d.entity_ref,
          ...at,
          kind: 'awaiting-approval',
          detail: 'its migration awaits an approval',
          ...(d.started_at ? { since: iso(d.started_at) } : {}),
        });
      }
    }
    if (migrationIds.length === 0) return items;
    items.push(...(await this.undiscoveredReaders(datasets)));
    const remindAfterMs = durationMs(
      campaign.document.rollout.pullRequests.remindAfter,
    );
    const byMigration = new Map(datasets.map(d => [d.migration_id, d]));
    const { rows } = await this.knex.raw(
      `SELECT migration_id, entity_ref, state, failure_kind, failure_message,
              updated_at, pull_request->>'url' AS url
         FROM migration_consumers
        WHERE migration_id = ANY(?)
          AND (state = 'failed' OR (state = 'pr-opened' AND updated_at < ?))
        ORDER BY updated_at`,
      [migrationIds, new Date(now.getTime() - remindAfterMs)],
    );
    for (const row of rows) {
      const dataset = byMigration.get(row.migration_id)!;
      const firstLine = String(row.failure_message ?? '').split('\n')[0];
      if (row.state === 'failed' && row.failure_kind === 'needs-decision') {
        items.push({
          entityRef: dataset.entity_ref,
          migrationId: row.migration_id,
          consumerRef: row.entity_ref,
          kind: 'needs-decision',
          detail: `consumer ${row.entity_ref} waits for a decision`,
          since: iso(row.updated_at),
        });
      } else if (row.state === 'failed') {
        items.push({
          // A consumer that failed holds its dataset's contract back until
          // someone retries, fixes or excludes it.
          entityRef: dataset.entity_ref,
          migrationId: row.migration_id,
          consumerRef: row.entity_ref,
          kind: 'consumer-failed',
          detail: `consumer ${row.entity_ref} failed${
            firstLine ? `: ${firstLine}` : ''
          }`,
          since: iso(row.updated_at),
        });
      } else {
        items.push({
          entityRef: dataset.entity_ref,
          migrationId: row.migration_id,
          consumerRef: row.entity_ref,
          kind: 'pull-request-stale',
          detail: `the pull request of consumer ${row.entity_ref}${
            row.url ? ` (${row.url})` : ''
          } is open since ${iso(row.updated_at)}`,
          since: iso(row.updated_at),
        });
      }
    }
    return items;
  }

  /**
   * Live, uncontracted migrations whose contract the gate refused for reads of the
   * previous shape with no known consumer left, as the last request found them.
   */
  private async undiscoveredReaders(
    datasets: DatasetRow[],
  ): Promise<CampaignStuckItem[]> {
    const live = datasets.filter(
      d =>
        d.migration_id &&
        d.migration_status === 'succeeded' &&
        d.contracted_at === null,
    );
    if (live.length === 0) return [];
    const { rows } = await this.knex.raw(
      `SELECT migration_id, value->'undiscovered' AS found
         FROM migration_checkpoints
        WHERE migration_id = ANY(?) AND name = ? AND value->'undiscovered' IS NOT NULL`,
      [live.map(d => d.migration_id!), PREVIOUS_SHAPE_READS],
    );
    const found = new Map<string, UndiscoveredReads>(
      rows.map((r: { migration_id: string; found: UndiscoveredReads }) => [
        r.migration_id,
        r.found,
      ]),
    );
    return live.flatMap(d => {
      const reads = found.get(d.migration_id!);
      if (!reads) return [];
      return [
        {
          entityRef: d.entity_ref,
          migrationId: d.migration_id!,
          kind: 'undiscovered-readers' as const,
          detail: `contract waits: the previous shape was read ${
            reads.count
          } time${reads.count === 1 ? '' : 's'} since ${reads.since}${
            reads.lastReadAt ? `, last at ${reads.lastReadAt}` : ''
          }, with no known consumer left to read it: a reader nobody discovered (${
            reads.evidence
          })`,
          since: reads.checkedAt,
        },
      ];
    });
  }

  async getRun(id: string): Promise<CampaignRun | undefined> {
    // Not the plan: a look reads what it decides on, and the plan's facts it needs
    // are on the dataset rows.
    // One snapshot: a campaign row newer than its waves (a person's resume between
    // two reads, which sets both) would have a look undo that resume.
    const [row, waves, datasets] = await this.knex.transaction(
      async trx =>
        [
          await trx<CampaignRow>('campaigns')
            .where({ id })
            .first(
              'id',
              'name',
              'owner',
              'state',
              'state_reason',
              'paused_by_runner',
              'document',
              'started_by',
            ),
          await this.waveRows(trx, id),
          await this.datasetRows(trx, id),
        ] as const,
      { isolationLevel: 'repeatable read', readOnly: true },
    );
    if (!row) return undefined;
    return {
      id: row.id,
      name: row.name,
      owner: row.owner,
      state: row.state,
      ...(row.state_reason ? { stateReason: row.state_reason } : {}),
      ...(row.state === 'paused'
        ? { pausedByRunner: row.paused_by_runner === true }
        : {}),
      document: row.document,
      ...(row.started_by ? { startedBy: row.started_by } : {}),
      waves: waves.map(w => ({
        index: w.wave_index,
        kind: w.kind,
        state: w.state,
        ...(w.started_at ? { startedAt: new Date(w.started_at) } : {}),
        ...(w.soaked_at ? { soakedAt: new Date(w.soaked_at) } : {}),
        failuresAccepted: w.failures_accepted,
      })),
      datasets: datasets.map(
        (d): CampaignRunDataset => ({
          entityRef: d.entity_ref,
          wave: d.wave_index,
          position: d.position,
          state: d.state,
          targetVersion: d.target_version,
          starterMayStart: d.starter_may_start === true,
          starterMayApprove: d.starter_may_approve === true,
          starterMayContract: d.starter_may_contract === true,
          starterMayRollBack: d.starter_may_roll_back === true,
          ...(d.contract_requested_at
            ? { contractRequestedAt: new Date(d.contract_requested_at) }
            : {}),
          consumersMoving: d.consumers_total - d.consumers_moved,
          upstream: d.upstream,
          ...(d.reviewed_compatibility
            ? { reviewedCompatibility: d.reviewed_compatibility }
            : {}),
          ...(d.migration_id ? { migrationId: d.migration_id } : {}),
          ...(d.migration_status
            ? { migrationStatus: d.migration_status }
            : {}),
          ...(d.failure_reason ? { migrationFailure: d.failure_reason } : {}),
          contracted: d.contracted_at !== null,
          ...(d.consumer_failure
            ? { consumerFailure: d.consumer_failure }
            : {}),
          consumersUnchecked: d.consumers_unchecked,
        }),
      ),
    };
  }

  private waveRows(knex: Knex, id: string): Promise<WaveRow[]> {
    return knex<WaveRow>('campaign_waves')
      .where({ campaign_id: id })
      .orderBy('wave_index');
  }

  private async datasetRows(knex: Knex, id: string): Promise<DatasetRow[]> {
    const { rows } = await knex.raw(
      `SELECT d.entity_ref, d.wave_index, d.position, d.owner, d.criticality,
              d.target_version, d.state, d.migration_id, d.reason, d.started_at,
              d.finished_at, d.starter_may_start, d.starter_may_approve,
              d.starter_may_contract, d.starter_may_roll_back, d.contract_requested_at,
              d.reviewed_compatibility, d.upstream, d.planned_consumers,
              m.status AS migration_status, m.failure_reason, m.contracted_at,
              coalesce(c.total, 0)::int AS consumers_total,
              coalesce(c.moved, 0)::int AS consumers_moved,
              coalesce(c.unchecked, 0)::int AS consumers_unchecked,
              c.failure AS consumer_failure
         FROM campaign_datasets d
         LEFT JOIN migrations m ON m.id = d.migration_id
         LEFT JOIN LATERAL (
           SELECT count(*) AS total,
                  count(*) FILTER (WHERE mc.state = ANY(:moved)) AS moved,
                  count(*) FILTER (WHERE mc.state = ANY(:unchecked)) AS unchecked,
                  min(mc.entity_ref || ' (' || mc.failure_kind || ')')
                    FILTER (WHERE mc.state = 'failed' AND mc.failure_kind = ANY(:counted)) AS failure
             FROM migration_consumers mc WHERE mc.migration_id = d.migration_id
         ) c ON d.migration_id IS NOT NULL
        WHERE d.campaign_id = :id
        ORDER BY d.position`,
      {
        id,
        moved: [...MOVED_CONSUMER_STATES],
        unchecked: [...UNCHECKED_CONSUMER_STATES],
        counted: COUNTED_CONSUMER_FAILURES,
      },
    );
    return rows;
  }

  async startCampaign(
    id: string,
    start: {
      plan: CampaignPlan;
      startedBy: string;
      starterRights: StarterRights;
      at: Date;
    },
  ): Promise<CampaignTransitionResult> {
    return this.knex.transaction(async tx => {
      // Before the campaign's row: every writer of campaign datasets locks in this order.
      await lockCampaignDatasets(tx);
      const [row] = await tx<CampaignRow>('campaigns')
        .where({ id })
        .where('state', 'draft')
        .update({
          state: 'running',
          state_reason: null,
          plan: JSON.stringify(start.plan) as any,
          started_by: start.startedBy,
          started_at: start.at,
          updated_at: start.at,
        })
        .returning('id');
      if (!row) return this.refused(tx, id);
      await this.assertNotBusy(tx, start.plan, id);
      await this.writePlanRows(tx, id, start.plan, start.starterRights);
      await this.snapshot(tx, id, start.at);
      return { changed: true as const };
    });
  }

  async transition(
    id: string,
    change: {
      from: readonly CampaignState[];
      to: CampaignState;
      reason?: string;
      at: Date;
      skipPending?: string;
      acceptFailures?: boolean;
      failedSeen?: readonly string[];
      pausedByRunner?: boolean;
      revokeRights?: RevokedRights;
      inTransaction?: (tx: StoreTransaction) => Promise<void>;
    },
    executor?: StoreTransaction,
  ): Promise<CampaignTransitionResult> {
    const finished = change.to === 'completed' || change.to === 'aborted';
    const knex = knexOf(executor ?? this.knex);
    return knex.transaction(async tx => {
      // Who paused it, read under the row's lock: a trip after a person read it
      // is not accepted unseen.
      const pausedByRunner =
        change.acceptFailures === true &&
        (
          await tx<CampaignRow>('campaigns')
            .where({ id })
            .forUpdate()
            .first('paused_by_runner')
        )?.paused_by_runner === true;
      const [row] = await tx<CampaignRow>('campaigns')
        .where({ id })
        .whereRaw('state = ANY(?)', [[...change.from]])
        .update({
          state: change.to,
          state_reason: change.reason ?? null,
          updated_at: change.at,
          paused_by_runner: change.pausedByRunner === true,
          ...(finished ? { finished_at: change.at } : {}),
        })
        .returning('id');
      if (!row) return this.refused(tx, id);
      if (change.skipPending !== undefined) {
        await tx('campaign_datasets')
          .where({ campaign_id: id, state: 'pending' })
          .update({
            state: 'skipped',
            reason: change.skipPending,
            finished_at: change.at,
          });
        await this.snapshot(tx, id, change.at);
      }
      // A wave the policy stopped runs again; its failures so far (and those of a
      // running wave, should the pause have landed without the wave's) are
      // accepted; given the failures the person saw, only those, so one that
      // landed since trips the policy again.
      if (pausedByRunner) {
        const seen = change.failedSeen ? [...change.failedSeen] : null;
        await tx.raw(
          `UPDATE campaign_waves w
              SET state = 'running',
                  failures_accepted = (
                    SELECT count(*) FROM campaign_datasets d
                     WHERE d.campaign_id = w.campaign_id
                       AND d.wave_index = w.wave_index AND d.state = ANY(?)
                       AND (?::text[] IS NULL OR d.entity_ref = ANY(?::text[])))
            WHERE w.campaign_id = ? AND w.state IN ('failed', 'running')`,
          [FAILED, seen, seen, id],
        );
      }
      // By the key, one lookup a dataset: a campaign may hold thousands.
      for (const [column, refs] of Object.entries(
        revokedColumns(change.revokeRights),
      ))
        if (refs.length > 0)
          await tx('campaign_datasets')
            .where({ campaign_id: id })
            .whereRaw('entity_ref = ANY(?::text[])', [refs])
            .update({ [column]: false });
      await change.inTransaction?.(asStoreTransaction(tx));
      return {
        changed: true as const,
        ...(change.acceptFailures ? { acceptedFailures: pausedByRunner } : {}),
      };
    });
  }

  private async refused(
    tx: Knex.Transaction,
    id: string,
  ): Promise<CampaignTransitionResult> {
    const current = await tx<CampaignRow>('campaigns')
      .where({ id })
      .first('state');
    return { changed: false, ...(current ? { current: current.state } : {}) };
  }

  async campaignsAwaitingLooks(): Promise<string[]> {
    // A succeeded, uncontracted migration of a campaign that is not running
    // still needs a look when its wave was rolled back (the rollback is asked by
    // a look) or, once the campaign completed, when its contract is the
    // starter's to ask. So does a migration of a paused or aborted campaign that
    // ended with no look to record its end (the one its end asks for was lost).
    // The campaign's row decides nothing here: a look does.
    const { rows } = await this.knex.raw<{ rows: { id: string }[] }>(
      `SELECT c.id FROM campaigns c WHERE c.state = 'running'
       UNION
       SELECT d.campaign_id FROM campaign_datasets d
         JOIN campaigns c ON c.id = d.campaign_id
         JOIN migrations m ON m.id = d.migration_id
        WHERE c.state IN ('paused', 'aborted') AND d.state = 'migrating'
          AND m.status NOT IN (${ACTIVE_MIGRATION_STATUSES.map(
            status => `'${status}'`,
          ).join(', ')})
       UNION
       SELECT d.campaign_id FROM campaign_datasets d
         JOIN campaigns c ON c.id = d.campaign_id
         JOIN migrations m ON m.id = d.migration_id
        WHERE c.state IN ('paused', 'completed', 'aborted')
          AND m.status = 'succeeded' AND m.contracted_at IS NULL
          AND (EXISTS (SELECT 1 FROM campaign_waves w
                        WHERE w.campaign_id = d.campaign_id
                          AND w.wave_index = d.wave_index
                          AND w.state = 'rolled-back'
                          AND d.starter_may_roll_back)
               OR (c.state = 'completed' AND d.starter_may_contract))`,
    );
    return rows.map(row => row.id);
  }

  async isPausedByRunner(id: string): Promise<boolean> {
    const row = await this.knex<CampaignRow>('campaigns')
      .where({ id })
      .first('state', 'paused_by_runner');
    return row?.state === 'paused' && row.paused_by_runner;
  }

  async refreshPauseReason(
    id: string,
    change: { from: string; to: string },
    executor?: StoreTransaction,
  ): Promise<boolean> {
    const updated = await knexOf(executor ?? this.knex)<CampaignRow>(
      'campaigns',
    )
      .where({
        id,
        state: 'paused',
        paused_by_runner: true,
        state_reason: change.from,
      })
      .update({ state_reason: change.to });
    return updated > 0;
  }

  async updateDatasets(
    id: string,
    updates: CampaignDatasetUpdate[],
    at: Date,
    executor?: StoreTransaction,
  ): Promise<number> {
    if (updates.length === 0) return 0;
    const knex = knexOf(executor ?? this.knex);
    return knex.transaction(async tx => {
      const applied = await this.applyDatasetUpdates(tx, id, updates, at);
      if (applied > 0) await this.snapshot(tx, id, at);
      return applied;
    });
  }

  async updateDatasetStates(
    id: string,
    updates: CampaignDatasetUpdate[],
    at: Date,
    executor?: StoreTransaction,
  ): Promise<number> {
    if (updates.length === 0) return 0;
    const knex = knexOf(executor ?? this.knex);
    return this.applyDatasetUpdates(knex, id, updates, at);
  }

  /**
   * One statement for all the updates (a look's outcomes, a wave's skips): one
   * round trip, however many changed. Each row is a compare-and-set on its own
   * `from`; a dataset named twice is updated in order, one statement each.
   */
  private async applyDatasetUpdates(
    knex: Knex,
    id: string,
    updates: CampaignDatasetUpdate[],
    at: Date,
  ): Promise<number> {
    const refs = updates.map(u => u.entityRef);
    if (new Set(refs).size < refs.length) {
      let applied = 0;
      for (const update of updates)
        applied += await this.applyDatasetUpdates(knex, id, [update], at);
      return applied;
    }
    const { rowCount } = await knex.raw(
      `UPDATE campaign_datasets d
          SET state = u.to_state, reason = u.reason,
              finished_at = CASE WHEN u.ended THEN :at::timestamptz END
         FROM unnest(:refs::text[], :froms::text[], :tos::text[], :reasons::text[],
                     :ended::boolean[])
              AS u(entity_ref, from_state, to_state, reason, ended)
        WHERE d.campaign_id = :id AND d.entity_ref = u.entity_ref
          AND d.state = u.from_state`,
      {
        id,
        at,
        refs,
        froms: updates.map(u => u.from),
        tos: updates.map(u => u.to),
        reasons: updates.map(u => u.reason ?? null),
        ended: updates.map(u => u.to !== 'pending' && u.to !== 'migrating'),
      },
    );
    return rowCount ?? 0;
  }

  async recordProgress(
    id: string,
    at: Date,
    options: { minIntervalMs?: number } = {},
  ): Promise<Date | undefined> {
    const minIntervalMs = options.minIntervalMs ?? 0;
    const known = this.recordedAt.get(id);
    if (minIntervalMs > 0 && known !== undefined) {
      const due = known + minIntervalMs;
      if (at.getTime() < due) return new Date(due);
    }
    const { due, lastAt } = await this.knex.transaction(tx =>
      this.snapshot(tx, id, at, minIntervalMs),
    );
    // Known once committed.
    if (lastAt !== undefined) this.recordedAt.set(id, lastAt);
    return due;
  }

  async updateWave(
    id: string,
    index: number,
    change: {
      from: readonly CampaignWaveState[];
      to: CampaignWaveState;
      at: Date;
      soakedAt?: Date;
    },
    executor?: StoreTransaction,
  ): Promise<boolean> {
    const ended = ['healthy', 'failed', 'rolled-back'].includes(change.to);
    const knex = knexOf(executor ?? this.knex);
    const updated = await knex('campaign_waves')
      .where({ campaign_id: id, wave_index: index })
      .whereRaw('state = ANY(?)', [[...change.from]])
      .update({
        state: change.to,
        ...(change.to === 'running'
          ? {
              started_at: knex.raw('coalesce(started_at, ?)', [change.at]),
            }
          : {}),
        ...(change.soakedAt ? { soaked_at: change.soakedAt } : {}),
        ...(ended ? { finished_at: change.at } : {}),
      });
    return updated > 0;
  }

  async claimDatasetStart(
    executor: StoreTransaction,
    claim: {
      campaignId: string;
      entityRef: string;
      migrationId: string;
      concurrency: number;
      at: Date;
      rightsRead?: { mayStart: boolean; mayApprove: boolean };
    },
  ): Promise<void> {
    const tx = knexOf(executor);
    // The campaign row's lock makes concurrent ticks, and a pause or abort, take turns.
    // Not FOR UPDATE: this transaction's migration row, and a progress record being
    // written, hold the row's key share (their foreign keys), which FOR UPDATE would
    // wait on while they wait on us: a deadlock between two looks at once.
    const campaign = await tx<CampaignRow>('campaigns')
      .where({ id: claim.campaignId })
      .forNoKeyUpdate()
      .first('state');
    if (campaign?.state !== 'running')
      throw new CampaignStartRefused(
        `the campaign is ${campaign?.state ?? 'gone'}`,
        true,
      );
    // A resume narrows the rights under this lock: a look that read them before
    // must not start or approve with what it read (the next look reads them again).
    if (claim.rightsRead) {
      const now = await tx('campaign_datasets')
        .where({ campaign_id: claim.campaignId, entity_ref: claim.entityRef })
        .first('starter_may_start', 'starter_may_approve');
      if (
        now &&
        ((now.starter_may_start === true) !== claim.rightsRead.mayStart ||
          (now.starter_may_approve === true) !== claim.rightsRead.mayApprove)
      )
        throw new CampaignStartRefused(
          `the rights recorded for dataset ${claim.entityRef} changed since this look read them`,
        );
    }
    // Counted and claimed in one statement (one snapshot, taken after the lock above).
    const {
      rows: [{ running, claimed }],
    } = await tx.raw(
      `WITH running AS (
         SELECT count(*)::int AS n FROM campaign_datasets
          WHERE campaign_id = :campaignId AND state = 'migrating'
       ), claimed AS (
         UPDATE campaign_datasets
            SET state = 'migrating', migration_id = :migrationId,
                started_at = :at, reason = NULL
          WHERE campaign_id = :campaignId AND entity_ref = :entityRef
            AND state = 'pending'
            AND (SELECT n FROM running) < :concurrency
          RETURNING 1
       )
       SELECT (SELECT n FROM running) AS running,
              (SELECT count(*)::int FROM claimed) AS claimed`,
      {
        campaignId: claim.campaignId,
        entityRef: claim.entityRef,
        migrationId: claim.migrationId,
        at: claim.at,
        concurrency: claim.concurrency,
      },
    );
    if (running >= claim.concurrency)
      throw new CampaignStartRefused(
        `${running} of the campaign's migrations are running (concurrency ${claim.concurrency})`,
        true,
      );
    if (claimed === 0)
      throw new CampaignStartRefused(
        `dataset ${claim.entityRef} was started or skipped meanwhile`,
      );
    // No progress record: pending and migrating are both outstanding, and a
    // migration just created has discovered no consumers, so nothing it counts
    // changed (and the campaign's lock is held no longer than the claim needs).
  }

  async markContractRequested(
    id: string,
    entityRef: string,
    at: Date,
    askedBefore: Date,
    executor?: StoreTransaction,
  ): Promise<boolean> {
    const knex = knexOf(executor ?? this.knex);
    const updated = await knex('campaign_datasets')
      .where({ campaign_id: id, entity_ref: entityRef })
      .where(q =>
        q
          .whereNull('contract_requested_at')
          .orWhere('contract_requested_at', '<', askedBefore),
      )
      .update({ contract_requested_at: at });
    return updated > 0;
  }

  async getHeader(id: string) {
    const row = await this.knex<CampaignRow>('campaigns')
      .where({ id })
      .first('name', 'title', 'owner');
    return row && { name: row.name, title: row.title, owner: row.owner };
  }

  /**
   * Records the outstanding work now, when it differs from the last record: datasets
   * not yet moved, and consumers not yet moved (those of a migration's ledger once
   * discovered, the plan's count before).
   */
  private async snapshot(
    knex: Knex,
    id: string,
    at: Date,
    minIntervalMs = 0,
  ): Promise<{ due?: Date; lastAt?: number }> {
    // Always inside a transaction: two at once for a campaign take turns, so the
    // second compares with the first's record instead of writing the same twice.
    await knex.raw(`SELECT pg_advisory_xact_lock(hashtextextended(?, 0))`, [
      `campaign_progress:${id}`,
    ]);
    const last = await knex('campaign_progress')
      .where({ campaign_id: id })
      .orderBy('id', 'desc')
      .first('at', 'datasets_outstanding', 'consumers_outstanding');
    // Counting costs a pass over the fleet and its ledgers: a look soon after
    // the last record leaves it to a later one.
    const lastAt = last ? new Date(last.at).getTime() : undefined;
    const due = lastAt !== undefined ? lastAt + minIntervalMs : undefined;
    if (due !== undefined && at.getTime() < due)
      return { due: new Date(due), lastAt };
    // Counted in SQL: every look records progress, and reading each dataset's row
    // for two numbers cost more with every dataset of the fleet.
    const {
      rows: [outstanding],
    } = await knex.raw(
      `SELECT (count(*) FILTER (WHERE d.state = ANY(:outstanding)))::int AS datasets,
              coalesce(sum(CASE WHEN d.state = 'skipped' THEN 0
                                WHEN c.total > 0 THEN c.total - c.moved
                                ELSE d.planned_consumers END), 0)::int AS consumers
         FROM campaign_datasets d
         LEFT JOIN LATERAL (
           SELECT count(*) AS total,
                  count(*) FILTER (WHERE mc.state = ANY(:moved)) AS moved
             FROM migration_consumers mc WHERE mc.migration_id = d.migration_id
         ) c ON d.migration_id IS NOT NULL
        WHERE d.campaign_id = :id`,
      { id, outstanding: OUTSTANDING, moved: [...MOVED_CONSUMER_STATES] },
    );
    const datasetsOutstanding: number = outstanding.datasets;
    const consumersOutstanding: number = outstanding.consumers;
    if (
      last?.datasets_outstanding === datasetsOutstanding &&
      last?.consumers_outstanding === consumersOutstanding
    )
      return { lastAt };
    await knex('campaign_progress').insert({
      campaign_id: id,
      at,
      datasets_outstanding: datasetsOutstanding,
      consumers_outstanding: consumersOutstanding,
    });
    return { lastAt: at.getTime() };
  }
}

/** Taken (for the transaction) by whatever checks and writes which datasets campaigns hold. */
async function lockCampaignDatasets(tx: Knex.Transaction): Promise<void> {
  await tx.raw(`SELECT pg_advisory_xact_lock(hashtextextended(?, 0))`, [
    'dataset-migrations:campaign-datasets',
  ]);
}

/**
 * A wave as people should read it: one its campaign left unfinished says so rather
 * than "soaking" or "running" towards a next wave that will not come (or not yet).
 */
function shownWaveState(
  campaign: CampaignState,
  wave: CampaignWaveState,
): CampaignWaveProgress['state'] {
  const unfinished = ['pending', 'running', 'soaking'].includes(wave);
  if (campaign === 'aborted' && unfinished) return 'aborted';
  if (campaign === 'paused' && (wave === 'running' || wave === 'soaking'))
    return 'paused';
  return wave;
}

/** Consumers still to move: the ledger's once discovered, the plan's before. */
function outstandingConsumers(dataset: DatasetRow): number {
  if (dataset.state === 'skipped') return 0;
  if (dataset.consumers_total > 0)
    return dataset.consumers_total - dataset.consumers_moved;
  return dataset.planned_consumers;
}

/** "migration <id> failed: <why>"; a cancel's or rejection's words ("was rejected: …") are a person's, and stay. */
const COPIED_FAILURE = /^(migration [0-9a-f-]{36} failed): [\s\S]*$/;

/**
 * A dataset's reason as anyone who may read the campaign reads it. Reasons
 * recorded before 2026-12-06, or by a replica running older code during an
 * upgrade, copied why the run failed ("migration <id> failed: <why>"), which may
 * quote the dataset's rows: the run shows that only to who may see them.
 */
function shownReason(reason: string): string {
  return reason.replace(COPIED_FAILURE, '$1');
}

function toDatasetProgress(d: DatasetRow): CampaignDatasetProgress {
  return {
    entityRef: d.entity_ref,
    wave: d.wave_index,
    position: d.position,
    ...(d.owner ? { owner: d.owner } : {}),
    criticality: d.criticality,
    state: d.state,
    ...(d.migration_id ? { migrationId: d.migration_id } : {}),
    ...(d.migration_status ? { migrationStatus: d.migration_status } : {}),
    ...(d.reason ? { reason: shownReason(d.reason) } : {}),
    ...(d.started_at ? { startedAt: iso(d.started_at) } : {}),
    ...(d.finished_at ? { finishedAt: iso(d.finished_at) } : {}),
    consumersMoved: d.consumers_moved,
    consumersOutstanding: outstandingConsumers(d),
  };
}

function toSummary(
  row: CampaignRow,
  counts: CampaignSummary['counts'] | undefined,
): CampaignSummary {
  return {
    id: row.id,
    name: row.name,
    title: row.title,
    owner: row.owner,
    deadline: iso(row.deadline)!,
    state: row.state,
    ...(row.state_reason ? { stateReason: row.state_reason } : {}),
    ...(row.state === 'paused' && row.paused_by_runner
      ? { pausedByFailurePolicy: true as const }
      : {}),
    createdBy: row.created_by,
    createdAt: iso(row.created_at)!,
    ...(row.started_at ? { startedAt: iso(row.started_at) } : {}),
    ...(row.finished_at ? { finishedAt: iso(row.finished_at) } : {}),
    counts: counts ?? { datasets: 0, done: 0, failed: 0, rolledBack: 0 },
  };
}

function emptyPlan(document: CampaignDocument): CampaignPlan {
  return {
    document,
    waves: [],
    skipped: [],
    byOwner: [],
    totals: { datasets: 0, consumers: 0, pullRequests: 0 },
  };
}

/**
 * The columns a resume sets false, and on which datasets. Not a rollback's: the
 * failure policy's undoing of the campaign's own change, which a resume must not
 * cancel for a wave already rolled back, nor for the next one that trips (found
 * by a review, 2026-12-07).
 */
function revokedColumns(revoked?: RevokedRights): Record<string, string[]> {
  if (!revoked) return {};
  return {
    starter_may_start: revoked.start,
    starter_may_approve: revoked.approve,
    starter_may_contract: revoked.contract,
  };
}
