/**
 * Verify while the engine's sessions are terminated more often than an attempt
 * can start (plan, the run's shape, verify's own first reads) and a writer keeps
 * writing. The terminations are counted in the engine's statements, not in
 * milliseconds, so that where they land does not depend on the machine's load:
 * every STATEMENTS_BETWEEN-th statement the engine sends in verify finds every
 * engine session ended. An attempt needs more statements than that before it
 * can compare its first range, so a verify that leaves the attempt at each lost
 * connection never gets a range done, and the runner gives up after
 * MAX_ATTEMPTS_WITHOUT_PROGRESS attempts that moved the run no further.
 */
import { Client } from 'pg';
import type {
  FieldChange,
  VerificationFigures,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { MigrationInterruptedError } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  ENGINE_APP,
  eventsUnderTerminations,
} from '../../__testUtils__/eventsUnderTerminations';
import { engineRun } from '../../__testUtils__/engineRun';
import { MAX_ATTEMPTS_WITHOUT_PROGRESS } from '../../jobs/MigrationRunner';

const ROWS = 10_000;
/** Backfill batches of at most 100 rows mark verify ranges of about 1,000 (see BATCHES_PER_RANGE). */
const RANGE_ROWS = 1_000;
/**
 * Statements of the engine's between two terminations: more than one range
 * needs (two snapshot transactions, the export and its import, one checksum a
 * side), fewer than an attempt sends before its first range.
 */
const STATEMENTS_BETWEEN = 12;
const changes: FieldChange[] = [
  { renameField: { from: 'user_id', to: 'listener_id' } },
];

interface VerifyState {
  ranges: number;
  differing: number;
  complete: boolean;
  source: { rows: number };
}

describe('verify under terminations more frequent than an attempt’s start', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });
  const setup = eventsUnderTerminations({
    rows: ROWS,
    maxBatchRows: RANGE_ROWS / 10,
  });

  /**
   * Runs attempts as the runner would, each resuming from the last one's
   * checkpoints, until one ends otherwise than interrupted or the runner would
   * have given up. In verify, every engine statement `terminatesBefore` picks
   * first ends every engine session, and so fails as a lost connection;
   * `beforeVerify` runs once, as verify is next.
   */
  async function runUnderTerminations(
    terminatesBefore: (text: string, values: unknown[]) => boolean,
    beforeVerify?: () => Promise<void>,
  ) {
    const { harness, engine } = setup;
    let checkpoints = new Map<string, unknown>();
    // Until verify has compared its last range (the undo of a run that failed
    // is not what this test is about).
    const inVerify = () =>
      checkpoints.has('done:indexes') &&
      !(checkpoints.get('verify') as { complete?: boolean } | undefined)
        ?.complete;
    const verifyReports: number[] = [];
    const verifications: VerificationFigures[] = [];

    let terminated = 0;
    const query = Client.prototype.query;
    jest
      .spyOn(Client.prototype, 'query')
      .mockImplementation(function terminating(this: Client, ...args) {
        const app = (
          this as unknown as {
            connectionParameters: { application_name?: string };
          }
        ).connectionParameters.application_name;
        const [first, second] = args as unknown[];
        const [text, values] =
          typeof first === 'string'
            ? [first, Array.isArray(second) ? second : []]
            : [
                String((first as { text?: string }).text),
                (first as { values?: unknown[] }).values ?? [],
              ];
        if (
          app !== ENGINE_APP ||
          !inVerify() ||
          !terminatesBefore(text, values)
        )
          return (query as Function).apply(this, args);
        return harness
          .raw(
            `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000))::int AS n
               FROM pg_stat_activity
              WHERE datname = current_database() AND application_name = ?`,
            [ENGINE_APP],
          )
          .then(({ rows }) => {
            terminated += rows[0].n;
            return (query as Function).apply(this, args);
          });
      });

    // Updates, inserts and deletes through the dataset's name, all the while.
    let writing = true;
    let writes = 0;
    const writer = (async () => {
      for (let n = 1; writing; n++) {
        const id = 1 + Math.floor(Math.random() * ROWS);
        if (n % 3 === 0)
          await harness.raw(
            `UPDATE public.events SET user_id = md5(random()::text) WHERE id = ?`,
            [id],
          );
        else if (n % 3 === 1)
          await harness.raw(
            `INSERT INTO public.events VALUES (?, 'new', '1')`,
            [ROWS + n],
          );
        else await harness.raw(`DELETE FROM public.events WHERE id = ?`, [id]);
        writes += 1;
      }
    })();

    let attempts = 0;
    let withoutProgress = 0;
    let mostWithoutProgress = 0;
    let outcome: unknown;
    let verify: VerifyState | undefined;
    const keepVerify = (value: unknown) => {
      verify = value as VerifyState;
    };
    try {
      while (withoutProgress < MAX_ATTEMPTS_WITHOUT_PROGRESS) {
        attempts += 1;
        let progressed = false;
        const attempt = await engineRun(engine, 'public.events', changes, {
          progress: async (stage, done) => {
            if (stage === 'verify') verifyReports.push(done);
          },
          recordVerification: async figures => {
            verifications.push(figures);
          },
        }).catch(error => {
          // Planning reads the live schema: a terminated read is retried too.
          if (error instanceof MigrationInterruptedError) return undefined;
          throw error;
        });
        if (attempt) {
          for (const [name, value] of checkpoints)
            attempt.checkpoints.set(name, value);
          checkpoints = attempt.checkpoints;
          // As the runner counts it: an attempt that wrote a checkpoint moved the run.
          const set = attempt.run.checkpoints.set;
          attempt.run.checkpoints.set = async (name, value) => {
            progressed = true;
            await set(name, value);
            // Kept here too: the undo of a failed run clears the checkpoints.
            if (name === 'verify') keepVerify(value);
            if (name === 'done:indexes') await beforeVerify?.();
          };
          try {
            await engine.migrate(attempt.run);
            outcome = 'succeeded';
            break;
          } catch (error) {
            if (!(error instanceof MigrationInterruptedError)) {
              outcome = error;
              break;
            }
          }
        }
        withoutProgress = progressed ? 0 : withoutProgress + 1;
        mostWithoutProgress = Math.max(mostWithoutProgress, withoutProgress);
      }
    } finally {
      writing = false;
      await writer;
    }
    return {
      outcome,
      attempts,
      mostWithoutProgress,
      terminated,
      writes,
      verifyReports,
      verifications,
      verify,
    };
  }

  /** Every STATEMENTS_BETWEEN-th statement of the engine's in verify. */
  const everyFewStatements = () => {
    let statements = 0;
    return () => ++statements % STATEMENTS_BETWEEN === 0;
  };

  it('finishes with every range compared once, and the versions equal', async () => {
    const result = await runUnderTerminations(everyFewStatements());

    // The runner would not have given up, and the run verified.
    expect(result.mostWithoutProgress).toBeLessThan(
      MAX_ATTEMPTS_WITHOUT_PROGRESS,
    );
    expect(result.outcome).toBe('succeeded');
    expect(result.verify).toMatchObject({ complete: true, differing: 0 });
    expect(result.verifications.length).toBeGreaterThan(0);
    expect(result.verifications.every(v => v.matched)).toBe(true);
    expect(result.verify!.ranges).toBeGreaterThanOrEqual(ROWS / RANGE_ROWS - 1);
    // Sessions were ended all along verify: at least one termination a range.
    expect(result.terminated).toBeGreaterThanOrEqual(result.verify!.ranges);
    expect(result.writes).toBeGreaterThan(0);
    // Each range reported once, after its checkpoint: none compared twice.
    expect(result.verifyReports).toHaveLength(result.verify!.ranges);
    expect(result.verifyReports.at(-1)).toBe(result.verify!.source.rows);
    // Never backwards; a range may hold no row (the writer deleted the backfill's
    // mark that ends it and the few keys before it), so equal is possible.
    for (let i = 1; i < result.verifyReports.length; i++)
      expect(result.verifyReports[i]).toBeGreaterThanOrEqual(
        result.verifyReports[i - 1],
      );

    // The new version holds exactly the old one's rows, the writer's included.
    const { rows } = await setup.knex.raw(
      `SELECT (SELECT count(*) FROM public.events_v1)::int AS source,
              (SELECT count(*) FROM public.events_v2)::int AS target,
              (SELECT count(*) FROM (
                 (SELECT id, user_id, duration FROM public.events_v1
                   EXCEPT SELECT id, listener_id, duration FROM public.events_v2)
                 UNION ALL
                 (SELECT id, listener_id, duration FROM public.events_v2
                   EXCEPT SELECT id, user_id, duration FROM public.events_v1)) AS d)::int AS differing`,
    );
    expect(rows[0]).toEqual({
      source: rows[0].target,
      target: expect.any(Number),
      differing: 0,
    });
  }, 120_000);

  it('halves a range cut off each time it is compared until it fits between terminations', async () => {
    // A range of more than LONGEST_RANGE_KEYS keys is cut off each time its
    // source side is read (as one that takes longer than connections last):
    // the backfill marked ranges of about 1,000.
    const LONGEST_RANGE_KEYS = 400;
    let cutOff = 0;
    const result = await runUnderTerminations((text, values) => {
      // The source's side: the dataset's own table until the cut-over.
      if (!text.includes('hashint8extended') || text.includes('events_v2'))
        return false;
      // The first range from the first key (1), the last one to the end.
      const [after, upTo] = text.includes('> ($1')
        ? [Number(values[0]), text.includes('<= ($2') ? values[1] : undefined]
        : [0, text.includes('<= ($1') ? values[0] : undefined];
      const long =
        upTo !== undefined && Number(upTo) - after > LONGEST_RANGE_KEYS;
      if (long) cutOff += 1;
      return long;
    });

    expect(result.mostWithoutProgress).toBeLessThan(
      MAX_ATTEMPTS_WITHOUT_PROGRESS,
    );
    expect(result.outcome).toBe('succeeded');
    expect(cutOff).toBeGreaterThanOrEqual(1);
    expect(result.verify).toMatchObject({ complete: true, differing: 0 });
    expect(result.verifications.every(v => v.matched)).toBe(true);
    // Ranges of at most a quarter of the marked ones: twice as many at least.
    expect(result.verify!.ranges).toBeGreaterThanOrEqual(
      (2 * ROWS) / RANGE_ROWS,
    );
    expect(result.verifyReports).toHaveLength(result.verify!.ranges);
    expect(result.verifyReports.at(-1)).toBe(result.verify!.source.rows);
  }, 120_000);

  it('walks to a bounded range after a range to the end is cut off, though the row estimate says the rest fits in one', async () => {
    // The estimate is older than the rows (2,000 of 10,000): once verify has
    // compared that many, it takes the rest as one range to the end, which is
    // cut off each time it is read from the first half.
    let cutOff = 0;
    const result = await runUnderTerminations(
      (text, values) => {
        if (!text.includes('hashint8extended') || text.includes('events_v2'))
          return false;
        const toTheEnd = !text.includes('<= ($');
        const after = text.includes('> ($1') ? Number(values[0]) : 0;
        const cut = toTheEnd && after < ROWS / 2;
        if (cut) cutOff += 1;
        return cut;
      },
      async () => {
        await setup.harness.raw(
          `UPDATE pg_class SET reltuples = 2000 WHERE oid = 'public.events'::regclass`,
        );
      },
    );

    expect(cutOff).toBeGreaterThanOrEqual(1);
    expect(result.mostWithoutProgress).toBeLessThan(
      MAX_ATTEMPTS_WITHOUT_PROGRESS,
    );
    expect(result.outcome).toBe('succeeded');
    expect(result.verify).toMatchObject({ complete: true, differing: 0 });
    expect(result.verify!.ranges).toBeGreaterThan(1);
  }, 120_000);

  it('still fails a real difference, and undoes the run', async () => {
    // A row in the new version only, put there behind the capture trigger's
    // back, with a key the writer never writes.
    const result = await runUnderTerminations(
      everyFewStatements(),
      async () => {
        await setup.harness.raw(
          `INSERT INTO public.events_v2 (id, listener_id, duration) VALUES (-1, 'stray', '1')`,
        );
      },
    );

    expect(result.mostWithoutProgress).toBeLessThan(
      MAX_ATTEMPTS_WITHOUT_PROGRESS,
    );
    expect(String(result.outcome)).toMatch(/^Error: verification failed: /);
    expect(result.verify).toMatchObject({ complete: true, differing: 1 });
    expect(result.verifications.at(-1)).toMatchObject({ matched: false });
    const { source, target } = result.verifications.at(-1)!;
    expect(target.rows).toBe(source.rows + 1);
    expect(result.terminated).toBeGreaterThanOrEqual(result.verify!.ranges);
    // Undone: the dataset's name is its table again, the new version gone.
    const { rows } = await setup.knex.raw(
      `SELECT to_regclass('public.events_v2')::text AS target`,
    );
    expect(rows[0].target).toBeNull();
  }, 120_000);
});
