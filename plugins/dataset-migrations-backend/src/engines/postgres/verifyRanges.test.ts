/**
 * Verify in checkpointed ranges of the key, through the engine's public interface
 * on a real database: a resumed verify goes on from its checkpoint, keeps what the
 * ranges before it found, counts no range twice, and reads the whole tables at
 * once when the new key does not sort as the source's.
 */
import type { Knex } from 'knex';
import type { FieldChange } from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  MigrationInterruptedError,
  type DatasetEngine,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { engineRun } from '../../__testUtils__/engineRun';

const ROWS = 50_000;
/**
 * Backfill batches of 1,000 rows (the fewest a batch sizes itself to, and here the
 * most) mark verify ranges of 10,000 (see BATCHES_PER_RANGE).
 */
const RANGE_ROWS = 10_000;
const RANGES = ROWS / RANGE_ROWS;

describe('verify in checkpointed ranges of the key', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;

  beforeEach(async () => {
    knex = await init();
    await knex.raw(`
      CREATE TABLE public.events (
        id bigint PRIMARY KEY,
        user_id text NOT NULL,
        duration text
      )`);
    await knex.raw(
      `INSERT INTO public.events
       SELECT g, 'user' || g, (g % 300)::text FROM generate_series(1, ${ROWS}) AS g`,
    );
    // A known row count: the range estimated to be the last is not walked.
    await knex.raw('ANALYZE public.events');
    // By key: these ranges end at the marks key batches leave (blocks leave none).
    engine = await createTestEngine(knex, {
      config: {
        backfill: {
          maxBatchRows: RANGE_ROWS / 10,
          batchesByKey: true,
          // Always in ranges, as a table too big for one pass goes.
          verifyOnePassUpTo: '0s',
        },
      },
    });
  });

  afterEach(async () => {
    await engine.close?.();
    await knex.destroy();
  });

  const changes: FieldChange[] = [
    { renameField: { from: 'user_id', to: 'listener_id' } },
    { changeType: { field: 'duration', type: 'integer' } },
  ];

  const runFor = (
    options: Parameters<typeof engineRun>[3] = {},
    fieldChanges = changes,
  ) => engineRun(engine, 'public.events', fieldChanges, options);

  /** Stops the attempt as a dying worker would, once `ranges` verify ranges are reported. */
  const stopAfterRanges = (ranges: number) => {
    let reported = 0;
    return async (stage: string) => {
      if (stage === 'verify' && ++reported === ranges)
        throw new MigrationInterruptedError('worker stopped');
    };
  };

  /** The next attempt, starting from the checkpoints an earlier one left. */
  async function resumeFrom(checkpoints: Map<string, unknown>) {
    const next = await runFor();
    for (const [name, value] of checkpoints) next.checkpoints.set(name, value);
    return next;
  }

  it('resumes an interrupted verify from its checkpoint, without comparing the ranges compared again', async () => {
    const first = await runFor({ progress: stopAfterRanges(2) });
    await expect(engine.migrate(first.run)).rejects.toBeInstanceOf(
      MigrationInterruptedError,
    );
    expect(first.checkpoints.get('verify')).toMatchObject({
      ranges: 2,
      complete: false,
      lastKey: [String(2 * RANGE_ROWS)],
      source: { rows: 2 * RANGE_ROWS },
      target: { rows: 2 * RANGE_ROWS },
      differing: 0,
    });

    // Writes while no worker runs it, to a range compared and to one not yet.
    await knex('events').where({ id: 12 }).update({ user_id: 'meanwhile' });
    await knex('events').where({ id: 40_000 }).update({ duration: '7' });

    const second = await resumeFrom(first.checkpoints);
    await engine.migrate(second.run);
    expect(second.steps.map(s => s.name)).toEqual(['verify', 'cut-over']);
    expect(second.logs).toContain(
      `resuming verify after 2 ranges (${2 * RANGE_ROWS} rows compared)`,
    );
    // One report per range compared: the third range first, then the rest.
    expect(
      second.progress.filter(p => p.stage === 'verify').map(p => p.done),
    ).toEqual([3, 4, 5].map(n => n * RANGE_ROWS));
    expect(second.checkpoints.get('verify')).toMatchObject({
      ranges: RANGES,
      complete: true,
    });
    expect(second.verifications).toEqual([
      {
        source: { rows: ROWS, checksum: expect.any(String) },
        target: {
          rows: ROWS,
          checksum: second.verifications[0].source.checksum,
        },
        matched: true,
        durationMs: expect.any(Number),
      },
    ]);
    expect(await knex('events').where({ id: 12 }).first('listener_id')).toEqual(
      { listener_id: 'meanwhile' },
    );
  });

  it('ends its ranges where the backfill marked them, without walking the key to find them', async () => {
    let deleted = false;
    const stop = stopAfterRanges(1);
    const first = await runFor({
      progress: async (stage, done) => {
        // Once the backfill marked the ends: a walk of 10,000 keys would now
        // end the first range at 10,500, where the mark says 10,000.
        if (stage === 'backfill' && done === ROWS && !deleted) {
          deleted = true;
          await knex('events').where('id', '<=', 500).delete();
        }
        await stop(stage);
      },
    });
    await expect(engine.migrate(first.run)).rejects.toBeInstanceOf(
      MigrationInterruptedError,
    );
    expect(deleted).toBe(true);
    expect(first.checkpoints.get('backfill')).toMatchObject({
      rangeEnds: [1, 2, 3, 4, 5].map(n => [String(n * RANGE_ROWS)]),
    });
    expect(first.checkpoints.get('verify')).toMatchObject({
      ranges: 1,
      lastKey: [String(RANGE_ROWS)],
      source: { rows: RANGE_ROWS - 500 },
      target: { rows: RANGE_ROWS - 500 },
    });
  });

  it('walks to find its ranges after a backfill resumed from a checkpoint written before marks', async () => {
    let stopped = false;
    const first = await runFor({
      progress: async (stage, done) => {
        if (stage === 'backfill' && done >= 2 * RANGE_ROWS && !stopped) {
          stopped = true;
          throw new MigrationInterruptedError('worker stopped');
        }
      },
    });
    await expect(engine.migrate(first.run)).rejects.toBeInstanceOf(
      MigrationInterruptedError,
    );
    const { lastKey, rows } = first.checkpoints.get('backfill') as {
      lastKey: string[];
      rows: number;
    };
    expect(rows).toBeGreaterThanOrEqual(2 * RANGE_ROWS);
    // As an older version wrote it: no marks.
    const second = await resumeFrom(
      new Map([...first.checkpoints, ['backfill', { lastKey, rows }]]),
    );
    await engine.migrate(second.run);
    // Marking from here would make a first range of every row copied before.
    expect(second.checkpoints.get('backfill')).not.toHaveProperty('rangeEnds');
    expect(second.checkpoints.get('verify')).toMatchObject({
      ranges: RANGES,
      complete: true,
      markedEnds: [],
      source: { rows: ROWS },
      target: { rows: ROWS },
      differing: 0,
    });
  });

  it('still fails on a wrong row in a range compared before the interruption', async () => {
    let changed = false;
    const stop = stopAfterRanges(2);
    const first = await runFor({
      progress: async stage => {
        if (stage === 'backfill' && !changed) {
          changed = true;
          // A copied row changed behind the capture's back: only verify can notice.
          await knex.raw(
            `UPDATE public.events_v2 SET duration = duration + 1 WHERE id = 11`,
          );
        }
        await stop(stage);
      },
    });
    await expect(engine.migrate(first.run)).rejects.toBeInstanceOf(
      MigrationInterruptedError,
    );
    expect(changed).toBe(true);
    expect(first.checkpoints.get('verify')).toMatchObject({
      ranges: 2,
      differing: 1,
    });
    expect(first.logs).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(
            `^the sides differ in the keys up to \\(${RANGE_ROWS}\\): source ${RANGE_ROWS} rows`,
          ),
        ),
      ]),
    );

    const second = await resumeFrom(first.checkpoints);
    await expect(engine.migrate(second.run)).rejects.toThrow(
      new RegExp(
        `^verification failed: source ${ROWS} rows \\(checksum -?\\d+\\), target ${ROWS} rows \\(checksum -?\\d+\\)$`,
      ),
    );
    // The first range was not read again: its difference came from the checkpoint.
    expect(
      second.progress.filter(p => p.stage === 'verify').map(p => p.done)[0],
    ).toBe(3 * RANGE_ROWS);
    expect(second.verifications).toHaveLength(1);
    expect(second.verifications[0].matched).toBe(false);
    expect(second.steps.map(s => `${s.name}:${s.status}`)).toEqual([
      'verify:failed',
    ]);
    // Undone: the source as it was, no new version.
    const { rows } = await knex.raw(
      `SELECT to_regclass('public.events_v2') AS target`,
    );
    expect(rows[0].target).toBeNull();
  });

  describe('once its ranges say the rest fits the time one pass may take (the default)', () => {
    beforeEach(async () => {
      await engine.close?.();
      engine = await createTestEngine(knex, {
        config: {
          backfill: { maxBatchRows: RANGE_ROWS / 10, batchesByKey: true },
        },
      });
    });

    it('compares the rest of the tables in one pass after the first range', async () => {
      const { run, checkpoints, logs, progress, verifications } =
        await runFor();
      await engine.migrate(run);
      expect(checkpoints.get('verify')).toMatchObject({
        ranges: 2,
        complete: true,
        differing: 0,
        source: { rows: ROWS },
        target: { rows: ROWS },
      });
      expect(
        progress.filter(p => p.stage === 'verify').map(p => p.done),
      ).toEqual([RANGE_ROWS, ROWS]);
      expect(logs).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            new RegExp(
              `^comparing the remaining ~${
                ROWS - RANGE_ROWS
              } rows in one pass \\(estimated \\d+\\.\\d s, up to 30 s allowed\\)$`,
            ),
          ),
        ]),
      );
      expect(verifications).toMatchObject([
        { source: { rows: ROWS }, target: { rows: ROWS }, matched: true },
      ]);
    });

    it('fails on a wrong row that only the one pass reads', async () => {
      let changed = false;
      const verifyReports: number[] = [];
      const { run, logs, verifications } = await runFor({
        progress: async (stage, done) => {
          if (stage === 'verify') verifyReports.push(done);
          if (stage === 'verify' && !changed) {
            changed = true;
            // After the first range: a copied row changed behind the capture's
            // back, in the rest, which only the one pass reads.
            await knex.raw(
              `UPDATE public.events_v2 SET duration = duration + 1 WHERE id = ${
                ROWS - 10
              }`,
            );
          }
        },
      });
      await expect(engine.migrate(run)).rejects.toThrow(
        /^verification failed: /,
      );
      expect(changed).toBe(true);
      // Two reads: the first range, then the rest in one pass.
      expect(verifyReports).toEqual([RANGE_ROWS, ROWS]);
      expect(verifications).toMatchObject([{ matched: false }]);
      expect(logs).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            new RegExp(
              `^the sides differ in the keys after \\(${RANGE_ROWS}\\): `,
            ),
          ),
        ]),
      );
    });
  });

  it('counts no range twice when the lease refused a checkpoint and another worker resumes', async () => {
    const first = await runFor();
    const set = first.run.checkpoints.set;
    first.run.checkpoints.set = async (name, value) => {
      // The third range's checkpoint comes after the lease was lost: refused
      // and not stored, as the store's fencing does.
      if (name === 'verify' && (value as { ranges: number }).ranges === 3)
        throw new MigrationInterruptedError(
          'the run is leased to another worker',
        );
      await set(name, value);
    };
    await expect(engine.migrate(first.run)).rejects.toBeInstanceOf(
      MigrationInterruptedError,
    );
    expect(first.checkpoints.get('verify')).toMatchObject({ ranges: 2 });

    const second = await resumeFrom(first.checkpoints);
    await engine.migrate(second.run);
    // The range whose checkpoint was refused is compared again, once.
    expect(
      second.progress.filter(p => p.stage === 'verify').map(p => p.done),
    ).toEqual([3, 4, 5].map(n => n * RANGE_ROWS));
    expect(second.checkpoints.get('verify')).toMatchObject({
      ranges: RANGES,
      source: { rows: ROWS },
      target: { rows: ROWS },
    });
    expect(second.verifications).toMatchObject([
      { source: { rows: ROWS }, target: { rows: ROWS }, matched: true },
    ]);
  });

  it.each([
    ['two connections, when the pool has one to spare', 4],
    ['one connection, when it has not', 1],
  ])(
    'reads the two sides of a range in one snapshot, on %s, while a writer keeps writing',
    async (_how, maxConnections) => {
      await engine.close?.();
      engine = await createTestEngine(knex, {
        config: {
          maxConnections,
          backfill: { maxBatchRows: RANGE_ROWS / 10, verifyOnePassUpTo: '0s' },
        },
      });
      const { run, checkpoints, verifications } = await runFor();
      // Every write goes to both sides in its own transaction (the capture): two
      // sides read in snapshots a moment apart would differ by the writes between.
      let writing = true;
      let writes = 0;
      const writer = (async () => {
        while (writing) {
          await knex.raw(
            `UPDATE public.events SET duration = (random() * 300)::int::text,
                    user_id = md5(random()::text)
              WHERE id = 1 + (random() * ${ROWS - 1})::int`,
          );
          writes += 1;
        }
      })();
      try {
        await engine.migrate(run);
      } finally {
        writing = false;
        await writer;
      }
      expect(writes).toBeGreaterThan(0);
      // In ranges, none differing. The writer's updates move the row estimate
      // that decides whether the rest of the table is one last range, so one
      // more (empty) range after the last mark may be compared.
      const state = checkpoints.get('verify') as {
        ranges: number;
        differing: number;
      };
      expect(state.differing).toBe(0);
      expect([RANGES, RANGES + 1]).toContain(state.ranges);
      expect(verifications).toMatchObject([{ matched: true }]);
    },
  );

  it.each([
    ['widened to numeric, which sorts alike', 'numeric', RANGES],
    ['changed to text, which sorts otherwise (10 before 9)', 'text', 1],
  ] as const)(
    'compares in ranges only when the key keeps its order: %s',
    async (_kind, type, ranges) => {
      const { run, checkpoints, logs, verifications } = await runFor({}, [
        ...changes,
        { changeType: { field: 'id', type } },
      ]);
      await engine.migrate(run);
      expect(checkpoints.get('verify')).toMatchObject({
        ranges,
        complete: true,
        differing: 0,
      });
      expect(verifications).toMatchObject([
        { source: { rows: ROWS }, target: { rows: ROWS }, matched: true },
      ]);
      expect(
        logs.includes(
          "the new version's key does not keep the source key's order: verify compares the whole tables at once",
        ),
      ).toBe(ranges === 1);
    },
  );
});
