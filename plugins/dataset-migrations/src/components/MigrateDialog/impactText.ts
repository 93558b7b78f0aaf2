import type {
  ImpactPreview,
  ImpactPreviewStatus,
} from '@dataset-migrations/plugin-dataset-migrations-common';

const PARTS: Array<[ImpactPreviewStatus, (count: number) => string]> = [
  ['affected', n => `${n} affected`],
  ['needs-decision', n => `${n} ${n === 1 ? 'needs' : 'need'} a decision`],
  ['unparseable', n => `${n} with SQL that does not parse`],
  ['no-repository', n => `${n} without a repository`],
  [
    'repository-not-registered',
    n =>
      `${n} not registered from ${
        n === 1 ? 'the repository it names' : 'the repositories they name'
      }`,
  ],
  [
    'unreachable',
    n =>
      `${n} with ${
        n === 1 ? 'an unreachable repository' : 'unreachable repositories'
      }`,
  ],
  ['behind-previous-version', n => `${n} still behind an earlier migration`],
  [
    'assessment-stopped',
    n => `${n} whose code could not be read within its limits (not known)`,
  ],
  ['unaffected', n => `${n} unaffected`],
];

/** "4 consumers read this dataset: 2 affected, 1 needs a decision, 1 unaffected." */
export function describeImpact(preview: ImpactPreview): string {
  const { consumers, byStatus } = preview;
  if (consumers === 0) return 'No consumers read this dataset.';
  const head =
    consumers === 1
      ? '1 consumer reads this dataset'
      : `${consumers} consumers read this dataset`;
  const parts = PARTS.filter(([status]) => byStatus[status] > 0).map(
    ([status, text]) => text(byStatus[status]),
  );
  return parts.length ? `${head}: ${parts.join(', ')}.` : `${head}.`;
}

/** An affected consumer's status, when it says more than "affected". */
export const AFFECTED_STATUS_TEXT: Partial<
  Record<ImpactPreviewStatus, string>
> = {
  'needs-decision': 'needs a decision',
  unparseable: 'SQL does not parse',
  'behind-previous-version': 'behind an earlier migration',
  'assessment-stopped':
    'its code could not be read within its limits: not known',
};
