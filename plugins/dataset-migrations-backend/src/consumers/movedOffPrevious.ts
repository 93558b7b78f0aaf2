import { applyPatch, parsePatch, reversePatch } from 'diff';
import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';
import { assessConsumer } from './impact';
import type { DatasetTarget } from './sql/datasetTarget';
import type { ConsumerMapping, ReaderMapping } from './sql/fieldMapping';
import type { RewrittenFile } from './sql/rewriteSql';

/** A consumer's patch as recorded: its files, and their unified diff. */
export interface MergedPatch {
  files: ChangedFile[];
  diff?: string;
}

/**
 * Whether a consumer's default branch has moved off the previous version after its
 * pull request merged, so that contract cannot break it. Every patched file is
 * there as proposed (verified before its pull request opened) or, merged onto a
 * branch that moved or edited since, still holds every line the patch wrote
 * (context may differ); and every other file naming the dataset, edited patched
 * files included, reads nothing contract takes away: no name the migration
 * renames, drops or recomputes, no whole-row or opaque read.
 */
export function movedOffPrevious(
  onDefault: ChangedFile[],
  patch: MergedPatch,
  target: DatasetTarget,
  mapping: ConsumerMapping,
): boolean {
  const contents = new Map(onDefault.map(f => [f.path, f.content]));
  const proposed = new Map(patch.files.map(f => [f.path, f.content]));
  const edited = patch.files.filter(f => contents.get(f.path) !== f.content);
  if (edited.length > 0) {
    if (!patch.diff) return false;
    const held = pathsHoldingWrittenLines(patch.diff, contents);
    if (edited.some(f => !held.has(f.path))) return false;
  }
  // Assessed as one project (its dbt models and sources decide what ref() names).
  const { results } = assessConsumer(onDefault, target, mapping);
  return results
    .filter(r => proposed.get(r.path) !== contents.get(r.path))
    .every(r => readsOnlyWhatContractKeeps(r, mapping));
}

function readsOnlyWhatContractKeeps(
  file: RewrittenFile,
  mapping: ConsumerMapping,
): boolean {
  if (file.status === 'unaffected') return true;
  // Flagged for what it reads: fine only if each named field keeps its name and
  // values after contract. No named field means a read nobody can follow.
  const { fields } = file.impact;
  return (
    file.status === 'needs-decision' &&
    fields.length > 0 &&
    fields.every(f => keepsNameAndValues(mapping.byField.get(f), f))
  );
}

function keepsNameAndValues(
  mapping: ReaderMapping | undefined,
  field: string,
): boolean {
  if (mapping?.kind === 'same') return true;
  return (
    mapping?.kind === 'retyped' && mapping.to === field && mapping.widening
  );
}

/** The patched paths on which every hunk of `diff` applies in reverse, context aside. */
function pathsHoldingWrittenLines(
  diff: string,
  contents: Map<string, string>,
): Set<string> {
  const held = new Set<string>();
  for (const filePatch of parsePatch(diff)) {
    const path = filePatch.newFileName?.replace(/^b\//, '');
    const content = path === undefined ? undefined : contents.get(path);
    if (path === undefined || content === undefined) continue;
    const reverted = applyPatch(content, reversePatch(filePatch), {
      // Only the lines the patch wrote must match; the owner may edit around them.
      compareLine: (_line, line, operation, patchContent) =>
        operation === ' ' || line === patchContent,
    });
    if (reverted !== false) held.add(path);
  }
  return held;
}
