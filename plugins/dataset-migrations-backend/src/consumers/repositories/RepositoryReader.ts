import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';

/** The files of a consumer's default branch that could read a dataset. */
export interface RepositorySnapshot {
  url: string;
  defaultBranch: string;
  /** The commit of the default branch that was read: a patch made from it is pinned there. */
  commit?: string;
  /**
   * The default branch's commit when this was read, where the reader saw it: a
   * read at a commit that was also the tip serves for the tip.
   */
  tipCommit?: string;
  /** Text files the scan looks at (SQL, dbt, Python, YAML…), by path. */
  files: ChangedFile[];
}

/** Reads consumer repositories and makes working copies of them. */
export interface RepositoryReader {
  supports(url: string): boolean;
  /** The default branch as it is now, or as it was at `commit` (one of its commits). */
  read(url: string, commit?: string): Promise<RepositorySnapshot>;
  /**
   * Clones the default branch, or exactly `commit`, into `dir` for commands and
   * agents to work in: a patch is made, verified and proposed on one commit.
   */
  checkout(url: string, dir: string, commit?: string): Promise<void>;
}

/** Source-location annotations carry a `url:` prefix; repository URLs may come either way. */
export function stripUrlPrefix(repositoryUrl: string): string {
  return repositoryUrl.replace(/^url:/, '');
}

/** Where a consumer's code is, from its `backstage.io/source-location` annotation. */
export function repositoryUrlFromSourceLocation(
  location: string | undefined,
): string | undefined {
  return location ? stripUrlPrefix(location).trim() || undefined : undefined;
}

/**
 * Extensions of the files worth scanning: code and configuration in any
 * language a reader of a table is written in. SQL and its templates; the
 * languages of services and pipelines (each reads SQL in its strings, or maps
 * the table with an ORM); configuration naming tables (a connector's, a DAG's,
 * a migration tool's XML, an ORM's schema); templates and views, which read
 * a model's fields and, when its ORM takes them from the table's columns, are
 * the only code naming them (read since the afternoon of 2026-12-07). Until 2026-12-07 only SQL, Python,
 * YAML, JVM, TypeScript, JavaScript, R and notebooks were read: a service in
 * Go, Ruby, PHP or C# went unseen and was said unaffected, though the rules
 * for their code were there.
 */
const CODE_EXTENSIONS = [
  // SQL and its templates.
  'sql psql pgsql hql ddl dml sqlx j2 jinja jinja2 tpl tmpl erb',
  // Languages.
  'py ipynb r rmd jl scala sc java kt kts groovy go rb rake php cs fs vb ex exs',
  'rs c h cc cpp hpp swift dart lua pl pm clj ts tsx mts cts js jsx mjs cjs sh',
  'bash zsh ksh csh ps1 bat cmd mk gradle module install inc sas pks pkb',
  // Templates and views, which read a model's fields (`{{ order.discount }}`).
  'html htm xhtml haml slim jbuilder rabl eex heex leex twig mustache hbs',
  'handlebars ejs pug jade liquid njk razor cshtml vbhtml vue svelte astro',
  'gotmpl jsp ftl vm graphql gql builder prawn axlsx ctp phtml gsp cfm cfc',
  'tt ep latte aspx ascx',
  // Configuration.
  'yml yaml json toml ini cfg conf properties xml env tf hcl prisma',
].flatMap(line => line.split(' '));
/**
 * Files worth scanning: by extension, or by a name that runs commands
 * (`Makefile`, `Dockerfile.prod`, `Jenkinsfile`, `Procfile`…) or holds
 * settings (`.env`, `.env.production`). Not lock files, minified bundles
 * (`app.min.js`, `app.bundle.js`; not `product-bundle.js`, a shop's own) and
 * what a build or a package manager puts in the tree (`dist/`, `vendor/`,
 * `node_modules/`, dbt's artifacts `target/manifest.json`, `docs/catalog.json`
 * and compiled SQL under `target/compiled/`), which are generated or others'
 * code: an installed dbt package (`dbt_packages/`) is read, since models
 * render with it. A probe (round 37) saw a published `docs/manifest.json`
 * sent to a person under every migration, its compiled SQL read as code.
 */
const SCANNED_FILE = new RegExp(
  String.raw`(?:\.(?:${CODE_EXTENSIONS.join(
    '|',
  )})|(?:^|/)(?:(?:GNU)?[Mm]akefile|(?:Docker|Container)file(?:\.[\w.-]+)?|Jenkinsfile|Procfile|Rakefile|Justfile|crontab|\.env(?:\.[\w.-]+)?))$`,
  'i',
);
const GENERATED_FILE =
  /(?:^|\/)(?:package-lock\.json|npm-shrinkwrap\.json|pnpm-lock\.yaml|packages\.lock\.json|[^/]+\.(?:min|bundle)\.[cm]?js)$|(?:^|\/)(?:vendor|node_modules|bower_components|third_party|dist)\/|(?:^|\/)(?:target|docs?|site|dbt_docs)\/(?:manifest|catalog|run_results|sources|semantic_manifest|graph_summary)\.json$|(?:^|\/)target\/(?:compiled|run)\//i;

/** Whether the file at `path` is read for what it may run on a table. */
export function isScannedFile(path: string): boolean {
  return SCANNED_FILE.test(path) && !GENERATED_FILE.test(path);
}
/** What the rewriter's rules read of a file; a larger one naming the dataset goes to a person. */
export const MAX_SCANNED_BYTES = 1024 * 1024;
/** What the readers fetch of a file: past it, a file is not read at all. */
export const MAX_READ_BYTES = 16 * 1024 * 1024;

export class RepositoryUnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RepositoryUnreachableError';
  }
}
