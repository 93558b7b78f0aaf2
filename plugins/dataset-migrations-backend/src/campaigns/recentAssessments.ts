import { createHash } from 'node:crypto';
import type { Entity } from '@backstage/catalog-model';
import type { CampaignDocument } from '@dataset-migrations/plugin-dataset-migrations-common';
import type { LiveDataset } from '../services/MigrationPlanner';
import type { Clock } from './CampaignRunner';

/**
 * How long an assessment is reused: a campaign is reviewed, created and started
 * within minutes, each planning every dataset again. Bounded, as the checks not
 * in the fingerprint (views on the table, a name taken) may change meanwhile; the
 * migration's own plan at its start repeats them all, and skips the dataset with
 * the reason if one fails then.
 */
export const ASSESSMENT_REUSED_FOR_MS = 15 * 60_000;
/** Assessments kept at most: a few campaigns' fleets. */
const MAX_KEPT = 20_000;

/**
 * What a dataset's assessment depends on: the dataset as the catalog gave it, its
 * engine and table, current version and live schema (fields and indexes, not the
 * row estimate), and the campaign's changes. Any of them changed, it is planned
 * again.
 */
export function assessmentFingerprint(
  document: Pick<CampaignDocument, 'changes'>,
  entity: Entity,
  live: Pick<LiveDataset, 'location' | 'currentVersion' | 'schema'>,
): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        entity,
        live.location,
        live.currentVersion,
        live.schema.fields,
        live.schema.indexes ?? [],
        document.changes,
      ]),
    )
    .digest('hex');
}

/**
 * Datasets' assessments by fingerprint, reused for {@link ASSESSMENT_REUSED_FOR_MS}
 * in this process (another replica plans for itself); the oldest go first.
 */
export class RecentAssessments<T> {
  private readonly kept = new Map<string, { at: number; value: T }>();

  constructor(private readonly clock?: Clock) {}

  private now(): number {
    return (this.clock?.now() ?? new Date()).getTime();
  }

  get(fingerprint: string): T | undefined {
    const found = this.kept.get(fingerprint);
    if (!found) return undefined;
    if (this.now() - found.at <= ASSESSMENT_REUSED_FOR_MS) return found.value;
    this.kept.delete(fingerprint);
    return undefined;
  }

  set(fingerprint: string, value: T): void {
    // Re-inserted, so the map's order stays the order of age.
    this.kept.delete(fingerprint);
    this.kept.set(fingerprint, { at: this.now(), value });
    for (const oldest of this.kept.keys()) {
      if (this.kept.size <= MAX_KEPT) break;
      this.kept.delete(oldest);
    }
  }
}
