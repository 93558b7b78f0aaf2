import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';
import { namesWord, type DatasetTarget } from './analyzeSql';
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
  const render = (template: string) =>
    renderDbtModel(template, {
      project,
      relation: () => {
        throw new Error('it names a relation');
      },
      targetSchema: target.schema,
      self: '',
      contextFree: true,
    });
  // Alone, an expression sees only what is global: where the model binds a name
  // itself, it would render otherwise in place.
  const bound = boundNames(file.content);
  for (const name of bound) {
    const global = render(`{% if ${name} is defined %}1{% endif %}`);
    if (!('sql' in global) || global.sql !== '') return result;
  }
  const rendered = withRenderedExpressions(file.content, expression => {
    if ([...bound].some(name => namesWord(expression, name))) return undefined;
    const alone = render(expression);
    return 'sql' in alone ? alone.sql : undefined;
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

/** Names a template binds: `{% set a, b = … %}`, `{% macro m(…) %}`, `{% for x in … %}`, `{% with y = … %}`, `… as z`. */
function boundNames(content: string): Set<string> {
  const names = new Set<string>();
  const statement = /\{%-?\s*(set|for|with|macro)\s+([\s\S]*?)-?%\}/g;
  for (const [, keyword, rest] of content.matchAll(statement)) {
    const targets =
      keyword === 'macro'
        ? /^\w+/.exec(rest)?.[0] ?? ''
        : keyword === 'for'
        ? rest.split(/\s+in\s+/)[0]
        : rest.split('=')[0];
    for (const name of targets.match(/[A-Za-z_]\w*/g) ?? []) names.add(name);
  }
  for (const [, name] of content.matchAll(
    /\{%(?:(?!%\})[\s\S])*?\bas\s+([A-Za-z_]\w*)/g,
  ))
    names.add(name);
  return names;
}
