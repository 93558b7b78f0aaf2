import { isMap, isScalar, isSeq, parse, parseDocument } from 'yaml';
import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';

/**
 * What a consumer's own dbt project says its names mean: `ref('x')` is the
 * project's model `x` when it has one, and `source('s', 't')` is the relation its
 * sources file declares (the source's `schema:`, by default its name, and the
 * table's `identifier:`, by default its name). Read before anything is called the
 * dataset, so a model or a source in another schema that shares the dataset's
 * table name is never taken for it.
 */
export interface DbtProject {
  /** Names of the project's models (its `.sql` files under its model paths). */
  models: ReadonlySet<string>;
  /** `source.table` → the relation it names in the warehouse. */
  sources: ReadonlyMap<string, { schema: string; identifier: string }>;
}

export function dbtProjectOf(files: ChangedFile[]): DbtProject {
  return { models: modelNames(files), sources: declaredSources(files) };
}

/** The key of a source table in {@link DbtProject.sources}. */
export function sourceKey(source: string, table: string): string {
  return `${source}.${table}`;
}

function modelNames(files: ChangedFile[]): Set<string> {
  // dbt_project.yml's model-paths (default `models`), relative to the project's
  // directory; without one, any `models/` directory, as the dbt default.
  const roots: string[] = [];
  for (const file of files) {
    const match = /^(.*\/)?dbt_project\.ya?ml$/.exec(file.path);
    if (!match) continue;
    const dir = match[1] ?? '';
    let paths: unknown;
    try {
      paths = (parse(file.content) as Record<string, unknown> | null)?.[
        'model-paths'
      ];
    } catch {
      paths = undefined;
    }
    const list = Array.isArray(paths)
      ? paths.filter((p): p is string => typeof p === 'string')
      : ['models'];
    roots.push(...list.map(p => `${dir}${p.replace(/^\.\/|\/$/g, '')}/`));
  }
  const names = new Set<string>();
  for (const file of files) {
    const name = /(?:^|\/)([^/]+)\.sql$/i.exec(file.path)?.[1];
    if (!name) continue;
    const inModels =
      roots.length > 0
        ? roots.some(root => file.path.startsWith(root))
        : /(^|\/)models\//.test(file.path);
    if (inModels) names.add(name);
  }
  return names;
}

function declaredSources(
  files: ChangedFile[],
): Map<string, { schema: string; identifier: string }> {
  const sources = new Map<string, { schema: string; identifier: string }>();
  for (const file of files) {
    if (!/\.ya?ml$/i.test(file.path) || !file.content.includes('sources'))
      continue;
    const doc = parseDocument(file.content);
    if (doc.errors.length > 0) continue;
    const list = doc.get('sources');
    if (!isSeq(list)) continue;
    for (const source of list.items) {
      if (!isMap(source)) continue;
      const name = scalar(source.get('name', true));
      if (!name) continue;
      const schema = scalar(source.get('schema', true)) ?? name;
      const tables = source.get('tables');
      if (!isSeq(tables)) continue;
      for (const table of tables.items) {
        if (!isMap(table)) continue;
        const tableName = scalar(table.get('name', true));
        if (!tableName) continue;
        sources.set(sourceKey(name, tableName), {
          schema,
          identifier: scalar(table.get('identifier', true)) ?? tableName,
        });
      }
    }
  }
  return sources;
}

function scalar(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === 'string'
    ? node.value
    : undefined;
}
