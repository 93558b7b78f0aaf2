export interface EmbeddedPostgresOptions {
  /** Kept across runs; initialised on first use. */
  dataDir: string;
  port: number;
  /** Password of the `postgres` superuser. Default `postgres`. */
  password?: string;
  /** Trade durability for speed (tests, benchmarks): no fsync, no synchronous commit. */
  fast?: boolean;
  /** Libraries loaded at start (`shared_preload_libraries`), such as `pg_stat_statements`. */
  preload?: string[];
  log?: (message: string) => void;
}

export interface EmbeddedPostgres {
  /** `postgresql://postgres:…@127.0.0.1:<port>/postgres` */
  url: string;
  port: number;
  /** Stops the server, unless it was already running before this call. */
  stop(): Promise<void>;
}

export function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgres>;

/** Stops the server on `dataDir` if one runs there, whoever started it. */
export function stopEmbeddedPostgres(dataDir: string): Promise<void>;

/** Creates the database on the server at `url` unless it exists; returns its URL. */
export function ensureDatabase(url: string, name: string): Promise<string>;
