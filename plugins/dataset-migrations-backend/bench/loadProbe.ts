/**
 * `yarn bench:load --probe`: where each route's time on the server goes. Every
 * request the backend serves carries a record (through AsyncLocalStorage) of the
 * time it waited for a connection and held one, per pool: the engine's
 * node-postgres pools, and the plugin database's knex pool (its waits and its
 * statements). What is left of the server's time is the event loop, the
 * permission and catalog services and (de)serialising.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';
import type { Knex } from 'knex';
import { Pool, type PoolClient } from 'pg';
import { percentile } from './harness';

interface Spent {
  route: string;
  server: number;
  engineWait: number;
  engineHeld: number;
  engineTakes: number;
  pluginWait: number;
  pluginStatements: number;
  pluginTakes: number;
  pluginCount: number;
  engineCount: number;
}

type Part = Exclude<
  keyof Spent,
  'route' | 'engineTakes' | 'pluginTakes' | 'pluginCount' | 'engineCount'
>;

const PARTS: Array<[Part, string]> = [
  ['server', 'on the server'],
  ['engineWait', 'waiting for an engine connection'],
  ['engineHeld', 'holding an engine connection'],
  ['pluginWait', 'waiting for a plugin-database connection'],
  ['pluginStatements', 'in plugin-database statements'],
];

/** Routes by their shape: ids and queries left out. */
function routeOf(method: string, url: string): string {
  const path = url
    .split('?')[0]
    .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id')
    .replace(/^\/api\/dataset-migrations/, '');
  return `${method} ${path}`;
}

export function probeRequests(pluginDb: Knex, measureFrom: () => number) {
  const current = new AsyncLocalStorage<Spent>();
  const done: Spent[] = [];

  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function probed(
    this: http.Server,
    event: string,
    ...args: any[]
  ) {
    if (event !== 'request') return emit.call(this, event, ...args);
    const [req, res] = args as [http.IncomingMessage, http.ServerResponse];
    const spent: Spent = {
      route: routeOf(req.method ?? '', req.url ?? ''),
      server: 0,
      engineWait: 0,
      engineHeld: 0,
      engineTakes: 0,
      pluginWait: 0,
      pluginStatements: 0,
      pluginTakes: 0,
      pluginCount: 0,
      engineCount: 0,
    };
    const t0 = performance.now();
    res.on('finish', () => {
      spent.server = performance.now() - t0;
      if (Date.now() >= measureFrom()) done.push(spent);
    });
    return current.run(spent, () => emit.call(this, event, ...args));
  } as typeof emit;

  const connect = Pool.prototype.connect;
  Pool.prototype.connect = async function probedConnect(
    this: Pool,
    ...args: any[]
  ) {
    const spent = current.getStore();
    if (args.length > 0 || !spent) return (connect as any).apply(this, args);
    const t0 = performance.now();
    const client: PoolClient = await (connect as any).call(this);
    const t1 = performance.now();
    spent.engineWait += t1 - t0;
    spent.engineTakes++;
    const query = client.query;
    client.query = ((...a: any[]) => {
      spent.engineCount++;
      return (query as any).apply(client, a);
    }) as typeof query;
    const release = client.release;
    client.release = (error?: Error | boolean) => {
      client.release = release;
      delete (client as { query?: unknown }).query;
      spent.engineHeld += performance.now() - t1;
      return release.call(client, error);
    };
    return client;
  } as typeof connect;

  const pool = (pluginDb.client as any).pool;
  const acquiring = new Map<number, { spent: Spent; t0: number }>();
  pool.on('acquireRequest', (id: number) => {
    const spent = current.getStore();
    if (spent) acquiring.set(id, { spent, t0: performance.now() });
  });
  pool.on('acquireSuccess', (id: number) => {
    const a = acquiring.get(id);
    acquiring.delete(id);
    if (!a) return;
    a.spent.pluginWait += performance.now() - a.t0;
    a.spent.pluginTakes++;
  });
  const running = new Map<string, { spent: Spent; t0: number }>();
  pluginDb.on('query', (q: { __knexQueryUid: string }) => {
    const spent = current.getStore();
    if (!spent) return;
    spent.pluginCount++;
    running.set(q.__knexQueryUid, { spent, t0: performance.now() });
  });
  const ended = (_r: unknown, q: { __knexQueryUid: string }) => {
    const r = running.get(q.__knexQueryUid);
    running.delete(q.__knexQueryUid);
    if (r) r.spent.pluginStatements += performance.now() - r.t0;
  };
  pluginDb.on('query-response', ended);
  pluginDb.on('query-error', (error: unknown, q: { __knexQueryUid: string }) =>
    ended(error, q),
  );

  /** Per route: mean and p95 of each part; connections taken and statements, mean per request. */
  return function report(): string[] {
    const byRoute = new Map<string, Spent[]>();
    for (const s of done)
      byRoute.set(s.route, [...(byRoute.get(s.route) ?? []), s]);
    const lines = [
      '',
      'where the server’s time went (--probe), ms mean / p95 per request:',
      `| route | requests | ${PARTS.map(([, name]) => name).join(
        ' | ',
      )} | engine connections taken, statements | plugin connections taken, statements |`,
      `|---|---|${PARTS.map(() => '---|').join('')}---|---|`,
    ];
    for (const [route, spent] of [...byRoute].sort()) {
      const cell = (part: Part) => {
        const values = spent.map(s => s[part]);
        const mean = values.reduce((a, b) => a + b, 0) / values.length;
        return `${Math.round(mean)} / ${Math.round(percentile(values, 95))}`;
      };
      const mean = (part: keyof Spent) =>
        (
          spent.reduce((a, s) => a + (s[part] as number), 0) / spent.length
        ).toFixed(1);
      lines.push(
        `| ${route} | ${spent.length} | ${PARTS.map(([part]) =>
          cell(part),
        ).join(' | ')} | ${mean('engineTakes')}, ${mean(
          'engineCount',
        )} | ${mean('pluginTakes')}, ${mean('pluginCount')} |`,
      );
    }
    return lines;
  };
}
