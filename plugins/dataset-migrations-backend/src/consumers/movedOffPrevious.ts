import { applyPatch, parsePatch, reversePatch } from 'diff';
import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';
import { assessConsumer } from './impact';
import type { DatasetTarget } from './sql/analyzeSql';
import type { ConsumerMapping } from './sql/fieldMapping';

/**
 * Whether a consumer's default branch has moved off the previous version after its
 * pull request merged, so that contract cannot break it. Either the branch holds the
 * patched files exactly as proposed, or, when the pull request merged onto a branch
 * that had moved or its owner edited those files since, both hold: every line the
 * patch wrote is still there (context may differ), and nothing on the branch still
 * reads a name of the previous version that the migration renames, retypes in a way
 * readers must follow, or drops.
 */
export function movedOffPrevious(
  onDefault: ChangedFile[],
  patch: { files: ChangedFile[]; diff?: string },
  target: DatasetTarget,
  mapping: ConsumerMapping,
): boolean {
  const contents = new Map(onDefault.map(f => [f.path, f.content]));
  if (patch.files.every(f => contents.get(f.path) === f.content)) return true;
  if (!patch.diff || !holdsWrittenLines(patch.diff, contents)) return false;
  const { results } = assessConsumer(onDefault, target, mapping);
  return results.every(
    r =>
      r.status === 'unaffected' ||
      (r.status === 'needs-decision' &&
        r.impact.fields.every(f => mapping.byField.get(f)?.kind !== 'dropped')),
  );
}

/** Every hunk of `diff` applies in reverse to the branch's files, its context aside. */
function holdsWrittenLines(
  diff: string,
  contents: Map<string, string>,
): boolean {
  return parsePatch(diff).every(filePatch => {
    const path = filePatch.newFileName?.replace(/^b\//, '');
    const content = path === undefined ? undefined : contents.get(path);
    if (content === undefined) return false;
    return (
      applyPatch(content, reversePatch(filePatch), {
        // Only the lines the patch wrote must match; the owner may edit around them.
        compareLine: (_line, line, operation, patchContent) =>
          operation === ' ' || line === patchContent,
      }) !== false
    );
  });
}
