/**
 * The clients of `yarn bench:load`, on a worker thread of their own: each asks,
 * in turn, every route the bench measures until the deadline, and the times
 * from `measureFrom` on go back to the main thread by route.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { random } from './harness';
import { consumerName, datasetRef } from './loadSeed';

export interface ClientPlan {
  base: string;
  clients: number;
  datasets: number;
  consumerEntities: number;
  consumersPerRun: number;
  /** Answers in this first while are a warm-up, not recorded. */
  warmUpMs: number;
  seconds: number;
  /** Each dataset's schema version, so a request targets the next. */
  versions: Array<[string, number]>;
  runIds: string[];
  ledgerRuns: string[];
}

/** Per route: each answer's time, and how often each failure was answered. */
export type ClientTimings = Map<
  string,
  { ms: number[]; failures: Map<string, number> }
>;

/** An additive change: the run is queued at once, with no approval to wait for. */
const ADDITIVE = [{ addField: { name: 'note', type: 'text' } }];

/** What the thread posts: when it measures, once it has loaded; then its times. */
export type ClientMessage =
  | { window: { measureFrom: number; deadline: number } }
  | { timings: ClientTimings };

async function runClients(
  plan: ClientPlan,
  post: (message: ClientMessage) => void,
): Promise<void> {
  const timings: ClientTimings = new Map();
  const measureFrom = Date.now() + plan.warmUpMs;
  const deadline = measureFrom + plan.seconds * 1000;
  post({ window: { measureFrom, deadline } });
  const versions = new Map(plan.versions);

  /** One request under `route`: its time, or why it failed; the body when asked for. */
  const call = async (
    route: string,
    path: string,
    init: { method?: string; body?: unknown; expect?: number } = {},
  ): Promise<string | undefined> => {
    const t0 = performance.now();
    const res = await fetch(`${plan.base}${path}`, {
      method: init.method ?? 'GET',
      ...(init.body !== undefined
        ? {
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(init.body),
          }
        : {}),
    });
    const text = await res.text();
    const ms = performance.now() - t0;
    const ok = res.status === (init.expect ?? 200);
    if (Date.now() >= measureFrom) {
      let entry = timings.get(route);
      if (!entry) {
        entry = { ms: [], failures: new Map() };
        timings.set(route, entry);
      }
      if (ok) entry.ms.push(ms);
      else {
        const why = `${res.status} ${text.slice(0, 160)}`;
        entry.failures.set(why, (entry.failures.get(why) ?? 0) + 1);
      }
    }
    return ok ? text : undefined;
  };

  const client = async (c: number) => {
    const rand = random(1000 + c);
    const pick = <T>(items: T[]) => items[Math.floor(rand() * items.length)];
    // Each client migrates datasets no other client touches: no 409 for a busy one.
    const own = Array.from(
      { length: Math.ceil(plan.datasets / plan.clients) },
      (_, k) => c + k * plan.clients,
    ).filter(i => i < plan.datasets);
    const steps: Array<() => Promise<unknown>> = [
      async () => {
        const ref = datasetRef(pick(own));
        const created = await call(
          'POST /migrations (enqueue)',
          '/migrations',
          {
            method: 'POST',
            body: {
              entityRef: ref,
              targetVersion: (versions.get(ref) ?? 1) + 1,
              changes: ADDITIVE,
            },
            expect: 201,
          },
        );
        // Cancelled at once, the dataset is free for this client's next request.
        if (created)
          await call(
            'POST /migrations/:id/cancel',
            `/migrations/${JSON.parse(created).migration.id}/cancel`,
            { method: 'POST', body: {} },
          );
      },
      () =>
        call(
          'GET /migrations?entityRef= (a dataset’s history)',
          `/migrations?entityRef=${encodeURIComponent(
            datasetRef(Math.floor(rand() * plan.datasets)),
          )}`,
        ),
      () => call('GET /migrations (all history)', '/migrations'),
      () =>
        call('GET /migrations/:id (a run)', `/migrations/${pick(plan.runIds)}`),
      () =>
        call(
          'GET /migrations/:id/consumers?limit=100 (a ledger page)',
          `/migrations/${pick(plan.ledgerRuns)}/consumers?limit=100&offset=${
            100 * Math.floor(rand() * (plan.consumersPerRun / 100))
          }`,
        ),
      () =>
        call(
          'GET /migrations/:id/consumers (a whole ledger)',
          `/migrations/${pick(plan.ledgerRuns)}/consumers`,
        ),
      () =>
        call(
          'GET /consumers?entityRef=',
          `/consumers?entityRef=${encodeURIComponent(
            `component:default/${consumerName(
              Math.floor(rand() * plan.consumerEntities),
            )}`,
          )}`,
        ),
      () => call('GET /health (baseline)', '/health'),
    ];
    for (let i = c; Date.now() < deadline; i++) await steps[i % steps.length]();
  };

  await Promise.all(Array.from({ length: plan.clients }, (_, c) => client(c)));
  post({ timings });
}

if (parentPort && workerData)
  runClients(workerData as ClientPlan, message =>
    parentPort!.postMessage(message),
  ).catch(error => {
    throw error;
  });
