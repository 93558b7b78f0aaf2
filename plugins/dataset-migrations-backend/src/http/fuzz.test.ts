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
import request from 'supertest';
import { fuzzRoutes, pathOf, templateFor } from '../../fuzz/fuzzRoutes';

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

  it('refuses on each a well-formed body with a key too many, or sent as text, with a 400 naming it, changing nothing', async () => {
    const before = await fuzz.fingerprint();
    const answers = [];
    for (const route of writeRoutes()) {
      const path = `/api/dataset-migrations${pathOf(
        route,
        fuzz.migrationId,
        fuzz.campaignId,
      )}`;
      const body = { ...templateFor(route.path), overide: { reason: 'x' } };
      const extra = await request(fuzz.server)[route.method](path).send(body);
      const text = await request(fuzz.server)
        [route.method](path)
        .set('Content-Type', 'text/plain')
        .send(JSON.stringify(templateFor(route.path)));
      answers.push({
        route: route.path,
        extra: [extra.status, extra.body?.error?.message],
        text: [text.status, text.body?.error?.message],
      });
    }
    expect(answers).toEqual(
      answers.map(({ route }) => ({
        route,
        extra: [
          400,
          expect.stringMatching(/Unrecognized key\(s\) in object: .*'overide'/),
        ],
        text: [
          400,
          expect.stringContaining(
            'a body must be JSON (Content-Type: application/json) or YAML',
          ),
        ],
      })),
    );
    expect(changedSince(before, await fuzz.fingerprint())).toEqual([]);
  }, 60_000);

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
