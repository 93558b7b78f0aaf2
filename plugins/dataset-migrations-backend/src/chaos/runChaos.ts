import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { auditRelation, type AuditResult } from './audit';
import {
  checkLedger,
  engineObjects,
  pullRequestsOf,
  type ExpectedLedger,
} from './ledgerChecks';
import {
  CONSUMER_STEPS,
  OPERATIONS,
  RUN_STAGES,
  pointPassed,
  runningPoints,
  type KillPoint,
} from './points';
import {
  holdDatasetRelations,
  holdIdleTransaction,
  type Hold,
  longReader,
  terminateConnectionsRepeatedly,
} from './sideFaults';
import { ChaosWorker, retry, type Kill } from './worker';
import {
  createWorld,
  DATASET,
  harnessPool,
  TABLE,
  type ChaosWorld,
} from './world';
import { ChaosWriter } from './writer';

/**
 * The fault suite: migrations of a table under a concurrent writer, round after
 * round, with the worker SIGKILLed at random points of every stage and consumer
 * step, its connections terminated, PostgreSQL restarted once, an idle
 * transaction and a long reader in the way; after each round, every acknowledged
 * write accounted for and the ledger and pull requests checked.
 */

export interface ChaosOptions {
  rows: number;
  kills: number;
  consumers: number;
  seed: number;
  /** Mean time between terminations of the replicas' connections. */
  terminateEveryMs: number;
  /** At most this many terminations of the replicas' connections (default: no limit). */
  terminationBursts?: number;
  lease: string;
  /** At most this many kills a round (a run's own stages take at most 4 of them). */
  killsPerRound?: number;
  /** At most this many rounds (default: as many as the kills need). */
  rounds?: number;
  /** The longest the suite waits for any one thing (a stage, a resume) before it reports a stall. */
  stallMs?: number;
  /** When every wait ends, whatever its own limit (epoch ms): a test's own timeout, less time to report. */
  deadline?: number;
  log: (line: string) => void;
  /** Given each worker replica's whole output once it is killed, and the last one's at the end. */
  replicaOutput?: (pid: number, output: string) => void;
  /** Given the way to tear everything down, e.g. for a signal handler. */
  onStarted?: (close: () => Promise<void>) => void;
}

type RoundKind = 'forward' | 'rollback' | 'cancel';

export interface RoundReport {
  round: number;
  kind: RoundKind;
  migrationId: string;
  /** The run's state once the round ended (unknown if it could not be read). */
  status?: string;
  kills: Kill[];
  audits: AuditResult[];
  problems: string[];
  ms: number;
}

export interface ChaosReport {
  rows: number;
  rounds: RoundReport[];
  kills: Kill[];
  killsByPoint: Record<string, number>;
  rowsLost: number;
  rowsDuplicated: number;
  resumeMs: { p50: number; p95: number; max: number; n: number };
  writes: ChaosWriter['log']['counts'] & { uncertain: number };
  terminations: { rounds: number; sessions: number };
  postgresRestarts: number;
  idleTransaction?: string;
  longReaders: { rows: number; ms: number }[];
  problems: string[];
  ms: number;
}

/** A small deterministic generator, so a seed reproduces a run's choices. */
export function random(seed: number) {
  let state = seed >>> 0 || 1;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

/**
 * How long to wait, once a point is running, before the kill: somewhere inside
 * it on a quiet machine too, where these stages of a small table take well under
 * a second (a kill timed past a stage lands in a later one, and the stages it
 * skipped go unkilled). The copy is aimed by its progress instead.
 */
const JITTER_MS: Partial<Record<KillPoint, number>> = {
  verify: 300,
  indexes: 200,
  'dry-run': 100,
};

/** How long any one wait lasts by default: a run with every kill inside it. */
const STALL_MS = 15 * 60_000;

/** What a round cannot recover from (a failed run or consumer): ends a wait at once. */
class RoundFailed extends Error {}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const started = Date.now();
  const rand = random(options.seed);
  const { log } = options;
  log(
    `seeding ${options.rows.toLocaleString('en')} rows, ${
      options.consumers
    } consumers`,
  );
  const world = await createWorld(options);
  options.onStarted?.(() => world.close());
  const worker = new ChaosWorker(
    world.workerOptions,
    world.closed,
    log,
    options.replicaOutput,
  );
  const writer = new ChaosWriter(
    harnessPool(world.warehouseUrl, 1),
    TABLE,
    options.rows,
    rand,
  );
  const admin = harnessPool(world.server.url, 1);
  const report: ChaosReport = {
    rows: options.rows,
    rounds: [],
    kills: [],
    killsByPoint: {},
    rowsLost: 0,
    rowsDuplicated: 0,
    resumeMs: { p50: 0, p95: 0, max: 0, n: 0 },
    writes: { ...writer.log.counts, uncertain: 0 },
    terminations: { rounds: 0, sessions: 0 },
    postgresRestarts: 0,
    longReaders: [],
    problems: [],
    ms: 0,
  };
  const terminator = terminateConnectionsRepeatedly(
    admin,
    options.terminateEveryMs,
    rand,
    options.terminationBursts,
  );
  try {
    await worker.start();
    writer.start();
    // Every point in turn until the kills are spent; a point a round could not
    // reach goes back in the queue.
    const points: KillPoint[] = [
      ...RUN_STAGES,
      ...CONSUMER_STEPS,
      ...OPERATIONS,
    ];
    const pending: KillPoint[] = [];
    while (pending.length < options.kills)
      pending.push(...points.slice(0, options.kills - pending.length));
    let field = 'note';
    const kinds: RoundKind[] = ['forward', 'rollback', 'forward', 'cancel'];
    for (
      let round = 1;
      report.kills.length < options.kills &&
      round <= (options.rounds ?? options.kills);
      round++
    ) {
      const kind = kinds[(round - 1) % kinds.length];
      const roundReport = await runRound({
        world,
        worker,
        writer,
        round,
        kind,
        field,
        pending,
        rand,
        budget: Math.min(
          options.killsPerRound ?? 8,
          options.kills - report.kills.length,
        ),
        restartPostgres: round === 3,
        idleTransaction: round === 2,
        reader: kind === 'forward',
        waitMs: () =>
          Math.min(
            options.stallMs ?? STALL_MS,
            Math.max(0, (options.deadline ?? Infinity) - Date.now()),
          ),
        report,
        log,
      });
      report.rounds.push(roundReport);
      report.kills.push(...roundReport.kills);
      // The field is renamed where the run moved the dataset and nothing undid it:
      // a forward round that failed, or a rollback that did not happen, says so.
      if (['succeeded', 'contracted'].includes(roundReport.status ?? ''))
        field = `note_${round}`;
      for (const audit of roundReport.audits) {
        report.rowsLost += audit.lost;
        report.rowsDuplicated += audit.duplicated;
      }
      report.problems.push(
        ...roundReport.problems.map(p => `round ${round}: ${p}`),
      );
      log(
        `round ${round} (${kind}): ${
          roundReport.kills.length
        } kills [${roundReport.kills
          .map(
            k =>
              `${k.aimed}→${k.landed.join('+') || 'between'}${
                k.resumeMs !== undefined ? ` ${k.resumeMs}ms` : ''
              }`,
          )
          .join(', ')}], ${roundReport.audits
          .map(
            a =>
              `${a.relation}: ${a.rows} rows, ${a.lost} lost, ${a.duplicated} duplicated`,
          )
          .join('; ')}, ${(roundReport.ms / 1000).toFixed(1)} s${
          roundReport.problems.length
            ? `\n  PROBLEMS: ${roundReport.problems.join('\n  ')}`
            : ''
        }`,
      );
      if (report.problems.length > 20) break;
    }
  } finally {
    worker.keepOutput();
    report.terminations = await terminator.stop();
    await writer.pause();
    report.writes = {
      ...writer.log.counts,
      uncertain: writer.log.uncertain.size,
    };
    await admin.end().catch(() => {});
    await world.close();
  }
  for (const kill of report.kills) {
    for (const point of kill.landed)
      report.killsByPoint[point] = (report.killsByPoint[point] ?? 0) + 1;
    if (kill.landed.length === 0)
      report.killsByPoint.between = (report.killsByPoint.between ?? 0) + 1;
  }
  const resumes = report.kills.flatMap(k =>
    k.resumeMs === undefined ? [] : [k.resumeMs],
  );
  report.resumeMs = {
    p50: percentile(resumes, 50),
    p95: percentile(resumes, 95),
    max: Math.max(0, ...resumes),
    n: resumes.length,
  };
  report.ms = Date.now() - started;
  return report;
}

interface RoundContext {
  world: ChaosWorld;
  worker: ChaosWorker;
  writer: ChaosWriter;
  round: number;
  kind: RoundKind;
  /** The field every migration renames: its name now. */
  field: string;
  pending: KillPoint[];
  rand: () => number;
  budget: number;
  restartPostgres: boolean;
  idleTransaction: boolean;
  reader: boolean;
  /** How long a wait starting now may last: the stall limit, or less by the deadline. */
  waitMs: () => number;
  report: ChaosReport;
  log: (line: string) => void;
}

/** A call to the API replica; a 5xx (its connection just terminated) is retried. */
export async function call(
  world: Pick<ChaosWorld, 'api'>,
  method: 'GET' | 'POST',
  route: string,
  body?: unknown,
): Promise<{ status: number; body: any; retried?: boolean }> {
  let tries = 0;
  return retry(async () => {
    tries++;
    const res = await fetch(`${world.api.api}${route}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // A 5xx while the API replica's connection was just terminated is retried.
    if (res.status >= 500)
      throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
    return {
      status: res.status,
      body: await res.json(),
      ...(tries > 1 ? { retried: true } : {}),
    };
  });
}

async function waitUntil<T>(
  closed: AbortSignal,
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      // A terminal state ends the wait; anything else (a terminated session) may pass.
      if (error instanceof RoundFailed) throw error;
      last = error;
    }
    // Ends the wait (with an AbortError) once the world is closed, e.g. by a test's timeout.
    await sleep(200, undefined, { signal: closed });
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
}

/** The points this round aims at, in the order a run reaches them. */
function aimsFor(
  kind: RoundKind,
  pending: KillPoint[],
  budget: number,
): KillPoint[] {
  const order: KillPoint[] =
    kind === 'cancel'
      ? ['dry-run', 'create-target', 'backfill']
      : [
          ...RUN_STAGES,
          ...CONSUMER_STEPS,
          kind === 'forward' ? 'contract' : 'rollback',
        ];
  const aims: KillPoint[] = [];
  let stages = 0;
  // The operation and consumer steps first: a round has one of each, and many stages.
  for (const point of [...order].reverse()) {
    if (aims.length >= budget) break;
    const at = pending.indexOf(point);
    if (at < 0) continue;
    // A run gives up after 10 interrupted attempts; connection terminations count too.
    if ((RUN_STAGES as readonly string[]).includes(point) && ++stages > 4)
      continue;
    pending.splice(at, 1);
    aims.push(point);
  }
  return aims.sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

/**
 * Kills the worker once at each aimed point, in order, while the round's main
 * flow drives the run; a point the run went past unhit goes back in the queue.
 */
async function killAt(
  ctx: RoundContext,
  migrationId: string,
  aims: KillPoint[],
  until: () => boolean,
  /** The round's hold on the dataset, taken before it asks for the operation (undefined: none). */
  operationHold: Promise<Hold | undefined>,
) {
  const { world, worker, rand } = ctx;
  const kills: Kill[] = [];
  for (const [i, aim] of aims.entries()) {
    let hit = false;
    // How much of the table the copy has behind it when the kill comes.
    const share = aim === 'backfill' ? rand() * 0.8 : 0;
    // An operation is one short transaction, over before a kill timed by polling
    // lands on a quiet machine: held at its locks, it waits for the kill.
    const hold = isOperation(aim) ? await operationHold : undefined;
    try {
      while (!until()) {
        const running = await runningPoints(world.plugin, migrationId).catch(
          (): KillPoint[] => [],
        );
        if (running.includes(aim)) {
          if (aim === 'backfill') {
            if (!(await copied(world.plugin, migrationId, share))) {
              await sleep(10, undefined, { signal: world.closed });
              continue;
            }
          } else if (!hold)
            await sleep(Math.floor(rand() * (JITTER_MS[aim] ?? 100)));
          const kill = await worker.killAndRestart(
            world.plugin,
            aim,
            migrationId,
            ctx.waitMs(),
            // Let go once the worker is dead, so the next one can finish the work.
            () => hold?.release(),
          );
          kills.push(kill);
          ctx.log(
            `  kill ${
              ctx.report.kills.length + kills.length
            }: aimed at ${aim}, landed in ${
              kill.landed.join(', ') || 'nothing running'
            }, resumed after ${kill.resumeMs ?? '-'} ms`,
          );
          hit = true;
          break;
        }
        if (
          await pointPassed(world.plugin, migrationId, aim).catch(() => false)
        )
          break;
        await sleep(10, undefined, { signal: world.closed });
      }
    } finally {
      await hold?.release();
      if (!hit) ctx.pending.push(...aims.slice(i, i + 1));
    }
  }
  return kills;
}

/** Whether the running copy has reported `share` of its rows done. */
async function copied(
  plugin: ChaosWorld['plugin'],
  migrationId: string,
  share: number,
): Promise<boolean> {
  const { rows } = await plugin
    .query(
      `SELECT rows_done, rows_total FROM migration_steps
        WHERE migration_id = $1 AND name = 'backfill' AND status = 'running'
        ORDER BY attempt DESC LIMIT 1`,
      [migrationId],
    )
    .catch(() => ({ rows: [] as any[] }));
  const step = rows[0];
  return (
    Number(step?.rows_total) > 0 &&
    Number(step.rows_done) >= share * Number(step.rows_total)
  );
}

function isOperation(point: KillPoint): boolean {
  return (OPERATIONS as readonly string[]).includes(point);
}

async function runRound(ctx: RoundContext): Promise<RoundReport> {
  const { world, kind, round } = ctx;
  const started = Date.now();
  const problems: string[] = [];
  const audits: AuditResult[] = [];
  const version =
    (await call(world, 'GET', `/schema-versions?entityRef=${DATASET}`)).body
      .schemaVersion ?? 1;
  const objectsBefore = await engineObjects(world.warehouse);
  const idle = ctx.idleTransaction
    ? await holdIdleTransaction(world.warehouseUrl)
    : undefined;
  const created = await call(world, 'POST', '/migrations', {
    entityRef: DATASET,
    targetVersion: version + 1,
    changes: [{ renameField: { from: ctx.field, to: `note_${round}` } }],
  });
  if (created.status !== 201)
    throw new Error(
      `round ${round}: the migration was refused: ${JSON.stringify(
        created.body,
      )}`,
    );
  const id: string = created.body.migration.id;
  const aims = aimsFor(kind, ctx.pending, ctx.budget);
  let settled = false;
  let resolveHold: (hold: Hold | undefined) => void = () => {};
  const operationHold = new Promise<Hold | undefined>(resolve => {
    resolveHold = resolve;
  });
  // Kept here too: a kill loop that ended early (a failed kill) never lets go of it.
  let handed: Hold | undefined;
  const handHold = (hold: Hold | undefined) => {
    handed = hold;
    resolveHold(hold);
  };
  const killing = killAt(ctx, id, aims, () => settled, operationHold);
  const sideFaults: Promise<unknown>[] = [];
  const migration = async () =>
    (await call(world, 'GET', `/migrations/${id}`)).body.migration;
  const until = (what: string, done: (m: any) => boolean) =>
    waitUntil(
      world.closed,
      async () => {
        const m = await migration();
        if (['failed'].includes(m.status))
          throw new RoundFailed(`run failed: ${m.failureReason}`);
        return done(m) ? m : undefined;
      },
      what,
      ctx.waitMs(),
    );

  try {
    if (ctx.restartPostgres) sideFaults.push(restartDuringBackfill(ctx, id));
    if (ctx.reader) sideFaults.push(readerAtCutOver(ctx, id));

    if (kind === 'cancel') {
      // Once the aimed kills are spent (or the backfill is under way), cancel.
      await Promise.race([
        killing,
        waitUntil(
          world.closed,
          async () =>
            (await runningPoints(world.plugin, id)).includes('backfill')
              ? true
              : undefined,
          'backfill',
          ctx.waitMs(),
        ),
      ]);
      await killing;
      await call(world, 'POST', `/migrations/${id}/cancel`);
      const done = await waitUntil(
        world.closed,
        async () => {
          const m = await migration();
          return ['cancelled', 'succeeded', 'failed'].includes(m.status)
            ? m
            : undefined;
        },
        'the cancelled run to stop',
        ctx.waitMs(),
      );
      if (done.status !== 'cancelled') {
        problems.push(
          `the cancelled run ended ${done.status} (${
            done.failureReason ?? 'no reason'
          })`,
        );
      } else {
        // Failed before cut-over: the source as it was, less nothing the writer wrote.
        const after = await engineObjects(world.warehouse);
        if (after.join(',') !== objectsBefore.join(','))
          problems.push(
            `the warehouse changed: before [${objectsBefore}] after [${after}]`,
          );
      }
      settled = true;
      await Promise.allSettled(sideFaults);
      audits.push(await pausedAudit(ctx, TABLE));
      problems.push(
        ...(await checkLedger(world.plugin, world.consumers, {
          migrationId: id,
          status: 'cancelled',
          consumerState: [
            'discovered',
            'superseded',
            'patched',
            'verified',
            'failed',
          ],
          pullRequestsPerConsumer: 0,
        })),
      );
      return {
        round,
        kind,
        migrationId: id,
        kills: await killing,
        audits,
        problems,
        ms: Date.now() - started,
      };
    }

    await until('the run to succeed', m => m.status === 'succeeded');
    const target = `public.events_v${version + 1}`;
    audits.push(await pausedAudit(ctx, TABLE), await pausedAudit(ctx, target));
    // Every consumer proposes its patch.
    await waitUntil(
      world.closed,
      async () => {
        const ledger = (await call(world, 'GET', `/migrations/${id}/consumers`))
          .body;
        const failed = ledger.consumers.filter(
          (c: any) => c.state === 'failed',
        );
        if (failed.length)
          throw new RoundFailed(
            `consumers failed: ${failed
              .map((c: any) => `${c.entityRef}: ${c.failure?.message}`)
              .join('; ')}`,
          );
        return ledger.consumers.length === world.consumers.length &&
          ledger.consumers.every((c: any) => c.state === 'pr-opened')
          ? ledger
          : undefined;
      },
      'every consumer to open its pull request',
      ctx.waitMs(),
    );

    // Asks for a contract or rollback and waits until it shows. A request the API
    // answered 5xx (its session terminated while it waited for the outcome) may
    // have been carried out: asked again, it is refused as done. Done once is
    // what counts.
    const operate = async (
      action: 'contract' | 'rollback',
      body: object,
      done: (m: any) => boolean,
    ) => {
      // A kill is aimed at it: the dataset is held before it is asked for, so it
      // waits inside its step for the kill (no hold if the lock is not had in time).
      if (aims.includes(action))
        handHold(
          await holdDatasetRelations(
            world.warehouseUrl,
            TABLE.split('.')[0],
          ).catch(error => {
            ctx.log(`  no hold before ${action}: ${(error as Error).message}`);
            return undefined;
          }),
        );
      const answer = await call(
        world,
        'POST',
        `/migrations/${id}/${action}`,
        body,
      );
      const doneBefore =
        answer.retried && answer.status === 409 && done(await migration());
      if (doneBefore)
        ctx.log(
          `  round ${round}: ${action} asked again after a 5xx; done once`,
        );
      if (answer.status >= 300 && !doneBefore)
        throw new Error(
          `${action} refused: ${answer.status} ${JSON.stringify(answer.body)}`,
        );
      await until(`the ${action}`, done);
    };

    let expected: ExpectedLedger;
    if (kind === 'forward') {
      // The owners merge; the follow-up sees it, and the run contracts.
      for (const consumer of world.consumers)
        await mergePullRequest(consumer.repo, id);
      await waitUntil(
        world.closed,
        async () => {
          const ledger = (
            await call(world, 'GET', `/migrations/${id}/consumers`)
          ).body;
          return ledger.consumers.every((c: any) => c.state === 'done')
            ? true
            : undefined;
        },
        'every consumer to be done',
        ctx.waitMs(),
      );
      // The writer reads the name throughout and is no catalog consumer: contract
      // rightly counts it as a reader nobody discovered, so the owner overrides.
      await operate(
        'contract',
        {
          override: {
            reason:
              "the chaos suite's writer is the only reader besides the consumers",
          },
        },
        m => Boolean(m.contractedAt),
      );
      expected = {
        migrationId: id,
        status: 'contracted',
        consumerState: 'done',
        pullRequestsPerConsumer: 1,
      };
    } else {
      await operate('rollback', {}, m => m.status === 'rolled-back');
      expected = {
        migrationId: id,
        status: 'rolled-back',
        consumerState: 'superseded',
        pullRequestsPerConsumer: 1,
      };
    }
    // Follow-ups and settlement finish in the background; give them a moment to let go.
    await waitUntil(
      world.closed,
      async () => {
        const { rows } = await world.plugin.query(
          `SELECT count(*)::int AS n FROM migration_consumers WHERE migration_id = $1 AND claimed_by IS NOT NULL`,
          [id],
        );
        return rows[0].n === 0 ? true : undefined;
      },
      'the consumers to be let go',
      60_000,
    ).catch(() => undefined);
    settled = true;
    await Promise.allSettled(sideFaults);
    audits.push(await pausedAudit(ctx, TABLE));
    problems.push(
      ...(await checkLedger(world.plugin, world.consumers, expected)),
    );
  } catch (error) {
    problems.push(
      `${(error as Error).message}\n--- worker ---\n${ctx.worker.lastOutput()}`,
    );
  } finally {
    settled = true;
    // A round that ended before its operation holds nothing; one handed is let go.
    resolveHold(undefined);
    await handed?.release();
    if (idle) {
      await idle.release().then(
        () =>
          (ctx.report.idleTransaction = `transaction ${idle.xid} held idle across round ${round}`),
        error =>
          problems.push(
            `the idle transaction broke: ${(error as Error).message}`,
          ),
      );
    }
  }
  const kills = await killing.catch(error => {
    problems.push(`kill: ${(error as Error).message}`);
    return [] as Kill[];
  });
  for (const result of await Promise.allSettled(sideFaults))
    if (result.status === 'rejected') problems.push(String(result.reason));
  const status: string | undefined = await retry(migration).then(
    m => m.status,
    () => undefined,
  );
  return {
    round,
    kind,
    migrationId: id,
    status,
    kills,
    audits,
    problems,
    ms: Date.now() - started,
  };
}

/** An audit with the writer held still. */
async function pausedAudit(
  ctx: RoundContext,
  relation: string,
): Promise<AuditResult> {
  await ctx.writer.pause();
  try {
    return await retry(
      () =>
        auditRelation(
          ctx.world.warehouse,
          relation,
          ctx.writer.log,
          ctx.report.rows,
        ),
      5,
    );
  } finally {
    ctx.writer.start();
  }
}

/** The owner merges the run's pull request into main, as on GitHub. */
export async function mergePullRequest(repo: string, migrationId: string) {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'Owner',
    GIT_AUTHOR_EMAIL: 'owner@localhost',
    GIT_COMMITTER_NAME: 'Owner',
    GIT_COMMITTER_EMAIL: 'owner@localhost',
  };
  for (const pull of await pullRequestsOf(repo, migrationId)) {
    if (pull.state !== 'open') continue;
    execFileSync('git', ['merge', '-q', '--no-edit', pull.branch], {
      cwd: repo,
      env,
    });
  }
}

/**
 * Restarts the whole PostgreSQL server once while the run copies rows, or at once
 * if the copy was over before a look saw it (a small table on a fast machine):
 * waiting for a backfill that has passed held the round for minutes.
 */
async function restartDuringBackfill(ctx: RoundContext, id: string) {
  const { world } = ctx;
  await waitUntil(
    world.closed,
    async () =>
      (await runningPoints(world.plugin, id)).includes('backfill') ||
      (await pointPassed(world.plugin, id, 'backfill'))
        ? true
        : undefined,
    'the backfill',
    5 * 60_000,
  ).catch(() => undefined);
  ctx.log('restarting PostgreSQL');
  await world.server.stop();
  await sleep(2000);
  await world.server.start();
  ctx.report.postgresRestarts += 1;
}

/** A long reader on the dataset's name, started while the run verifies, so it is there at cut-over. */
async function readerAtCutOver(ctx: RoundContext, id: string) {
  const { world } = ctx;
  const reached = await waitUntil(
    world.closed,
    async () => {
      const running = await runningPoints(world.plugin, id);
      if (running.includes('verify')) return true;
      return (await pointPassed(world.plugin, id, 'verify'))
        ? false
        : undefined;
    },
    'verify',
    ctx.waitMs(),
  );
  if (!reached) return;
  const read = await longReader(world.warehouseUrl, TABLE, 8000);
  ctx.report.longReaders.push(read);
}
