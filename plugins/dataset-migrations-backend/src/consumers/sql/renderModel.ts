import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';
import { jinjaNamesDataset, type DatasetTarget } from './datasetTarget';
import { maskJinja, type JinjaReference } from './dbtJinja';
import { dbtProjectOf, sourceKey } from './dbtProject';
import { renderDbtModel, type DbtRender } from './dbtRender';
import { identifier } from './rewriteSql';

/**
 * Renders a dbt model of the consumer's project as dbt compiles it, with every
 * `ref()` or `source()` of the dataset rendered as `datasetAs`, other models by
 * their names and other sources as the project declares them.
 */
export function renderModel(
  file: ChangedFile,
  target: DatasetTarget,
  datasetAs: string,
  /** Told of each reference to the dataset as it renders (a `ref()` or a `source()`). */
  onDataset?: (reference: JinjaReference) => void,
): DbtRender {
  const project = target.dbt ?? dbtProjectOf([]);
  return renderDbtModel(file.content, {
    project,
    relation: reference => {
      if (jinjaNamesDataset(reference, target)) {
        onDataset?.(reference);
        return datasetAs;
      }
      if (reference.kind === 'ref') return identifier(reference.model);
      const declared = project.sources.get(
        sourceKey(reference.source, reference.table),
      );
      return declared
        ? `${identifier(declared.schema)}.${identifier(declared.identifier)}`
        : `${identifier(reference.source)}.${identifier(reference.table)}`;
    },
    targetSchema: target.schema,
    self: identifier(file.path.replace(/^.*\//, '').replace(/\.sql$/i, '')),
  });
}

/** Whether a file's Jinja is more than `ref()` and `source()`: only rendering tells what it reads. */
export function needsRendering(content: string): boolean {
  return (
    /\{%/.test(content) ||
    [...maskJinja(content).placeholders.values()].some(
      p => p.kind === 'expression',
    )
  );
}
