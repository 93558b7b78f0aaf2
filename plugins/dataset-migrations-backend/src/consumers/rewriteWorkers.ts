/**
 * SQL work off the event loop: a small, fixed pool of worker threads runs
 * `rewriteConsumerFiles` for `POST /rewrite-preview`, and `assessConsumer` for
 * each consumer of `POST /impact` and of a migration's consumer jobs, so reading
 * a consumer's code (up to a megabyte a file, and files that defeat a rule's
 * regular expression) never holds the backend's other requests, health
 * included, nor its jobs' claims. A task past its time or memory ends its
 * worker: a regular expression cannot be interrupted otherwise. The plugin keeps
 * one pool for previews (bounded queue, 503s) and one for jobs (no queue bound,
 * a longer time). Each worker loads this same module, which serves requests
 * when it finds itself in one.
 */
import { availableParallelism } from 'node:os';
import {
  Worker,
  isMainThread,
  parentPort,
  workerData,
} from 'node:worker_threads';
import { ServiceUnavailableError } from '@backstage/errors';
import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';
import { loadSqlParser } from '../sql/sqlParser';
import {
  assessConsumer,
  rewriteConsumerFiles,
  type ConsumerAssessment,
} from './impact';
import type { ConsumerImpact } from '@dataset-migrations/plugin-dataset-migrations-common';
import type { DatasetTarget } from './sql/datasetTarget';
import type { ConsumerMapping } from './sql/fieldMapping';
import {
  parseProblem,
  type ParseProblem,
  type RewrittenFile,
} from './sql/rewriteSql';
import { movedOffPrevious, type MergedPatch } from './movedOffPrevious';
import {
  planShadowChecks,
  type PlannedCheck,
  type ShadowPlanInput,
} from './verification/shadowPlan';

/**
 * What a worker is asked: rewrite the files (a preview), assess them (a
 * consumer's impact and each file's rewrite), only their impact (a
 * preview's, without sending every rewritten file back), or what a patch's
 * shadow checks compare.
 */
type RewriteRequest =
  | {
      kind: 'rewrite' | 'assess' | 'impact';
      files: ChangedFile[];
      target: DatasetTarget;
      mapping: ConsumerMapping;
    }
  | { kind: 'shadow-plan'; input: ShadowPlanInput }
  | { kind: 'parse'; files: ChangedFile[]; target: DatasetTarget }
  | {
      kind: 'moved-off';
      files: ChangedFile[];
      patch: MergedPatch;
      target: DatasetTarget;
      mapping: ConsumerMapping;
    };

type Answer =
  | { files: RewrittenFile[] }
  | { assessment: ConsumerAssessment }
  | { impact: ConsumerImpact }
  | { shadowPlan: PlannedCheck[] }
  | { parseProblem: ParseProblem | null }
  | { movedOff: boolean };
/** Each kind of answer's one key (`assessment`, `shadowPlan`, …). */
type AnswerKey = Answer extends infer A
  ? A extends A
    ? keyof A
    : never
  : never;
type AnswerOf<K extends AnswerKey> = Extract<Answer, Record<K, unknown>>[K];
type RewriteAnswer = Answer | { error: { name: string; message: string } };
/** What a worker says once it has loaded the parser and takes requests. */
type WorkerMessage = RewriteAnswer | { ready: true };

interface Task {
  request: RewriteRequest;
  /** Names it in a refusal: `rewrite preview`, `impact preview`. */
  what: string;
  resolve(answer: Answer): void;
  reject(error: Error): void;
  /** Ends its wait in the queue (timer, abort listener). */
  stopWaiting(): void;
  /** Aborts when its request went away. */
  signal?: AbortSignal;
}

/** Previews waiting for a worker at most, by default: more are refused at once. */
export const DEFAULT_QUEUE_LIMIT = 16;
/** How long a preview waits for a worker at most, by default. */
export const DEFAULT_WAIT_MS = 30_000;
/** How long a task runs on its worker at most, by default. */
export const DEFAULT_TIMEOUT_MS = 60_000;
/**
 * A new worker's start (loading the transform and the parser): not the task's
 * time, but bounded too, so a worker that never starts cannot hold a task.
 */
const START_TIMEOUT_MS = 60_000;

/** The pool is busy: answered 503 with `Retry-After: retryAfterSeconds`. */
export class RewritesBusyError extends ServiceUnavailableError {
  // The name Backstage's error handler answers 503 for.
  override name = 'ServiceUnavailableError' as const;
  readonly retryAfterSeconds = 5;
}

/** A task ran past the pool's `timeoutMs`: its worker was ended. Answered 503. */
export class WorkerTimeoutError extends ServiceUnavailableError {
  override name = 'ServiceUnavailableError' as const;
}

/** A task needed more heap than the pool's `memoryMb`: its worker died of it. */
export class WorkerMemoryError extends Error {
  override name = 'WorkerMemoryError';
}

/**
 * A task's worker ended for a reason not the task's: it crashed or failed to
 * start, or the pool closed (the backend shutting down). Worth a retry.
 */
export class WorkerExitError extends Error {
  override name = 'WorkerExitError';
}

/** Whether `error` says the task itself was too much for its worker's time or memory. */
export function pastWorkerBudget(
  error: unknown,
): error is WorkerTimeoutError | WorkerMemoryError {
  return (
    error instanceof WorkerTimeoutError || error instanceof WorkerMemoryError
  );
}

/** Why tasks end when the pool closes. */
const CLOSED = 'the backend is shutting down';

/** What the worker is started for (its `workerData.role`). */
const ROLE = 'dataset-migrations rewrite preview';

/**
 * From source (dev, tests) the worker needs the TypeScript transform the backend
 * itself runs with; built, it loads the compiled module as it is.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
if (workerData.transform) require(workerData.transform);
require(workerData.module);
`;

export class RewriteWorkers {
  private readonly idle: Worker[] = [];
  private readonly queue: Task[] = [];
  private started = 0;
  /** Each running task's worker, with what ends the task (closing the pool does). */
  private readonly running = new Map<Worker, (error: Error) => void>();
  private closed = false;
  /** Workers that have answered a task: ready, so a task's time starts at once. */
  private readonly answered = new WeakSet<Worker>();

  constructor(
    private readonly options: {
      /** Workers at most; each runs one task at a time. */
      size?: number;
      /**
       * A task still running after this is stopped (its worker ends), counted
       * from when its worker is ready (a new worker's start is not the task's).
       * Default a minute; at most 2^31 − 1 ms (Node fires a longer timer at once).
       */
      timeoutMs?: number;
      /** Old-generation heap of each worker; a task past it ends its worker. Default 512. */
      memoryMb?: number;
      /** Tasks waiting for a worker at most; more are refused. `Infinity`: no bound. */
      queueLimit?: number;
      /** A task still waiting for a worker after this is refused. `Infinity`: no bound. */
      waitMs?: number;
    } = {},
  ) {}

  /**
   * Rewrites on a worker. Refused with RewritesBusyError when `queueLimit` rewrites
   * wait already or no worker frees within `waitMs`; dropped when `signal`
   * aborts (its request went away): from the queue, or, once a worker has it, by
   * ending that worker, so a client gone does not hold one for up to `timeoutMs`.
   */
  async rewrite(
    files: ChangedFile[],
    target: DatasetTarget,
    mapping: ConsumerMapping,
    signal?: AbortSignal,
  ): Promise<RewrittenFile[]> {
    const answer = await this.run(
      { kind: 'rewrite', files, target, mapping },
      'rewrite preview',
      signal,
    );
    return 'files' in answer ? answer.files : [];
  }

  /**
   * A consumer's impact from its files (`assessConsumer`), on a worker, as a
   * rewrite is: the same queue, bounds and refusals.
   */
  async assess(
    files: ChangedFile[],
    target: DatasetTarget,
    mapping: ConsumerMapping,
    signal?: AbortSignal,
  ): Promise<ConsumerImpact> {
    return this.ask(
      { kind: 'impact', files, target, mapping },
      'impact preview',
      'impact',
      signal,
    );
  }

  /**
   * A consumer's impact and each file's rewrite (`assessConsumer`), on a worker:
   * rejected with WorkerTimeoutError past `timeoutMs`, WorkerMemoryError past
   * `memoryMb`, and WorkerExitError when the worker ends otherwise, never
   * holding this thread.
   */
  async assessment(
    files: ChangedFile[],
    target: DatasetTarget,
    mapping: ConsumerMapping,
  ): Promise<ConsumerAssessment> {
    return this.ask(
      { kind: 'assess', files, target, mapping },
      'assessment',
      'assessment',
    );
  }

  /** What a patch's shadow checks compare (`planShadowChecks`), on a worker, within the same budget as `assessment`. */
  async shadowPlan(input: ShadowPlanInput): Promise<PlannedCheck[]> {
    return this.ask(
      { kind: 'shadow-plan', input },
      'reading for shadow checks',
      'shadowPlan',
    );
  }

  /** `parseProblem` on a worker, within the same budget as `assessment`. */
  async parseProblem(
    files: ChangedFile[],
    target: DatasetTarget,
  ): Promise<ParseProblem | undefined> {
    const problem = await this.ask(
      { kind: 'parse', files, target },
      'parse of the coding agent’s SQL',
      'parseProblem',
    );
    return problem ?? undefined;
  }

  /** `movedOffPrevious` on a worker, within the same budget as `assessment`. */
  async movedOffPrevious(
    files: ChangedFile[],
    patch: MergedPatch,
    target: DatasetTarget,
    mapping: ConsumerMapping,
  ): Promise<boolean> {
    return this.ask(
      { kind: 'moved-off', files, patch, target, mapping },
      'check of the default branch',
      'movedOff',
    );
  }

  /** `request` on a worker, answered with `key`; `what` names it in a refusal. */
  private async ask<K extends AnswerKey>(
    request: RewriteRequest,
    what: string,
    key: K,
    signal?: AbortSignal,
  ): Promise<AnswerOf<K>> {
    const answer = await this.run(request, what, signal);
    if (!(key in answer)) throw new Error(`the worker sent no ${key}`);
    return (answer as unknown as Record<K, AnswerOf<K>>)[key];
  }

  /** `request` on a worker; `what` names it in a refusal. */
  private run(
    request: RewriteRequest,
    what: string,
    signal?: AbortSignal,
  ): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const { queueLimit = DEFAULT_QUEUE_LIMIT, waitMs = DEFAULT_WAIT_MS } =
        this.options;
      if (signal?.aborted) {
        reject(new Error(`the ${what} was cancelled`));
        return;
      }
      if (this.closed) {
        reject(new WorkerExitError(`the ${what} was not started: ${CLOSED}`));
        return;
      }
      // Only rewrites no worker is free for wait.
      if (this.queue.length >= queueLimit) {
        reject(
          new RewritesBusyError(
            `the ${what} was not started: the ${this.size} rewrite workers are busy and ${this.queue.length} previews wait for them, at most ${queueLimit} may (datasetMigrations.consumers.rewritePreview.queue); retry in a few seconds`,
          ),
        );
        return;
      }
      const task: Task = {
        request,
        what,
        resolve,
        reject,
        signal,
        stopWaiting,
      };
      const leave = (error: Error) => {
        const at = this.queue.indexOf(task);
        if (at < 0) return; // a worker has it already
        this.queue.splice(at, 1);
        task.stopWaiting();
        reject(error);
      };
      // No timer without a bound (Node would fire one past 2^31 ms at once).
      const timer = Number.isFinite(waitMs)
        ? setTimeout(
            () =>
              leave(
                new RewritesBusyError(
                  `the ${what} waited ${waitMs / 1000} s for one of the ${
                    this.size
                  } rewrite workers, busy with other previews; retry in a few seconds`,
                ),
              ),
            waitMs,
          )
        : undefined;
      timer?.unref();
      const onAbort = () => leave(new Error(`the ${what} was cancelled`));
      signal?.addEventListener('abort', onAbort, { once: true });
      // A declaration, so the task above can hold it before its timer and listener exist.
      function stopWaiting() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      }
      this.queue.push(task);
      this.dispatch();
    });
  }

  /**
   * The consumer jobs' pool: as many workers as jobs run at once, at most the
   * cores; a job waits its turn without bound, and its budget starts when a
   * ready worker takes it.
   */
  static forJobs(options: {
    concurrency: number;
    timeoutMs: number;
    memoryMb: number;
  }): RewriteWorkers {
    return new RewriteWorkers({
      size: Math.max(1, Math.min(options.concurrency, availableParallelism())),
      timeoutMs: options.timeoutMs,
      memoryMb: options.memoryMb,
      queueLimit: Infinity,
      waitMs: Infinity,
    });
  }

  /**
   * Ends every worker: tasks waiting or running are rejected with
   * WorkerExitError (a retry elsewhere goes on), and none starts after.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) {
      task.stopWaiting();
      task.reject(
        new WorkerExitError(`the ${task.what} was not started: ${CLOSED}`),
      );
    }
    for (const end of [...this.running.values()])
      end(new WorkerExitError(CLOSED));
    const workers = this.idle.splice(0);
    this.started -= workers.length;
    await Promise.all(workers.map(w => w.terminate()));
  }

  private get memoryMb(): number {
    return this.options.memoryMb ?? 512;
  }

  private get size(): number {
    return this.options.size ?? Math.min(2, availableParallelism());
  }

  private dispatch(): void {
    while (this.queue.length > 0 && !this.closed) {
      let worker = this.idle.pop();
      if (!worker) {
        if (this.started >= this.size) return;
        worker = this.start();
      }
      this.runOn(worker, this.queue.shift()!);
    }
  }

  private start(): Worker {
    const module = __filename;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        role: ROLE,
        module,
        transform: /\.[cm]?tsx?$/.test(module)
          ? require.resolve('@backstage/cli-node/config/nodeTransform.cjs')
          : undefined,
      },
      // Not the backend's own flags (its instrumentation, say): only the rewrite.
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: this.memoryMb },
    });
    this.started++;
    // Idle workers do not keep the process alive.
    worker.unref();
    // Whatever befalls a worker between tasks: no unhandled 'error' (it would
    // end the backend), and one that died leaves the idle ones.
    worker.on('error', () => {});
    worker.on('exit', () => {
      const at = this.idle.indexOf(worker);
      if (at < 0) return; // a running task's handlers count it
      this.idle.splice(at, 1);
      this.started--;
    });
    return worker;
  }

  private runOn(worker: Worker, task: Task): void {
    task.stopWaiting();
    // A worker that failed or ran too long is ended and replaced on demand.
    const drop = (error: Error) => {
      settle();
      this.running.delete(worker);
      this.started--;
      void worker.terminate();
      task.reject(error);
      this.dispatch();
    };
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const startClock = (ms: number, error: () => Error) => {
      clearTimeout(timer);
      timer = setTimeout(() => drop(error()), ms);
    };
    const startTaskClock = () =>
      startClock(
        timeoutMs,
        () =>
          new WorkerTimeoutError(
            `the ${task.what} took longer than ${timeoutMs / 1000} s`,
          ),
      );
    let ready = this.answered.has(worker);
    const onMessage = (answer: WorkerMessage) => {
      if ('ready' in answer) {
        ready = true;
        startTaskClock();
        return;
      }
      settle();
      this.running.delete(worker);
      this.answered.add(worker);
      this.idle.push(worker);
      if (!('error' in answer)) task.resolve(answer);
      else
        task.reject(
          Object.assign(new Error(answer.error.message), {
            name: answer.error.name,
          }),
        );
      this.dispatch();
    };
    const onFailure = (error: Error & { code?: string }) =>
      drop(
        // Out of memory while starting (the parser's load) is not the task's doing.
        error.code === 'ERR_WORKER_OUT_OF_MEMORY' && ready
          ? new WorkerMemoryError(
              `the ${task.what} needed more than its worker's ${this.memoryMb} MB of memory`,
            )
          : new WorkerExitError(
              `the ${task.what} failed its worker: ${error.message}`,
            ),
      );
    const onExit = (code: number) =>
      drop(
        new WorkerExitError(
          `the ${task.what}'s worker exited with ${code} before it answered`,
        ),
      );
    // A rewrite cannot be interrupted inside its worker: the worker is ended.
    const onAbort = () => drop(new Error(`the ${task.what} was cancelled`));
    // A declaration, so the handlers above can call it; it removes them all.
    function settle() {
      clearTimeout(timer);
      task.signal?.removeEventListener('abort', onAbort);
      worker.off('message', onMessage);
      worker.off('error', onFailure);
      worker.off('exit', onExit);
    }
    if (task.signal?.aborted) {
      onAbort();
      return;
    }
    task.signal?.addEventListener('abort', onAbort, { once: true });
    this.running.set(worker, drop);
    // A new worker says when it is ready (its first message); one that has
    // answered before is ready now.
    if (ready) startTaskClock();
    else
      startClock(
        START_TIMEOUT_MS,
        () =>
          new WorkerExitError(
            `the ${task.what}'s worker did not start within ${
              START_TIMEOUT_MS / 1000
            } s`,
          ),
      );
    worker.on('message', onMessage);
    worker.on('error', onFailure);
    worker.on('exit', onExit);
    worker.postMessage(task.request);
  }
}

/** What a worker answers a request. */
function answerTo(request: RewriteRequest): Answer {
  if (request.kind === 'shadow-plan')
    return { shadowPlan: planShadowChecks(request.input) };
  if (request.kind === 'moved-off')
    return {
      movedOff: movedOffPrevious(
        request.files,
        request.patch,
        request.target,
        request.mapping,
      ),
    };
  if (request.kind === 'parse')
    return {
      parseProblem: parseProblem(request.files, request.target) ?? null,
    };
  const { kind, files, target, mapping } = request;
  if (kind === 'rewrite')
    return { files: rewriteConsumerFiles(files, target, mapping) };
  const assessment = assessConsumer(files, target, mapping);
  return kind === 'impact' ? { impact: assessment.impact } : { assessment };
}

/** In a worker of the pool: rewrites each request it is sent, one at a time. */
async function serve(): Promise<void> {
  await loadSqlParser();
  // Before any answer (a port keeps its order); requests sent meanwhile wait
  // in the port until the listener below is on.
  parentPort!.postMessage({ ready: true });
  parentPort!.on('message', (request: RewriteRequest) => {
    let answer: RewriteAnswer;
    try {
      answer = answerTo(request);
    } catch (error) {
      const { name, message } = error as Error;
      answer = { error: { name, message } };
    }
    parentPort!.postMessage(answer);
  });
}

if (!isMainThread && workerData?.role === ROLE) void serve();
