import { posix } from 'node:path';
import { parse, parseDocument } from 'yaml';
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
  /** Names of the project's models (its `.sql` files under its model paths) and its packages'. */
  models: ReadonlySet<string>;
  /** `source.table` → the relation it names in the warehouse. */
  sources: ReadonlyMap<string, { schema: string; identifier: string }>;
  /**
   * Sources declared more than once, at different relations (by two projects of
   * a monorepo, or a project and a package): every relation each names. Which
   * one a model reads depends on its project, which `sources` does not tell.
   */
  sourceAlternatives?: ReadonlyMap<
    string,
    Array<{ schema: string; identifier: string }>
  >;
  /** The project's macro files (under its macro paths), which models may call. */
  macros: ChangedFile[];
  /** `vars:` of dbt_project.yml, which `var()` reads. */
  vars: Record<string, unknown>;
  /** The project's `name:` in dbt_project.yml: `adapter.dispatch` searches it first. */
  name?: string;
  /**
   * Installed packages (`dbt deps` puts each under `dbt_packages/`, or the
   * project's `packages-install-path`), by the `name:` of their own
   * dbt_project.yml: their macros are called as `name.macro(…)`.
   */
  packages: ReadonlyMap<string, DbtPackage>;
  /** Packages packages.yml or dependencies.yml names (hub packages by name, others by what their path or URL ends in). */
  declaredPackages: ReadonlySet<string>;
  /** `dispatch:` of dbt_project.yml: a macro namespace → the packages `adapter.dispatch` searches, in order. */
  dispatch: ReadonlyMap<string, string[]>;
}

export interface DbtPackage {
  /** The package's directory in the repository, with a trailing slash. */
  dir: string;
  macros: ChangedFile[];
}

export function dbtProjectOf(files: ChangedFile[]): DbtProject {
  const all = projectFiles(files);
  // An installed package is a project of its own under another's install path.
  const installed = all.filter(p =>
    all.some(owner => {
      const dir = installPath(owner);
      return owner !== p && dir !== undefined && p.dir.startsWith(dir);
    }),
  );
  const projects = all.filter(p => !installed.includes(p));
  const packages = new Map<string, DbtPackage>();
  for (const p of installed) {
    const name = stringOf(p.settings.name) ?? /([^/]+)\/$/.exec(p.dir)![1];
    packages.set(name, { dir: p.dir, macros: macroFiles(files, [p]) });
  }
  return {
    // In dbt a package's models and sources are the project's too.
    models: modelNames(files, all),
    ...declaredSources(files),
    macros: macroFiles(files, projects),
    vars: Object.assign(
      {},
      ...projects.map(p => (isRecord(p.settings.vars) ? p.settings.vars : {})),
    ),
    name: projects.map(p => stringOf(p.settings.name)).find(Boolean),
    packages,
    declaredPackages: declaredPackages(files, projects),
    dispatch: dispatchOrders(projects),
  };
}

/** Where `dbt deps` installs a project's packages; none in the repository when outside it. */
function installPath({ dir, settings }: ProjectFile): string | undefined {
  const path = stringOf(settings['packages-install-path']) ?? 'dbt_packages';
  return dirIn(dir, path);
}

/**
 * The repository directory (trailing slash; empty at its root) a path in a
 * project's dbt_project.yml names, normalised so `../x`, `./x/` and `x` meet the
 * paths files have. Undefined when it leaves the repository (absolute, or `..`
 * past its root): no file read here is there.
 */
function dirIn(projectDir: string, path: string): string | undefined {
  if (posix.isAbsolute(path)) return undefined;
  const dir = posix.join(projectDir || '.', path).replace(/\/+$/, '');
  if (dir === '..' || dir.startsWith('../')) return undefined;
  return dir === '.' ? '' : `${dir}/`;
}

function macroFiles(
  files: ChangedFile[],
  projects: ProjectFile[],
): ChangedFile[] {
  return underPaths(files, projects, 'macro-paths', 'macros').filter(f =>
    /\.sql$/i.test(f.path),
  );
}

/**
 * Package names packages.yml (or dependencies.yml) lists beside the projects:
 * `package: dbt-labs/dbt_utils` is `dbt_utils`; a `git:` or `local:` package is
 * named by its own dbt_project.yml, so the URL's or path's end is only a guess
 * at it, good for saying what is missing, never for resolving a macro.
 */
function declaredPackages(
  files: ChangedFile[],
  projects: ProjectFile[],
): Set<string> {
  const dirs = projects.length > 0 ? projects.map(p => p.dir) : [''];
  const names = new Set<string>();
  for (const file of files) {
    const match = /^(.*\/)?(packages|dependencies)\.ya?ml$/.exec(file.path);
    if (!match || !dirs.includes(match[1] ?? '')) continue;
    let parsed: unknown;
    try {
      parsed = parse(file.content);
    } catch {
      continue;
    }
    const list = isRecord(parsed) ? parsed.packages : undefined;
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      if (!isRecord(entry)) continue;
      const spec =
        stringOf(entry.package) ?? stringOf(entry.git) ?? stringOf(entry.local);
      const name = spec
        ?.replace(/(\.git)?\/*$/, '')
        .split(/[/:]/)
        .pop();
      if (name) names.add(name);
    }
  }
  return names;
}

function dispatchOrders(projects: ProjectFile[]): Map<string, string[]> {
  const orders = new Map<string, string[]>();
  for (const { settings } of projects) {
    if (!Array.isArray(settings.dispatch)) continue;
    for (const entry of settings.dispatch) {
      if (!isRecord(entry)) continue;
      const namespace = stringOf(entry.macro_namespace);
      const order = entry.search_order;
      if (namespace && Array.isArray(order))
        orders.set(
          namespace,
          order.filter((p): p is string => typeof p === 'string'),
        );
    }
  }
  return orders;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
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
    return list.map(p => dirIn(dir, p));
  });
  const anywhere = new RegExp(`(^|/)${fallback}/`);
  return files.filter(file =>
    roots.length > 0
      ? roots.some(root => root !== undefined && file.path.startsWith(root))
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

function declaredSources(files: ChangedFile[]): {
  sources: Map<string, { schema: string; identifier: string }>;
  sourceAlternatives: Map<
    string,
    Array<{ schema: string; identifier: string }>
  >;
} {
  const sources = new Map<string, { schema: string; identifier: string }>();
  const sourceAlternatives = new Map<
    string,
    Array<{ schema: string; identifier: string }>
  >();
  for (const file of files) {
    if (!/\.ya?ml$/i.test(file.path) || !file.content.includes('sources'))
      continue;
    if (parseDocument(file.content).errors.length > 0) continue;
    for (const source of resolvedSources(file.content)) {
      const name = stringOrEmpty(source?.name);
      if (!name) continue;
      const schema = stringOrEmpty(source?.schema) ?? name;
      for (const table of source?.tables ?? []) {
        const tableName = stringOrEmpty(table?.name);
        if (!tableName) continue;
        const key = sourceKey(name, tableName);
        const relation = {
          schema,
          identifier: stringOrEmpty(table?.identifier) ?? tableName,
        };
        const before = sources.get(key);
        const known = sourceAlternatives.get(key) ?? (before ? [before] : []);
        if (
          !known.some(
            r =>
              r.schema === relation.schema &&
              r.identifier === relation.identifier,
          )
        )
          known.push(relation);
        if (known.length > 1) sourceAlternatives.set(key, known);
        sources.set(key, relation);
      }
    }
  }
  return { sources, sourceAlternatives };
}

interface ResolvedSource {
  name?: unknown;
  schema?: unknown;
  tables?: Array<{ name?: unknown; identifier?: unknown } | undefined>;
}

/**
 * A sources file's `sources:` as dbt reads it (PyYAML, YAML 1.1): anchors and
 * aliases resolved, merge keys (`<<: *defaults`) merged. Empty when it does not
 * parse so.
 */
export function resolvedSources(
  content: string,
): Array<ResolvedSource | undefined> {
  try {
    const data = parseDocument(content, { merge: true }).toJS() as unknown;
    const list =
      data && typeof data === 'object'
        ? (data as { sources?: unknown }).sources
        : undefined;
    if (!Array.isArray(list)) return [];
    return list.map(source =>
      source && typeof source === 'object' && !Array.isArray(source)
        ? {
            ...(source as ResolvedSource),
            tables: Array.isArray((source as ResolvedSource).tables)
              ? (source as ResolvedSource).tables!.map(t =>
                  t && typeof t === 'object' ? t : undefined,
                )
              : undefined,
          }
        : undefined,
    );
  } catch {
    return [];
  }
}

function stringOrEmpty(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
