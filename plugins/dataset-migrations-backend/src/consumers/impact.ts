import type {
  ConsumerImpact,
  ConsumerImpactStatus,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';
import type { DatasetTarget } from './sql/analyzeSql';
import type { ConsumerMapping } from './sql/fieldMapping';
import {
  mentionsDataset,
  rewriteSqlFile,
  type RewrittenFile,
} from './sql/rewriteSql';

export interface ConsumerAssessment {
  impact: ConsumerImpact;
  /** Every file that names the dataset, with the rewriter's result. */
  results: RewrittenFile[];
}

/**
 * What one consumer's code reads of the dataset and what the rewriter makes of it:
 * the repository scan (files naming the dataset) followed by a parse of each.
 */
export function assessConsumer(
  files: ChangedFile[],
  target: DatasetTarget,
  mapping: ConsumerMapping,
): ConsumerAssessment {
  const results = files
    .filter(file => mentionsDataset(file.content, target))
    .map(file => rewriteSqlFile(file, target, mapping));
  const statuses = new Set(results.map(r => r.status));
  const status: ConsumerImpactStatus = statuses.has('needs-decision')
    ? 'needs-decision'
    : statuses.has('unparseable')
    ? 'unparseable'
    : statuses.has('rewritten')
    ? 'affected'
    : 'unaffected';
  return {
    impact: {
      status,
      fields: [...new Set(results.flatMap(r => r.impact.fields))].sort(),
      files: results.map(r => r.impact),
    },
    results,
  };
}
