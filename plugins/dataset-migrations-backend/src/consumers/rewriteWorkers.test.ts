import type { Worker } from 'node:worker_threads';
import { consumerMapping } from './sql/fieldMapping';
import { loadSqlParser } from '../sql/sqlParser';
import { parseProblem } from './sql/rewriteSql';
import { assessConsumer } from './impact';
import { movedOffPrevious } from './movedOffPrevious';
import { unifiedDiff } from './unifiedDiff';
import { planShadowChecks } from './verification/shadowPlan';
import {
  RewriteWorkers,
  RewritesBusyError,
  WorkerExitError,
  WorkerMemoryError,
  WorkerTimeoutError,
  pastWorkerBudget,
} from './rewriteWorkers';

/** The rewrite-preview pool: a burst waits in a bounded queue, for a bounded time. */
describe('RewriteWorkers', () => {
  const target = { schema: 'public', table: 'events', fields: ['id', 'title'] };
  const mapping = consumerMapping(
    [
      { name: 'id', type: 'integer', nullable: false, primaryKey: true },
      { name: 'title', type: 'text', nullable: true, primaryKey: false },
    ],
    [{ renameField: { from: 'title', to: 'headline' } }],
  );
  /** Keeps a started worker busy for about half a second here: 64 KiB of statements. */
  const long = [
    {
      path: 'long.sql',
      content: 'select title from events where id > 1;\n'.repeat(1680),
    },
  ];
  /** About three seconds here, on a worker that has started: 1 MiB of them. */
  const slow = [{ ...long[0], content: long[0].content.repeat(16) }];
  const short = [{ path: 'short.sql', content: 'select title from events' }];
  let workers: RewriteWorkers | undefined;

  afterEach(async () => {
    await workers?.close();
  });

  it('refuses a rewrite at once when as many wait as it queues, naming the limit', async () => {
    workers = new RewriteWorkers({ size: 1, queueLimit: 1 });
    const running = workers.rewrite(long, target, mapping);
    const waiting = workers.rewrite(short, target, mapping);
    const refused = workers.rewrite(short, target, mapping);

    await expect(refused).rejects.toThrow(RewritesBusyError);
    await expect(refused).rejects.toThrow(
      'the 1 rewrite workers are busy and 1 previews wait for them, at most 1 may',
    );
    // Those admitted are rewritten.
    const [[first], [second]] = await Promise.all([running, waiting]);
    expect(first.status).toBe('rewritten');
    expect(second.content).toBe('select headline AS title from events');
  });

  it('refuses a rewrite that waited too long for a worker', async () => {
    workers = new RewriteWorkers({ size: 1, waitMs: 200 });
    const running = workers.rewrite(long, target, mapping);
    await expect(workers.rewrite(short, target, mapping)).rejects.toThrow(
      'the rewrite preview waited 0.2 s for one of the 1 rewrite workers',
    );
    await running;
  });

  it('drops a waiting rewrite whose request went away, making room for another', async () => {
    workers = new RewriteWorkers({ size: 1, queueLimit: 1 });
    const running = workers.rewrite(long, target, mapping);
    const gone = new AbortController();
    const abandoned = workers.rewrite(short, target, mapping, gone.signal);
    gone.abort();
    await expect(abandoned).rejects.toThrow('cancelled');
    // Its place in the queue is free again.
    const [next] = await workers.rewrite(short, target, mapping);
    expect(next.content).toBe('select headline AS title from events');
    await running;
  });

  it('ends the worker of a running rewrite whose request went away, freeing it for the next', async () => {
    workers = new RewriteWorkers({ size: 1, waitMs: 200 });
    const gone = new AbortController();
    const abandoned = workers.rewrite(long, target, mapping, gone.signal);
    // Taken by the worker at once: the queue is empty.
    gone.abort();
    await expect(abandoned).rejects.toThrow('cancelled');
    // Had the long rewrite kept the only worker, this would wait past 0.2 s and be refused.
    const [next] = await workers.rewrite(short, target, mapping);
    expect(next.content).toBe('select headline AS title from events');
  });

  it("assesses a consumer as assessConsumer does in this thread: its impact and each file's rewrite", async () => {
    await loadSqlParser();
    workers = new RewriteWorkers({ size: 1 });
    const files = [
      ...short,
      {
        path: 'etl/load.py',
        content: 'cur.execute("SELECT id, title FROM events")\n',
      },
      { path: 'README.md', content: 'events\n' },
    ];
    const here = assessConsumer(files, target, mapping);
    expect(here.results.map(r => r.status)).toContain('rewritten');
    expect(await workers.assessment(files, target, mapping)).toEqual(here);
  });

  it("plans a patch's shadow checks as planShadowChecks does in this thread", async () => {
    await loadSqlParser();
    workers = new RewriteWorkers({ size: 1 });
    const input = {
      snapshot: [
        {
          path: 'q.sql',
          content: 'select title from events; delete from events',
        },
        {
          path: 'dbt_project.yml',
          content: 'name: shop\nvars:\n  cutoff: 3\n',
        },
        {
          path: 'models/sources.yml',
          content:
            'version: 2\nsources:\n  - name: app\n    schema: public\n    tables:\n      - name: events\n',
        },
        {
          path: 'models/m.sql',
          content:
            "select title from {{ source('app', 'events') }} where id > {{ var('cutoff') }}",
        },
      ],
      patched: [
        {
          path: 'q.sql',
          content: 'select headline AS title from events; delete from events',
        },
        {
          path: 'models/m.sql',
          content:
            "select headline AS title from {{ source('app', 'events') }} where id > {{ var('cutoff') }}",
        },
      ],
      target,
      handedOver: [],
      relations: { before: 'public.events_v1', after: 'public.events_v2' },
    };
    const here = planShadowChecks(input);
    // The dbt model is rendered, its source standing for the dataset.
    expect(here).toEqual([
      {
        path: 'q.sql',
        statement: 1,
        before: 'select title from public.events_v1 AS events',
        after: 'select headline AS title from public.events_v2 AS events',
      },
      { path: 'q.sql', statement: 2, skipped: 'not a SELECT' },
      {
        path: 'models/m.sql',
        statement: 1,
        before:
          'select title from public.events_v1 AS dsm_rendered_dataset__ where id > 3',
        after:
          'select headline AS title from public.events_v2 AS dsm_rendered_dataset__ where id > 3',
      },
    ]);
    expect(await workers.shadowPlan(input)).toEqual(here);
  });

  it("names the coding agent's first SQL file that does not parse, as parseProblem does here", async () => {
    await loadSqlParser();
    workers = new RewriteWorkers({ size: 1 });
    const files = [
      { path: 'notes.md', content: 'select from where' },
      ...short,
      { path: 'b.sql', content: 'select title frm events where' },
      { path: 'c.sql', content: 'select (' },
    ];
    const here = parseProblem(files, target);
    expect(here?.path).toBe('b.sql');
    expect(here?.message).toMatch(/syntax error/i);
    expect(await workers.parseProblem(files, target)).toEqual(here);
    expect(await workers.parseProblem(short, target)).toBeUndefined();
  });

  it("checks a merged consumer's default branch as movedOffPrevious does in this thread", async () => {
    await loadSqlParser();
    workers = new RewriteWorkers({ size: 1 });
    const before = 'select title from events;\n';
    const patched = 'select headline AS title from events;\n';
    const patch = {
      files: [{ path: 'q.sql', content: patched }],
      diff: unifiedDiff('q.sql', before, patched),
    };
    // Merged as proposed: moved off; the patch's line edited back: not.
    const answers = [];
    for (const content of [patched, `-- note\n${before}`]) {
      const files = [{ path: 'q.sql', content }];
      const here = movedOffPrevious(files, patch, target, mapping);
      expect(
        await workers.movedOffPrevious(files, patch, target, mapping),
      ).toBe(here);
      answers.push(here);
    }
    expect(answers).toEqual([true, false]);
  });

  it('ends a task past its time with WorkerTimeoutError naming the limit', async () => {
    workers = new RewriteWorkers({ size: 1, timeoutMs: 300 });
    // Its worker started (a start is not counted) before the slow task comes.
    await workers.assessment(short, target, mapping);
    const stopped = workers.assessment(slow, target, mapping);
    await expect(stopped).rejects.toThrow(WorkerTimeoutError);
    await expect(stopped).rejects.toThrow(
      'the assessment took longer than 0.3 s',
    );
  });

  it('ends a task past its memory with WorkerMemoryError naming the limit', async () => {
    workers = new RewriteWorkers({ size: 1, memoryMb: 96 });
    // Its worker started within the limit (a start is not the task's).
    await workers.assessment(short, target, mapping);
    // A few hundred megabytes of strings to hold: more than 96 MB of heap.
    const big = Array.from({ length: 64 }, (_, i) => ({
      path: `q${i}.sql`,
      content: `select title from events where id > ${i};\n`.repeat(100_000),
    }));
    const stopped = workers.assessment(big, target, mapping);
    await expect(stopped).rejects.toThrow(WorkerMemoryError);
    await expect(stopped).rejects.toThrow(
      "needed more than its worker's 96 MB of memory",
    );
  });

  it('takes a worker out of memory while it starts for an interruption, not the task past its memory', async () => {
    // Too little heap to load the parser at all.
    workers = new RewriteWorkers({ size: 1, memoryMb: 8 });
    const failed = await workers
      .assessment(short, target, mapping)
      .catch(e => e);
    expect(failed).toBeInstanceOf(WorkerExitError);
    expect(pastWorkerBudget(failed)).toBe(false);
  });

  it('keeps a task waiting as long as it takes where the wait is unbounded', async () => {
    // Node fires a timer past 2^31 ms at once: an unbounded wait sets none.
    workers = new RewriteWorkers({
      size: 1,
      queueLimit: Infinity,
      waitMs: Infinity,
    });
    const running = workers.assessment(long, target, mapping);
    const waiting = workers.assessment(short, target, mapping);
    const [first, second] = await Promise.all([running, waiting]);
    expect(first.impact.status).toBe('affected');
    expect(second.results[0].content).toBe(
      'select headline AS title from events',
    );
  });

  it('ends running and waiting tasks when it closes, as interruptions, not as over budget, and starts none after', async () => {
    workers = new RewriteWorkers({
      size: 1,
      queueLimit: Infinity,
      waitMs: Infinity,
    });
    // Their outcomes are taken at once: close() rejects them before any await.
    const running = workers.assessment(long, target, mapping).catch(e => e);
    const waiting = workers.assessment(short, target, mapping).catch(e => e);
    await workers.close();
    const [ran, waited] = await Promise.all([running, waiting]);
    expect(ran).toBeInstanceOf(WorkerExitError);
    expect(ran.message).toBe('the backend is shutting down');
    expect(waited).toBeInstanceOf(WorkerExitError);
    expect(waited.message).toBe(
      'the assessment was not started: the backend is shutting down',
    );
    expect(pastWorkerBudget(ran)).toBe(false);
    await expect(workers.assessment(short, target, mapping)).rejects.toThrow(
      WorkerExitError,
    );
  });

  it('drops an idle worker that died, and runs the next task on a new one', async () => {
    workers = new RewriteWorkers({ size: 1 });
    await workers.assessment(short, target, mapping);
    // The pool's only worker, idle, ends between tasks.
    const [idle] = (workers as unknown as { idle: Worker[] }).idle;
    const exited = new Promise(resolve => idle.once('exit', resolve));
    await idle.terminate();
    await exited;
    // Posted to the dead one, this would never be answered.
    const { results } = await workers.assessment(short, target, mapping);
    expect(results[0].content).toBe('select headline AS title from events');
  });

  it("counts a task's time from when its worker is ready, not the worker's start", async () => {
    // A new worker loads the parser (0.7 s here) before it answers.
    workers = new RewriteWorkers({ size: 1, timeoutMs: 300 });
    const { results } = await workers.assessment(short, target, mapping);
    expect(results[0].content).toBe('select headline AS title from events');
  });
});
