import { randomUUID } from 'node:crypto';
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

/**
 * How long a round's claim on a notice lasts without a renewal: a round that died
 * sending it is replaced after this. A live round renews its claims as it sends.
 */
export const ESCALATION_CLAIM_MS = 10 * 60_000;

/** One recorded notice: a consumer reached by one campaign migration, a dataset, or the owner. */
export interface EscalationKey {
  kind: EscalationSubject['kind'] | 'owner';
  subjectRef: string;
  /** For a consumer, the campaign migration that reaches it; '' otherwise. */
  migrationId: string;
}

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

/** What one round claimed for one campaign: notices to send now, and their records. */
export interface TakenEscalation {
  /** The round's claim: renews and releases only what it took. */
  claimer: string;
  subjects: Array<EscalationSubject & { keys: EscalationKey[] }>;
  /** Set when the campaign's owner is told now: everything outstanding. */
  ownerSummary?: EscalationOutstanding & { keys: EscalationKey[] };
}

type SubjectRow = {
  kind: EscalationKey['kind'];
  subject_ref: string;
  migration_id: string;
  owner: string | null;
  datasets: string[];
};

/**
 * Whom a campaign has outstanding at this moment: a row per consumer and campaign
 * migration reaching it (pull request not merged, a decision missing, not yet
 * reached), per dataset not yet migrated, and its owner's once anything is.
 * Nothing of a campaign no longer running or paused.
 */
const SUBJECTS = `
  campaign AS (
    SELECT id, owner FROM campaigns
     WHERE id = :id AND state IN ('running', 'paused')
  ), consumers AS (
    SELECT 'consumer'::text AS kind, mc.entity_ref AS subject_ref,
           d.migration_id::text AS migration_id, min(mc.owner) AS owner,
           jsonb_build_array(d.entity_ref) AS datasets
      FROM campaign_datasets d
      JOIN migration_consumers mc ON mc.migration_id = d.migration_id
     WHERE d.campaign_id = :id AND d.state <> 'skipped'
       AND NOT (mc.state = ANY(:notOutstanding))
     GROUP BY mc.entity_ref, d.migration_id, d.entity_ref
  ), datasets AS (
    SELECT 'dataset'::text AS kind, d.entity_ref AS subject_ref, ''::text, d.owner,
           jsonb_build_array(d.entity_ref) AS datasets
      FROM campaign_datasets d
     WHERE d.campaign_id = :id AND d.state = ANY(:outstandingDatasets)
  ), outstanding AS (
    SELECT * FROM consumers UNION ALL SELECT * FROM datasets
  ), subjects AS (
    SELECT * FROM outstanding WHERE EXISTS (SELECT 1 FROM campaign)
    UNION ALL
    SELECT 'owner', c.owner, '', NULL, '[]'::jsonb FROM campaign c
     WHERE EXISTS (SELECT 1 FROM outstanding)
  )`;

/**
 * Whom campaigns tell of their nearing deadline, in the plugin's database, and
 * whether it was delivered. A round records whom it means to tell, claims the
 * unsent notices among them (so rounds on several replicas send each once), sends,
 * and marks each sent; one that could not be sent is released for the next round,
 * and one a dead round claimed is taken again once its claim ran out. At least
 * once, and never again once marked sent.
 */
export class CampaignEscalations {
  /** How long a claim holds without a renewal ({@link ESCALATION_CLAIM_MS} unless a test shortens it). */
  readonly claimMs: number;

  constructor(private readonly knex: Knex, options?: { claimMs?: number }) {
    this.claimMs = options?.claimMs ?? ESCALATION_CLAIM_MS;
  }

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
   * Records the campaign's outstanding subjects not recorded before, and claims
   * (until `at` + {@link claimMs}, under a new claimer) those still outstanding and
   * unsent that no live round holds: what this round sends. A consumer's notice
   * names every campaign dataset it holds back.
   */
  async take(campaignId: string, at: Date): Promise<TakenEscalation> {
    const claimer = randomUUID();
    const bindings = {
      id: campaignId,
      at,
      claimer,
      until: new Date(at.getTime() + this.claimMs),
      notOutstanding: [...NOT_OUTSTANDING],
      outstandingDatasets: [...OUTSTANDING_DATASETS],
    };
    const { rows: outstanding } = await this.knex.raw<{ rows: SubjectRow[] }>(
      `WITH ${SUBJECTS}, recorded AS (
         INSERT INTO ${TABLE}
                (campaign_id, kind, subject_ref, migration_id, owner, datasets, escalated_at)
         SELECT :id, kind, subject_ref, migration_id, owner, datasets, :at FROM subjects
         ON CONFLICT (campaign_id, kind, subject_ref, migration_id) DO NOTHING
       )
       SELECT kind, subject_ref, migration_id, owner, datasets FROM subjects`,
      bindings,
    );
    // A separate statement: the rows recorded just now are visible to it.
    const { rows: claimed } = await this.knex.raw<{ rows: SubjectRow[] }>(
      `WITH ${SUBJECTS}
       UPDATE ${TABLE} e SET claimed_until = :until, claimed_by = :claimer
         FROM subjects s
        WHERE e.campaign_id = :id AND e.kind = s.kind
          AND e.subject_ref = s.subject_ref AND e.migration_id = s.migration_id
          AND e.sent_at IS NULL
          AND (e.claimed_until IS NULL OR e.claimed_until <= :at)
       RETURNING e.kind, e.subject_ref, e.migration_id`,
      bindings,
    );
    const all = bySubject(outstanding.filter(r => r.kind !== 'owner'));
    const keysOf = new Map<string, EscalationKey[]>();
    for (const row of claimed) {
      const id = `${row.kind} ${row.subject_ref}`;
      keysOf.set(id, [
        ...(keysOf.get(id) ?? []),
        {
          kind: row.kind,
          subjectRef: row.subject_ref,
          migrationId: row.migration_id,
        },
      ]);
    }
    const ownerKeys = [...keysOf.entries()].find(([id]) =>
      id.startsWith('owner '),
    )?.[1];
    return {
      claimer,
      subjects: all.flatMap(subject => {
        const keys = keysOf.get(`${subject.kind} ${subject.entityRef}`);
        return keys ? [{ ...subject, keys }] : [];
      }),
      ...(ownerKeys
        ? { ownerSummary: { ...countByOwner(all), keys: ownerKeys } }
        : {}),
    };
  }

  /** The notices were delivered: never sent again. */
  async markSent(
    campaignId: string,
    keys: EscalationKey[],
    at: Date,
  ): Promise<void> {
    await this.whereKeys(campaignId, keys).update({
      sent_at: at,
      claimed_until: null,
      claimed_by: null,
    });
  }

  /**
   * Extends the claimer's live claims on the campaign's unsent notices to `at` +
   * {@link claimMs}; false when it holds none any more (they ran out and another
   * round may have taken them, or all are sent).
   */
  async renew(campaignId: string, claimer: string, at: Date): Promise<boolean> {
    const renewed = await this.knex(TABLE)
      .where({ campaign_id: campaignId, claimed_by: claimer })
      .whereNull('sent_at')
      .where('claimed_until', '>', at)
      .update({ claimed_until: new Date(at.getTime() + this.claimMs) });
    return renewed > 0;
  }

  /** The notices could not be sent: the next round sends them (only if still this claimer's). */
  async release(
    campaignId: string,
    keys: EscalationKey[],
    claimer: string,
  ): Promise<void> {
    await this.whereKeys(campaignId, keys)
      .where({ claimed_by: claimer })
      .whereNull('sent_at')
      .update({ claimed_until: null, claimed_by: null });
  }

  private whereKeys(campaignId: string, keys: EscalationKey[]) {
    return this.knex(TABLE)
      .where({ campaign_id: campaignId })
      .whereIn(
        ['kind', 'subject_ref', 'migration_id'],
        keys.map(k => [k.kind, k.subjectRef, k.migrationId]),
      );
  }
}

/** One subject per consumer or dataset, with every campaign dataset it holds back. */
function bySubject(rows: SubjectRow[]): EscalationSubject[] {
  const subjects = new Map<string, EscalationSubject>();
  for (const row of rows) {
    const id = `${row.kind} ${row.subject_ref}`;
    const subject = subjects.get(id) ?? {
      kind: row.kind as EscalationSubject['kind'],
      entityRef: row.subject_ref,
      ...(row.owner ? { owner: row.owner } : {}),
      datasets: [],
    };
    subject.datasets = [
      ...new Set([...subject.datasets, ...row.datasets]),
    ].sort();
    subjects.set(id, subject);
  }
  return [...subjects.values()].sort(
    (a, b) =>
      a.kind.localeCompare(b.kind) || a.entityRef.localeCompare(b.entityRef),
  );
}

/** Whom the campaign told so far (delivered), for its page; undefined before anyone was. */
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
    .whereNotNull('sent_at')
    .groupBy('kind', 'owner')
    .select(
      'kind',
      'owner',
      // A consumer told for two of the campaign's migrations is one consumer.
      knex.raw('count(DISTINCT subject_ref)::int AS n'),
      knex.raw('min(sent_at) AS first'),
      knex.raw('max(sent_at) AS last'),
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
