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
  /** The project's macro files (under its macro paths), which models may call. */
  macros: ChangedFile[];
  /** `vars:` of dbt_project.yml, which `var()` reads. */
  vars: Record<string, unknown>;
}

export function dbtProjectOf(files: ChangedFile[]): DbtProject {
  const projects = projectFiles(files);
  return {
    models: modelNames(files, projects),
    sources: declaredSources(files),
    macros: underPaths(files, projects, 'macro-paths', 'macros').filter(f =>
      /\.sql$/i.test(f.path),
    ),
    vars: Object.assign(
      {},
      ...projects.map(p => (isRecord(p.settings.vars) ? p.settings.vars : {})),
    ),
  };
}

interface ProjectFile {
  /** The project's directory, with a trailing slash (or empty at the root). */
  dir: string;
  settings: Record<string, unknown>;
}

function projectFiles(files: ChangedFile[]): ProjectFile[] {
  const projects: ProjectFile[] = [];
  for (const file of files) {
    const match = /^(.*\/)?dbt_project\.ya?ml$/.exec(file.path);
    if (!match) continue;
    let settings: unknown;
    try {
      settings = parse(file.content);
    } catch {
      settings = undefined;
    }
    projects.push({
      dir: match[1] ?? '',
      settings: isRecord(settings) ? settings : {},
    });
  }
  return projects;
}

/**
 * Files under the projects' `key` paths (default `fallback`), relative to each
 * project's directory; without a project file, any `fallback/` directory.
 */
function underPaths(
  files: ChangedFile[],
  projects: ProjectFile[],
  key: string,
  fallback: string,
): ChangedFile[] {
  const roots = projects.flatMap(({ dir, settings }) => {
    const paths = settings[key];
    const list = Array.isArray(paths)
      ? paths.filter((p): p is string => typeof p === 'string')
      : [fallback];
    return list.map(p => `${dir}${p.replace(/^\.\/|\/$/g, '')}/`);
  });
  const anywhere = new RegExp(`(^|/)${fallback}/`);
  return files.filter(file =>
    roots.length > 0
      ? roots.some(root => file.path.startsWith(root))
      : anywhere.test(file.path),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** The key of a source table in {@link DbtProject.sources}. */
export function sourceKey(source: string, table: string): string {
  return `${source}.${table}`;
}

function modelNames(
  files: ChangedFile[],
  projects: ProjectFile[],
): Set<string> {
  const names = new Set<string>();
  for (const file of underPaths(files, projects, 'model-paths', 'models')) {
    const name = /(?:^|\/)([^/]+)\.sql$/i.exec(file.path)?.[1];
    if (name) names.add(name);
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
