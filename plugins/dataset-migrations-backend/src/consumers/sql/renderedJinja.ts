import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';
import type { DatasetTarget } from './analyzeSql';
import { withRenderedExpressions } from './dbtJinja';
import { renderDbtModel } from './dbtRender';
import type { ConsumerMapping } from './fieldMapping';
import { rewriteSqlFile, type RewrittenFile } from './rewriteSql';

/**
 * The rewriter masks dbt Jinja, so Jinja where a column stands (a macro given a
 * changed field's name, a name glued to Jinja) goes to a person: only rendering
 * tells what it reads. Here rendering tells it wherever it can for every run of
 * dbt: each `{{ … }}` expression rendered alone with the project's macros and its
 * packages' (dispatched to their Postgres versions, the engine the dataset is
 * on), reading nothing that depends on how dbt is run (`target`, `var()`,
 * `this`, `is_incremental()`…) and naming no relation; the others stay masked.
 * When the model with those expressions rendered needs neither an edit nor a
 * decision, it reads the same, as plain SQL the rewriter calls unaffected does
 * (a macro that casts an integer widened to `numeric` before dividing it, say);
 * otherwise the decision stands.
 */
export function decideByRendering(
  file: ChangedFile,
  result: RewrittenFile,
  target: DatasetTarget,
  mapping: ConsumerMapping,
): RewrittenFile {
  const project = target.dbt;
  if (result.status !== 'needs-decision' || !project) return result;
  const rendered = withRenderedExpressions(file.content, expression => {
    const render = renderDbtModel(expression, {
      project,
      relation: () => {
        throw new Error('it names a relation');
      },
      targetSchema: target.schema,
      self: '',
      contextFree: true,
    });
    return 'sql' in render ? render.sql : undefined;
  });
  if (rendered === file.content) return result;
  const again = rewriteSqlFile(
    { path: file.path, content: rendered },
    target,
    mapping,
  );
  // Unaffected: the file stays as it is, its Jinja unrendered.
  return again.status === 'unaffected'
    ? { ...again, content: file.content }
    : result;
}
