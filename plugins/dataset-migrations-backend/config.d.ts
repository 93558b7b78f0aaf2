import type { HumanDuration } from '@backstage/types';

export interface Config {
  datasetMigrations?: {
    worker?: {
      /**
       * Run migration jobs on this replica. Replicas with `false` still serve the API
       * and queue work for the others. Default true.
       */
      enabled?: boolean;
      /** Jobs this replica runs at once. Default 4. */
      concurrency?: number;
      /** Postgres schema for graphile-worker's tables. Default `dataset_migrations_worker`. */
      schema?: string;
      /**
       * How long a running migration stays with its worker without a heartbeat. A
       * dead worker's run resumes elsewhere after about this long. A duration such
       * as `30s`, ISO `PT30S` or `{ seconds: 30 }`. Default `30s`.
       */
      lease?: string | HumanDuration;
      /**
       * Connections graphile-worker's pool may hold on this replica. It connects
       * with the plugin database's own settings (TLS included). Default three per
       * unit of `concurrency` (12).
       */
      poolSize?: number;
    };
    contract?: {
      /**
       * How long a previous version is kept (and rollback possible) after its
       * migration succeeded, before it may be contracted. Default `7d`.
       */
      retention?: string | HumanDuration;
    };
    /** Migrating the consumers (downstream pipelines) of each migrated dataset. */
    consumers?: {
      /** How far through derived datasets discovery follows readers. Default 3. */
      maxDepth?: number;
      /** How often open pull requests are looked at again. Default `5m`. */
      followUpInterval?: string | HumanDuration;
      /**
       * Which repositories consumers' code is read from and pull requests go to.
       * `registered` (default): only the one a consumer's entity was registered from
       * (its catalog file, `backstage.io/managed-by-location`, which the catalog
       * writes for entities read from a location, is in the repository its
       * `backstage.io/source-location` names, and for a pull request on its default
       * branch); any other consumer fails as `repository-not-registered` before its
       * code is read. `any`: whatever repository the source location names, for
       * catalogs where only a repository's owners can register an entity that names
       * it, or whose entity providers pass an entity's own `managed-by-location` on.
       */
      pullRequestRepositories?: 'registered' | 'any';
      /**
       * A pull request still open after this long reminds the consumer's owners, once
       * per pull request (a notification). Default `7d`.
       */
      pullRequestReminderAfter?: string | HumanDuration;
      /** A consumer's own check, the `dataset-migrations.io/verify-command` annotation. */
      verify?: {
        /**
         * Run verify commands at all. Default false: the command comes from a catalog
         * annotation, which anyone who can register an entity controls, and runs on
         * this backend's machine (sandboxed, but still code execution). Turn it on
         * only where catalog entities come from trusted, reviewed sources. When off,
         * a patch is proven by its shadow checks alone and the ledger says the
         * command was not run.
         */
        commands?: boolean;
        /** The command is stopped after this long. Default `5m`. */
        timeout?: string | HumanDuration;
        /** Address-space limit per process, in MiB. Default 4096. */
        memoryMb?: number;
        /**
         * Let the command reach the network (the host's: its ports on 127.0.0.1, the
         * database, the internet). Default false: it gets a network namespace with
         * only a loopback of its own.
         */
        network?: boolean;
      };
      /**
       * How verify commands and the coding agent are kept from the backend. They run
       * in PID, mount and network namespaces of their own (`unshare`: as root, or
       * through a user namespace where unprivileged ones are allowed): everything a
       * command starts dies with it, and it sees only the system directories
       * (/usr, /bin, /lib*, of /etc only what tools read to run, not /opt), the
       * backend's node, `readOnlyPaths` and its working copy, none of the backend's
       * files: its install (package, node_modules), its app-config files, secret
       * stores under /etc (/etc/ssl/private, /etc/ssh, …) and `hiddenPaths` are
       * hidden even under those directories. When the namespaces cannot be made, the command is not
       * run and its consumer fails naming why.
       */
      sandbox?: {
        /**
         * Default true. False runs commands without namespaces (a process group,
         * `nobody` when the backend is root): they can then read what `nobody`
         * can, reach the network and leave processes behind. Only for machines where
         * namespaces cannot be made and the commands are trusted.
         */
        namespaces?: boolean;
        /** Absolute host paths commands may read (a toolchain outside /usr, a part of /opt). */
        readOnlyPaths?: string[];
        /**
         * Absolute host paths commands may not read, though under a directory they
         * are shown (secrets inside a `readOnlyPaths` entry); they win over
         * `readOnlyPaths`. Added to the backend's own files and /etc's secret stores.
         */
        hiddenPaths?: string[];
      };
      /**
       * Local git repositories (`file://` URLs or absolute paths in a consumer's
       * source location): read and written only under these directories (relative
       * ones from the backend's working directory), so a catalog entity cannot point
       * the backend at arbitrary paths. Default none: local git is off.
       */
      localGit?: {
        roots?: string[];
      };
      shadowCheck?: {
        /** Statement timeout of each shadow query. Default `1m`. */
        timeout?: string | HumanDuration;
      };
      /**
       * A consumer job reads the consumer's code for the dataset on a worker
       * thread; past either limit the worker is ended and the consumer fails as
       * `assessment-stopped` (a person's), nothing changed.
       */
      assessment?: {
        /** Default `5m`. */
        timeout?: string | HumanDuration;
        /** Heap of each such worker (at least 128). Default 2048. */
        memoryMb?: number;
      };
      /** The two SQL worker threads of `POST /rewrite-preview` and `POST /impact`, and their queue. */
      rewritePreview?: {
        /** Previews (rewrite or impact) that may wait for a worker (at least 1); more are answered 503. Default 16. */
        queue?: number;
        /** A preview waiting longer for a worker is answered 503. Default `30s`. */
        wait?: string | HumanDuration;
        /**
         * A preview running longer on its worker is stopped: a rewrite preview is
         * answered 503, and an impact preview counts that consumer as
         * `assessment-stopped` and goes on. Default `1m`.
         */
        timeout?: string | HumanDuration;
      };
      /**
       * A CLI coding agent for code the built-in rewriter cannot handle. It runs in a
       * sandboxed working copy with the prompt in `$DATASET_MIGRATIONS_PROMPT_FILE`.
       */
      agent?: {
        command: string;
        args?: string[];
        /** Time limit of each turn. Default `10m`. */
        timeout?: string | HumanDuration;
        /** Default 3. */
        maxTurns?: number;
        /** Default 4096. */
        memoryMb?: number;
        /**
         * Let the agent reach the network (a hosted model's API). Default false, as
         * for verify commands.
         */
        network?: boolean;
      };
    };
    /** Which migrations wait for a person's approval before they run anything. */
    /**
     * PostgreSQL's parser, compiled to WebAssembly, reads consumers' SQL (and
     * views' definitions) in this process and its two preview workers.
     */
    sqlParser?: {
      /**
       * Let V8 optimise the parser once it is hot. Optimising its largest function
       * (the grammar's) holds about 450 MB for 15–20 s of one core, once per
       * process; the baseline code parses a typical file in well under a
       * millisecond. Default false: the plugin sets V8's `--liftoff-only`, which
       * applies to every WebAssembly module this process compiles from then on.
       */
      optimize?: boolean;
    };
    approvals?: {
      /**
       * Reasons that make a migration need an approval by someone holding
       * `dataset-migrations.migration.approve` on the dataset: `breaking` (its plan's
       * compatibility class is breaking), `requester-may-not-start` (the requester
       * lacks `dataset-migrations.migration.start` on the dataset) and `always`.
       * Dry runs never need one. An empty list: nothing waits, and a requester who
       * may not start a migration is refused. Default
       * `['breaking', 'requester-may-not-start']`.
       */
      required?: Array<'breaking' | 'requester-may-not-start' | 'always'>;
    };
    /**
     * Engines that hold datasets, by the name datasets use in their
     * `dataset-migrations.io/engine` annotation.
     */
    engines?: {
      [name: string]: {
        /** Engine type: `postgres` is built in; modules add more. */
        type: string;
        /**
         * For `postgres`: a connection string or node-postgres settings.
         * @visibility secret
         */
        connection?:
          | string
          | {
              host?: string;
              port?: number | string;
              user?: string;
              /** @visibility secret */
              password?: string;
              database?: string;
            };
        /**
         * For `postgres`: TLS, handed to node-postgres: `true`, or the
         * certificates to trust and present.
         */
        ssl?:
          | boolean
          | {
              /** CA certificate(s) the server's certificate must chain to (PEM). */
              ca?: string;
              /** Client certificate (PEM). */
              cert?: string;
              /**
               * Client private key (PEM).
               * @visibility secret
               */
              key?: string;
              /** Default true: refuse a server whose certificate does not verify. */
              rejectUnauthorized?: boolean;
              /** Server name to verify the certificate against (SNI). */
              servername?: string;
            };
        /** For `postgres`: connections the engine's runs share. Default 4. */
        maxConnections?: number;
        /**
         * For `postgres`: connections, apart from the runs', for what requests read
         * from the engine (a dataset's live schema and a plan for each migration
         * request or preview, samples for inference), so that a request never
         * waits behind a run. Opened under load only. Default 10.
         */
        requestConnections?: number;
        /**
         * For `postgres`: the schema of the engine's own objects (each run's trigger
         * functions and its tables of deleted keys and failed writes), kept out of the
         * datasets' schemas. Created by the first run if missing, which needs CREATE
         * on the database; or create it for the engine's role beforehand. Default
         * `dataset_migrations_engine`.
         */
        bookkeepingSchema?: string;
        /**
         * For `postgres`: the role shadow checks run consumer SQL as. It logs in by
         * itself, so the SQL cannot switch back to the engine's role, and before
         * each check the engine grants it USAGE on the dataset's schema and SELECT
         * on the two versions compared, and revokes them when no check running
         * holds them any longer. A superuser, or a member of
         * pg_read_server_files, pg_write_server_files, pg_execute_server_program or
         * pg_read_all_data, is refused. Missing, the engine creates it (LOGIN
         * NOINHERIT), which needs CREATEROLE.
         */
        shadowCheck?: {
          /** Default `dataset_migrations_shadow`. */
          user?: string;
          /**
           * Default: derived from the engine's own password (the same on every
           * replica). Required when the engine connects without a password.
           * @visibility secret
           */
          password?: string;
        };
        /**
         * For `postgres`: PostgreSQL's statement_timeout on every statement the
         * engine runs (a dry run's sample, each backfill batch, an index build,
         * verify's checksums), so that no costly expression holds the engine
         * without end. Raise it for tables whose index builds or verify take
         * longer. Default 5m.
         */
        statementTimeout?: string | HumanDuration;
        /**
         * For `postgres`: PostgreSQL's client_connection_check_interval on the
         * engine's connections: a statement of a worker that died (killed,
         * crashed) stops within this long instead of running to its end beside
         * the attempt that takes the run up. `0s` turns it off; a server that
         * refuses it (PostgreSQL on Windows, some managed services) keeps its own
         * value. Default 1s.
         */
        clientConnectionCheckInterval?: string | HumanDuration;
        /** For `postgres`: how the backfill paces itself. */
        backfill?: {
          /** Upper bound of a batch. Default 200000. */
          maxBatchRows?: number;
          /**
           * Batches are sized to take about this long: '500ms', '2s', ISO
           * 'PT1S' or `{ milliseconds: 500 }`. Default 500ms.
           */
          batchDuration?: string | HumanDuration;
          /** Throttle: pause between batches, in the same forms. Default none. */
          pause?: string | HumanDuration;
          /**
           * Copy by ranges of the primary key even where ranges of blocks are
           * possible (heap tables on PostgreSQL 14+; faster, and no walk of the
           * key's index). By blocks, a rewrite of the source during the copy
           * (VACUUM FULL, CLUSTER, pg_repack) starts the copy again, leaving out
           * the rows already copied; by key it costs nothing. Default false.
           */
          batchesByKey?: boolean;
          /**
           * Verify reads the rest of both tables in one pass (one snapshot,
           * sequential scans, parallel where allowed) when its ranges so far
           * say that takes no longer than this; else it goes on in ranges of the
           * key, each in its own snapshot. One pass reads a row for about two
           * thirds of what a range does, but holds its snapshot, and so delays
           * vacuum's clean-up, for the whole pass. `0s`: always in ranges.
           * Default 30s.
           */
          verifyOnePassUpTo?: string | HumanDuration;
        };
      };
    };
  };
}
