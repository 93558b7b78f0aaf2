import { Client, Pool, type PoolClient, type PoolConfig } from 'pg';

/** Settings a connection provider returns, as knex takes them. */
type ProvidedSettings = PoolConfig & { expirationChecker?: () => boolean };
type Provider = () => ProvidedSettings | Promise<ProvidedSettings>;
type ConnectCallback = (
  error: Error | undefined,
  client: PoolClient | undefined,
  done: (release?: any) => void,
) => void;

/**
 * A worker polling a server host that vanished without closing its sockets
 * fails (within minutes, by the OS's probes) instead of waiting for ever; the
 * plugin's settings may say otherwise.
 */
const KEEPALIVE = { keepAlive: true, keepAliveInitialDelayMillis: 10_000 };

/**
 * graphile-worker's pool, connecting the way the plugin's own knex does: from
 * `knex.client.config.connection` in each form Backstage gives it — a connection
 * string, node-postgres settings (all of them: `ssl`, `options`, a Cloud SQL
 * connector's `stream`, …), or a function that resolves them (RDS and Azure
 * tokens). `max` undefined keeps node-postgres's default.
 */
export function createQueuePool(connection: unknown, max?: number): Pool {
  if (typeof connection === 'string') {
    return new Pool({ ...KEEPALIVE, connectionString: connection, max });
  }
  if (typeof connection === 'function') {
    return providedPool(connection as Provider, max);
  }
  if (connection && typeof connection === 'object') {
    const settings = connection as PoolConfig;
    // knex hides the password from enumeration, so a spread alone would drop it.
    return new Pool({
      ...KEEPALIVE,
      ...settings,
      password: settings.password,
      max,
    });
  }
  throw new Error(
    'dataset-migrations needs Postgres connection settings for its job queue',
  );
}

/**
 * A pool whose clients take the provider's latest settings. As knex does, the
 * provider is called for the first connection and again whenever its result's
 * `expirationChecker` says it expired (a short-lived token), before the pool may
 * open a client with it; a result without a checker is kept.
 */
function providedPool(provide: Provider, max?: number): Pool {
  let current: ProvidedSettings | undefined;
  let resolving: Promise<void> | undefined;
  const fresh = (): Promise<void> => {
    if (current && !current.expirationChecker?.()) return Promise.resolve();
    resolving ??= (async () => {
      try {
        current = await provide();
      } finally {
        resolving = undefined;
      }
    })();
    return resolving;
  };

  class ProvidedClient extends Client {
    constructor(poolOptions?: PoolConfig) {
      const { expirationChecker: _, ...settings } = current ?? {};
      super({ ...poolOptions, ...settings });
    }
  }

  class ProvidedPool extends Pool {
    connect(): Promise<PoolClient>;
    connect(callback: ConnectCallback): void;
    connect(callback?: ConnectCallback): Promise<PoolClient> | void {
      if (!callback) return fresh().then(() => super.connect());
      fresh().then(
        () => super.connect(callback),
        error => callback(error, undefined, () => {}),
      );
      return undefined;
    }
  }

  return new ProvidedPool({ ...KEEPALIVE, max, Client: ProvidedClient });
}
