import type { Knex } from 'knex';
import {
  durationMs,
  MOVED_CONSUMER_STATES,
  type CampaignDatasetState,
  type CampaignDocument,
  type CampaignEscalation,
  type CampaignEscalationOwner,
  type ConsumerState,
} from '@dataset-migrations/plugin-dataset-migrations-common';

const TABLE = 'campaign_escalations';
/** Consumers holding nothing back: moved, or their pull request merged. */
const NOT_OUTSTANDING: readonly ConsumerState[] = [
  ...MOVED_CONSUMER_STATES,
  'merged',
];
/** Datasets not yet migrated (skipped ones never will be, by decision). */
const OUTSTANDING_DATASETS: readonly CampaignDatasetState[] = [
  'pending',
  'migrating',
  'failed',
  'rolled-back',
];

/** A consumer or dataset whose owners a campaign tells that its deadline nears. */
export interface EscalationSubject {
  kind: 'consumer' | 'dataset';
  entityRef: string;
  /** Its owning team, as the ledger or the plan recorded it. */
  owner?: string;
  /** The campaign's datasets it holds back. */
  datasets: string[];
}

/** How much is outstanding, per owning team. */
export type EscalationOutstanding = Omit<CampaignEscalation, 'at' | 'lastAt'>;

/** What one round took for one campaign: those it tells now, never before. */
export interface TakenEscalation {
  subjects: EscalationSubject[];
  /** Set when the campaign's owner is told now: everything outstanding. */
  ownerSummary?: EscalationOutstanding;
}

type SubjectRow = {
  kind: EscalationSubject['kind'] | 'owner';
  subject_ref: string;
  owner: string | null;
  datasets: string[];
  taken: boolean;
};

/**
 * Whom campaigns told of their nearing deadline, in the plugin's database. Taking
 * and recording are one statement, so rounds on several replicas, or repeated after
 * a restart, tell each consumer, dataset and campaign owner once.
 */
export class CampaignEscalations {
  constructor(private readonly knex: Knex) {}

  /** Running or paused campaigns whose deadline is within their `escalateBefore` at `now`. */
  async listDue(now: Date): Promise<Array<{ id: string; deadline: Date }>> {
    const rows: Array<{
      id: string;
      deadline: Date;
      document: CampaignDocument;
    }> = await this.knex('campaigns')
      .whereIn('state', ['running', 'paused'])
      .select('id', 'deadline', 'document');
    return rows
      .filter(
        row =>
          new Date(row.deadline).getTime() -
            durationMs(row.document.rollout.pullRequests.escalateBefore) <=
          now.getTime(),
      )
      .map(row => ({ id: row.id, deadline: new Date(row.deadline) }));
  }

  /**
   * Takes the campaign's outstanding consumers (pull request not merged, a decision
   * missing, not yet reached) and datasets (not yet migrated) that were never told,
   * and its owner once anything is outstanding, recording each as told at `at`.
   * Takes nothing of a campaign no longer running or paused.
   */
  async take(campaignId: string, at: Date): Promise<TakenEscalation> {
    const { rows } = await this.knex.raw<{ rows: SubjectRow[] }>(
      `WITH campaign AS (
         SELECT id, owner FROM campaigns
          WHERE id = :id AND state IN ('running', 'paused')
       ), consumers AS (
         SELECT 'consumer'::text AS kind, mc.entity_ref AS subject_ref,
                min(mc.owner) AS owner,
                jsonb_agg(DISTINCT d.entity_ref) AS datasets
           FROM campaign_datasets d
           JOIN migration_consumers mc ON mc.migration_id = d.migration_id
          WHERE d.campaign_id = :id AND d.state <> 'skipped'
            AND NOT (mc.state = ANY(:notOutstanding))
          GROUP BY mc.entity_ref
       ), datasets AS (
         SELECT 'dataset'::text AS kind, d.entity_ref AS subject_ref, d.owner,
                jsonb_build_array(d.entity_ref) AS datasets
           FROM campaign_datasets d
          WHERE d.campaign_id = :id AND d.state = ANY(:outstandingDatasets)
       ), outstanding AS (
         SELECT * FROM consumers UNION ALL SELECT * FROM datasets
       ), subjects AS (
         SELECT * FROM outstanding
         UNION ALL
         SELECT 'owner', c.owner, NULL, '[]'::jsonb FROM campaign c
          WHERE EXISTS (SELECT 1 FROM outstanding)
       ), taken AS (
         INSERT INTO ${TABLE}
                (campaign_id, kind, subject_ref, owner, datasets, escalated_at)
         SELECT :id, kind, subject_ref, owner, datasets, :at FROM subjects
          WHERE EXISTS (SELECT 1 FROM campaign)
         ON CONFLICT (campaign_id, kind, subject_ref) DO NOTHING
         RETURNING kind, subject_ref
       )
       SELECT s.kind, s.subject_ref, s.owner, s.datasets,
              (t.kind IS NOT NULL) AS taken
         FROM subjects s LEFT JOIN taken t USING (kind, subject_ref)
        ORDER BY s.kind, s.subject_ref`,
      {
        id: campaignId,
        at,
        notOutstanding: [...NOT_OUTSTANDING],
        outstandingDatasets: [...OUTSTANDING_DATASETS],
      },
    );
    const subjects: EscalationSubject[] = [];
    const outstanding: EscalationSubject[] = [];
    let ownerTaken = false;
    for (const row of rows) {
      if (row.kind === 'owner') {
        ownerTaken = row.taken;
        continue;
      }
      const subject: EscalationSubject = {
        kind: row.kind,
        entityRef: row.subject_ref,
        ...(row.owner ? { owner: row.owner } : {}),
        datasets: [...row.datasets].sort(),
      };
      outstanding.push(subject);
      if (row.taken) subjects.push(subject);
    }
    return {
      subjects,
      ...(ownerTaken ? { ownerSummary: countByOwner(outstanding) } : {}),
    };
  }
}

/** Whom the campaign told so far, for its page; undefined before anyone was. */
export async function escalationOf(
  knex: Knex,
  campaignId: string,
): Promise<CampaignEscalation | undefined> {
  const rows: Array<{
    kind: EscalationSubject['kind'];
    owner: string | null;
    n: number;
    first: Date;
    last: Date;
  }> = await knex(TABLE)
    .where({ campaign_id: campaignId })
    .whereNot({ kind: 'owner' })
    .groupBy('kind', 'owner')
    .select(
      'kind',
      'owner',
      knex.raw('count(*)::int AS n'),
      knex.raw('min(escalated_at) AS first'),
      knex.raw('max(escalated_at) AS last'),
    );
  if (rows.length === 0) return undefined;
  const times = rows.flatMap(r => [
    new Date(r.first).getTime(),
    new Date(r.last).getTime(),
  ]);
  return {
    at: new Date(Math.min(...times)).toISOString(),
    lastAt: new Date(Math.max(...times)).toISOString(),
    ...countByOwner(
      rows.flatMap(r =>
        Array.from({ length: r.n }, () => ({
          kind: r.kind,
          ...(r.owner ? { owner: r.owner } : {}),
        })),
      ),
    ),
  };
}

/** Consumers and datasets per owning team, the busiest first. */
function countByOwner(
  subjects: Array<Pick<EscalationSubject, 'kind' | 'owner'>>,
): EscalationOutstanding {
  const byOwner = new Map<string, CampaignEscalationOwner>();
  for (const { kind, owner } of subjects) {
    const key = owner ?? '';
    const counts = byOwner.get(key) ?? {
      ...(owner ? { owner } : {}),
      consumers: 0,
      datasets: 0,
    };
    if (kind === 'consumer') counts.consumers++;
    else counts.datasets++;
    byOwner.set(key, counts);
  }
  const teams = [...byOwner.values()].sort(
    (a, b) =>
      b.consumers + b.datasets - (a.consumers + a.datasets) ||
      (a.owner ?? '').localeCompare(b.owner ?? ''),
  );
  return {
    consumers: subjects.filter(s => s.kind === 'consumer').length,
    datasets: subjects.filter(s => s.kind === 'dataset').length,
    byOwner: teams,
  };
}
