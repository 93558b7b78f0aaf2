import {
  isMap,
  isNode,
  isScalar,
  isSeq,
  parseDocument,
  visit,
  type Scalar,
} from 'yaml';
import type { FileImpact } from '@dataset-migrations/plugin-dataset-migrations-common';
import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';
import { positionOf } from '../../sql/sqlParser';
import { resolvedSources } from './dbtProject';
import type { DatasetTarget } from './datasetTarget';
import type { DatasetRelationName } from './fieldMapping';
import type { RewrittenFile } from './rewriteSql';

/** A file that may declare dbt sources. */
export function isYamlPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

/**
 * Points the dbt sources a project declares for a renamed dataset at its new
 * table. The source table keeps its name, so models' `{{ source('s', 't') }}`
 * calls, tests and docs stay as they are, and its `identifier:` (the table's
 * name in the warehouse, dbt's own way to say so) becomes the new name: an
 * existing `identifier:` is rewritten, else one is added under the entry's
 * `name:`. The rest of the file is left as it was. A source's schema is set per
 * source, not per table, so a dataset moved to another schema needs a person.
 * Undefined when the file declares no source for the dataset: one at its
 * schema (the source's `schema:`, by default its name) and table.
 */
export function rewriteDbtSources(
  file: ChangedFile,
  target: DatasetTarget,
  renamedTo: DatasetRelationName,
): RewrittenFile | undefined {
  if (!isYamlPath(file.path)) return undefined;
  const { content } = file;
  const doc = parseDocument(content);
  if (doc.errors.length > 0) return undefined;
  const sources = doc.get('sources');
  if (!isSeq(sources)) return undefined;
  // As dbt's YAML reads it: anchors, aliases and merge keys (`<<: *defaults`)
  // resolved, which the document's own nodes leave unresolved.
  const resolved = resolvedSources(content);
  const edits: Array<{ at: number; end: number; text: string }> = [];
  const found: number[] = [];
  let problem: FileImpact['problem'];
  for (const [i, source] of sources.items.entries()) {
    if (!isMap(source)) continue;
    const read = resolved[i];
    // dbt reads a source's tables in its `schema:`, by default the schema named
    // like the source: `- name: shop` without one is `shop.t`, not the dataset.
    const schema = read?.schema ?? read?.name;
    if (schema !== target.schema) continue;
    const tables = source.get('tables');
    if (!isSeq(tables)) continue;
    for (const [j, table] of tables.items.entries()) {
      const readTable = read?.tables?.[j];
      const physicalName = readTable?.identifier ?? readTable?.name;
      if (physicalName !== target.table) continue;
      const name = isMap(table)
        ? (table.get('name', true) as Scalar | undefined)
        : undefined;
      const identifier = isMap(table)
        ? (table.get('identifier', true) as Scalar | undefined)
        : undefined;
      const physical = identifier ?? name;
      if (
        !isMap(table) ||
        !isScalar(physical) ||
        physical.value !== target.table ||
        hasAlias(table)
      ) {
        const at = (isNode(table) ? table.range ?? [0] : [0])[0];
        found.push(at);
        problem ??= {
          message: `${file.path} declares ${target.table} as a dbt source through YAML anchors, aliases or merge keys, which the rewriter does not edit; point it at ${renamedTo.table} (its identifier:)`,
          position: positionOf(content, at),
        };
        continue;
      }
      const at = (physical.range ?? [0])[0];
      found.push(at);
      if (renamedTo.schema !== target.schema) {
        problem ??= {
          message: `${file.path} declares ${target.table} in a dbt source of schema ${target.schema}; the migration moves it to ${renamedTo.schema}.${renamedTo.table}, and dbt sets a schema per source, not per table: declare it in a source for ${renamedTo.schema}`,
          position: positionOf(content, at),
        };
        continue;
      }
      if (identifier && isScalar(identifier) && identifier.range) {
        edits.push({
          at: identifier.range[0],
          end: identifier.range[1],
          text: yamlString(renamedTo.table, identifier.type),
        });
        continue;
      }
      const keyNode = table.items.find(
        pair => isScalar(pair.key) && pair.key.value === 'name',
      )?.key as Scalar | undefined;
      if (table.flow || !keyNode?.range || !name?.range) {
        problem ??= {
          message: `${file.path} declares ${target.table} as a dbt source in a form the rewriter does not edit; add \`identifier: ${renamedTo.table}\` to it`,
          position: positionOf(content, at),
        };
        continue;
      }
      // A new line under `name:`, at its indentation, after anything on that line.
      const lineStart = content.lastIndexOf('\n', keyNode.range[0] - 1) + 1;
      const indent = ' '.repeat(keyNode.range[0] - lineStart);
      let lineEnd = content.indexOf('\n', name.range[1]);
      if (lineEnd < 0) lineEnd = content.length;
      const crlf = content[lineEnd - 1] === '\r';
      const insertAt = crlf ? lineEnd - 1 : lineEnd;
      edits.push({
        at: insertAt,
        end: insertAt,
        text: `${crlf ? '\r\n' : '\n'}${indent}identifier: ${yamlString(
          renamedTo.table,
        )}`,
      });
    }
  }
  if (found.length === 0) return undefined;
  const lines = [...new Set(found.map(at => positionOf(content, at).line))];
  if (problem) {
    return {
      path: file.path,
      content,
      status: 'needs-decision',
      impact: {
        path: file.path,
        status: 'needs-decision',
        fields: [],
        lines,
        problem,
      },
    };
  }
  let rewritten = content;
  for (const edit of [...edits].sort((a, b) => b.at - a.at))
    rewritten =
      rewritten.slice(0, edit.at) + edit.text + rewritten.slice(edit.end);
  const check = parseDocument(rewritten);
  if (check.errors.length > 0) {
    return {
      path: file.path,
      content,
      status: 'unparseable',
      impact: {
        path: file.path,
        status: 'unparseable',
        fields: [],
        lines,
        problem: {
          message: `the rewrite of ${file.path} did not parse back (${check.errors[0].message}); no patch was produced`,
        },
      },
    };
  }
  return {
    path: file.path,
    content: rewritten,
    status: 'rewritten',
    impact: { path: file.path, status: 'rewritten', fields: [], lines },
  };
}

/** Whether a YAML node holds an alias (`*anchor`, or a merge key's `<<: *anchor`). */
function hasAlias(node: Parameters<typeof visit>[0]): boolean {
  let found = false;
  visit(node, {
    Alias: () => {
      found = true;
      return visit.BREAK;
    },
  });
  return found;
}

/** A YAML scalar for a table name: plain unless YAML would read it as something else. */
function yamlString(value: string, style?: Scalar['type']): string {
  if (style === 'QUOTE_DOUBLE') return JSON.stringify(value);
  if (
    style === 'QUOTE_SINGLE' ||
    /^(?:true|false|yes|no|on|off|y|n|null|~)$/i.test(value)
  )
    return `'${value}'`;
  return value;
}
