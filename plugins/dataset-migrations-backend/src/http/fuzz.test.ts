import type { Knex } from 'knex';
import {
  connectionUrlOf,
  createTestDatabases,
} from '../__testUtils__/testDatabases';
import {
  changedSince,
  startFuzzBackend,
  writeRoutes,
} from '../../fuzz/fuzzBackend';
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
    expect(changedSince(before, await fuzz.fingerprint())).toEqual([]);
  }, 120_000);
});
