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
       * Seconds a running migration stays with its worker without a heartbeat. A
       * dead worker's run resumes elsewhere after about this long. Default 30.
       */
      leaseSeconds?: number;
    };
    contract?: {
      /**
       * Hours a previous version is kept (and rollback possible) after its migration
       * succeeded, before it may be contracted. Default 168 (a week).
       */
      retentionHours?: number;
    };
    /**
     * Engines that hold datasets, by the name datasets use in their
     * `dataset-migrations.io/engine` annotation.
     */
    engines?: {
      [name: string]: {
        /** Engine type: `postgres` is built in; modules add more. */
        type: string;
        /** For `postgres`: a connection string or node-postgres settings. */
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
        /** For `postgres`: connections held open to the engine. Default 4. */
        maxConnections?: number;
      };
    };
  };
}
