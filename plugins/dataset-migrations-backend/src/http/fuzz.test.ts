import type { Knex } from 'knex';
import {
  connectionUrlOf,
  createTestDatabases,
} from '../__testUtils__/testDatabases';
import { startFuzzBackend, writeRoutes } from '../../fuzz/fuzzBackend';
import { fuzzRoutes } from '../../fuzz/fuzzRoutes';

/** The CI variant of `yarn fuzz`: fewer bodies, the same assertions. */
describe('malformed bodies on every POST and PUT route', () => {
  const { init } = createTestDatabases();
  let pluginDb: Knex;
  let fuzz: Awaited<ReturnType<typeof startFuzzBackend>>;

  beforeAll(async () => {
    pluginDb = await init();
    const warehouse = await init();
    fuzz = await startFuzzBackend({
      pluginDb,
      warehouse,
      warehouseUrl: connectionUrlOf(warehouse),
    });
  }, 60_000);

  afterAll(async () => {
    await fuzz?.stop();
  }, 30_000);

  it('finds the routes the routers declare', () => {
    const paths = writeRoutes().map(r => r.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/migrations',
        '/plans',
        '/plans/infer',
        '/rewrite-preview',
        '/campaigns',
        '/campaigns/:id/abort',
        '/migrations/:id/consumers/decisions',
      ]),
    );
  });

  it('answers each with a 4xx, in bounded time, changing nothing', async () => {
    const before = await fuzz.fingerprint();
    const report = await fuzzRoutes({
      server: fuzz.server,
      routes: writeRoutes(),
      migrationId: fuzz.migrationId,
      campaignId: fuzz.campaignId,
      bodies: Number(process.env.FUZZ_BODIES ?? 300),
      seed: Number(process.env.FUZZ_SEED ?? 14),
    });
    expect(report.serverErrors).toEqual([]);
    expect(report.accepted).toEqual([]);
    expect(report.slowest.ms).toBeLessThan(5_000);
    // Tables exactly as they were; queued jobs never more (the fixture's own job
    // may run meanwhile: a worker taking it is no change a body made).
    const after = await fuzz.fingerprint();
    const tables = (f: Record<string, string>) =>
      Object.fromEntries(Object.entries(f).filter(([k]) => !isJobs(k)));
    expect(tables(after)).toEqual(tables(before));
    for (const [key, value] of Object.entries(after).filter(([k]) => isJobs(k)))
      expect(parseInt(value, 10)).toBeLessThanOrEqual(
        parseInt(before[key] ?? '0', 10),
      );
  }, 120_000);
});

function isJobs(key: string): boolean {
  return key.startsWith('jobs: ');
}
