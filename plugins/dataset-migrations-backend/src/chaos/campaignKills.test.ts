import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';
import { dataset } from '../__testUtils__/fixtures';
import {
  startRestartablePostgres,
  type RestartablePostgres,
} from '../__testUtils__/postgresServer';
import {
  killAllReplicaProcesses,
  spawnReplica,
  type ReplicaOptions,
  type ReplicaProcess,
} from '../__testUtils__/replica';
import { call as callApi, random } from './runChaos';
import { ChaosWorker } from './worker';
import { harnessPool, withDatabase } from './world';
import { seedSql } from './writer';

/**
 * Campaigns rolled out by two worker replicas that are SIGKILLed over and over,
 * each restarted at once, as a supervisor would: looks, migrations, rollbacks and
 * audit emission die mid-way and are taken up by the other replica or the next
 * process once their leases run out. Its own PostgreSQL and replica processes.
 */

const ROWS = 40_000;
const CONCURRENCY = 2;
const SEED = 23;
/** Rolled out to the end. */
const FLEET = Array.from({ length: 10 }, (_, i) => `fleet_${i}`);
/** Its wave after the canary trips: the warehouse refuses `trip_3`'s new version. */
const TRIP = Array.from({ length: 5 }, (_, i) => `trip_${i}`);
/** Paused, resumed and aborted by a person while its replicas are killed; smaller tables. */
const HELD = Array.from({ length: 12 }, (_, i) => `held_${i}`);
const HELD_ROWS = 10_000;

describe('a campaign under kills', () => {
  let server: RestartablePostgres | undefined;
  const pools: Pool[] = [];
  const closing = new AbortController();
  const lines: string[] = [];
  const log = (line: string) => {
    lines.push(`${new Date().toISOString().slice(11, 19)} ${line}`);
    if (process.env.DSM_CHAOS_DEBUG)
      process.stderr.write(`${lines[lines.length - 1]}\n`);
  };
  let plugin: Pool;
  let warehouse: Pool;
  let api: ReplicaProcess;
  let workers: ChaosWorker[];
  const seeded = new Map<string, unknown>();

  /** What a reader of the first version reads through the dataset's name. */
  const readByOldReader = (name: string) =>
    warehouse
      .query(
        `SELECT count(*)::int AS n, md5(string_agg(
           id || ':' || account || ':' || coalesce(amount::text, '') || ':' || note,
           ',' ORDER BY id)) AS digest
         FROM public.${name}`,
      )
      .then(r => r.rows[0]);

  /**
   * Who creates the campaigns (the replicas' mock user, who owns only their own
   * ref): a campaign's owner is its creator or one of their groups.
   */
  const CREATOR = 'user:default/mock';

  /** The answer's body; a refusal (3xx, 4xx) throws with it. */
  const call = async (
    method: 'GET' | 'POST',
    route: string,
    body?: unknown,
  ) => {
    const answer = await callApi({ api }, method, route, body);
    if (answer.status >= 300)
      throw new Error(
        `${method} ${route}: ${answer.status} ${JSON.stringify(answer.body)}`,
      );
    return answer.body;
  };

  beforeAll(async () => {
    server = await startRestartablePostgres();
    const admin = harnessPool(server.url, 1);
    pools.push(admin);
    await admin.query('CREATE DATABASE plugin');
    await admin.query('CREATE DATABASE warehouse');
    const url = (database: string) => withDatabase(server!.url, database);
    plugin = harnessPool(url('plugin'));
    warehouse = harnessPool(url('warehouse'));
    pools.push(plugin, warehouse);
    for (const name of [...FLEET, ...TRIP, ...HELD]) {
      await warehouse.query(
        seedSql(`public.${name}`, HELD.includes(name) ? HELD_ROWS : ROWS),
      );
      seeded.set(name, await readByOldReader(name));
    }
    // A migration of trip_3 fails for good: no table of its name may be made.
    await warehouse.query(`
      CREATE FUNCTION refuse_trip_3() RETURNS event_trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands()
                    WHERE command_tag = 'CREATE TABLE'
                      AND object_identity LIKE '%trip\\_3%') THEN
          RAISE EXCEPTION 'the warehouse refuses a new table for trip_3';
        END IF;
      END $$;
      CREATE EVENT TRIGGER refuse_trip_3 ON ddl_command_end
        EXECUTE FUNCTION refuse_trip_3();`);

    const options: ReplicaOptions = {
      pluginDatabaseUrl: url('plugin'),
      entities: [
        ...[...FLEET, ...HELD].map(name => dataset(name)),
        // The canary is the least critical.
        ...TRIP.map(name =>
          dataset(name, {
            annotations: {
              'dataset-migrations.io/criticality':
                name === 'trip_0' ? 'low' : 'high',
            },
          }),
        ),
      ],
      engines: {
        warehouse: {
          type: 'postgres',
          connection: url('warehouse'),
          // Many short batches, so that a kill can land inside a copy.
          backfill: { maxBatchRows: 250, pause: '20ms' },
        },
      },
      worker: { lease: '2s' },
      logLevel: 'warn',
    };
    api = await spawnReplica(
      { ...options, worker: { enabled: false } },
      { startTimeoutMs: 180_000 },
    );
    workers = [0, 1].map(() => new ChaosWorker(options, closing.signal, log));
    await Promise.all(workers.map(w => w.start()));
  }, 5 * 60_000);

  afterAll(async () => {
    closing.abort();
    await killAllReplicaProcesses();
    await Promise.all(pools.map(p => p.end().catch(() => {})));
    await server?.destroy();
  }, 60_000);

  /**
   * Starts the campaign and kills a replica 0.5 to 2 seconds after the last one
   * killed serves again, until `done` says the campaign is where it should end.
   */
  async function rollOutUnderKills(
    document: object,
    done: (campaign: any) => Promise<boolean>,
  ): Promise<{ campaign: any; kills: number }> {
    const { campaign: created } = await call('POST', '/campaigns', document);
    await call('POST', `/campaigns/${created.id}/start`);
    log(`campaign ${created.id} started`);
    const rand = random(SEED);
    const deadline = Date.now() + 6 * 60_000;
    let kills = 0;
    for (;;) {
      const { campaign } = await call('GET', `/campaigns/${created.id}`);
      if (await done(campaign)) {
        log(`campaign ${campaign.state} after ${kills} kills`);
        return { campaign, kills };
      }
      if (Date.now() > deadline)
        throw new Error(
          `campaign ${
            campaign.name
          } did not end within 6 minutes: ${JSON.stringify(
            campaign.datasets.map((d: any) => [
              d.entityRef,
              d.state,
              d.migrationStatus,
            ]),
          )}\n${lines.join('\n')}\n${workers
            .map(w => w.lastOutput())
            .join('\n')}`,
        );
      await sleep(500 + rand() * 1_500);
      await workers[Math.floor(rand() * workers.length)].killAndStart();
      kills++;
      log(
        `kill ${kills}: ${campaign.datasets
          .map(
            (d: any) =>
              `${d.entityRef.split('/')[1]}=${d.state}${
                d.migrationStatus ? `/${d.migrationStatus}` : ''
              }`,
          )
          .join(' ')}`,
      );
    }
  }

  const migrationsOf = async (campaignId: string) =>
    (
      await plugin.query(
        `SELECT id::text, entity_ref, campaign_wave AS wave, status, created_at, finished_at
           FROM migrations WHERE campaign_id = $1 ORDER BY created_at`,
        [campaignId],
      )
    ).rows;

  /** The campaign's audit events of one kind, once every one was emitted (or a minute passed). */
  const auditedOnceEmitted = async (campaignId: string, eventId: string) => {
    const read = async () =>
      (
        await plugin.query(
          `SELECT meta->>'migrationId' AS migration, emitted_at
             FROM campaign_audit_outbox
            WHERE campaign_id = $1 AND event_id = $2`,
          [campaignId, eventId],
        )
      ).rows;
    const until = Date.now() + 60_000;
    while ((await read()).some(e => !e.emitted_at) && Date.now() < until)
      await sleep(500);
    return read();
  };

  it(
    'starts each dataset once and never beyond its concurrency, wave after wave, loses no row, breaks no reader and audits each start once',
    async () => {
      const { campaign, kills } = await rollOutUnderKills(
        {
          name: 'under-kills',
          title: 'note becomes memo, under kills',
          owner: CREATOR,
          deadline: '2027-12-31',
          selector: { entityRefs: FLEET.map(n => `resource:default/${n}`) },
          changes: [{ renameField: { from: 'note', to: 'memo' } }],
          rollout: {
            canary: { datasets: 1 },
            waveSize: 3,
            soak: '0s',
            concurrency: CONCURRENCY,
          },
        },
        async c => c.state !== 'running',
      );
      expect({ state: campaign.state, reason: campaign.stateReason }).toEqual({
        state: 'completed',
        reason: undefined,
      });
      expect(kills).toBeGreaterThanOrEqual(5);
      expect(campaign.datasets.map((d: any) => d.state)).toEqual(
        FLEET.map(() => 'migrated'),
      );

      // One migration per dataset: no start was made twice.
      const migrations = await migrationsOf(campaign.id);
      expect(migrations.map(m => m.entity_ref).sort()).toEqual(
        FLEET.map(n => `resource:default/${n}`).sort(),
      );
      expect(migrations.every(m => m.status === 'succeeded')).toBe(true);

      // Never more running at once than the concurrency.
      const events = migrations.flatMap(m => [
        { at: m.created_at.getTime(), delta: 1 },
        { at: m.finished_at.getTime(), delta: -1 },
      ]);
      // An end before a start at the same instant.
      events.sort((a, b) => a.at - b.at || a.delta - b.delta);
      let running = 0;
      let most = 0;
      for (const e of events) {
        running += e.delta;
        most = Math.max(most, running);
      }
      expect(most).toBeLessThanOrEqual(CONCURRENCY);

      // Wave after wave: none starts before the one before it ended.
      const waves = [...new Set(migrations.map(m => m.wave as number))].sort();
      expect(waves.length).toBeGreaterThanOrEqual(3);
      for (const wave of waves.slice(1)) {
        const firstStart = Math.min(
          ...migrations
            .filter(m => m.wave === wave)
            .map(m => m.created_at.getTime()),
        );
        const previousEnd = Math.max(
          ...migrations
            .filter(m => m.wave === wave - 1)
            .map(m => m.finished_at.getTime()),
        );
        expect(firstStart).toBeGreaterThanOrEqual(previousEnd);
      }

      // Every row, as a reader of the first version reads it (its name is a view now).
      for (const name of FLEET)
        expect({ name, read: await readByOldReader(name) }).toEqual({
          name,
          read: seeded.get(name),
        });

      // Each start audited once, and emitted: by the look, or after a kill by the
      // next look or the lease sweep.
      const starts = await auditedOnceEmitted(
        campaign.id,
        'campaign-migration-start',
      );
      expect(starts.map(e => e.migration).sort()).toEqual(
        migrations.map(m => m.id).sort(),
      );
      expect(starts.filter(e => !e.emitted_at)).toEqual([]);
      expect(workers.flatMap(w => w.unhandledReports())).toEqual([]);
    },
    9 * 60_000,
  );

  it(
    'pauses on a failed migration and rolls its wave back, each succeeded migration once, audited once, losing no row',
    async () => {
      const { campaign } = await rollOutUnderKills(
        {
          name: 'trips-under-kills',
          title: 'note becomes memo, one warehouse table refused',
          owner: CREATOR,
          deadline: '2027-12-31',
          selector: { entityRefs: TRIP.map(n => `resource:default/${n}`) },
          changes: [{ renameField: { from: 'note', to: 'memo' } }],
          rollout: {
            canary: { datasets: 1 },
            waveSize: 4,
            soak: '0s',
            concurrency: CONCURRENCY,
            failurePolicy: {
              action: 'rollback-wave',
              maxFailureRate: 0.2,
              maxConsecutiveFailures: 5,
            },
          },
        },
        // Paused, every migration of the wave ended (rolled back or failed),
        // and the campaign's look has recorded it: its datasets trail their
        // migrations until the next look (seen under load, 2026-12-06).
        async c =>
          c.state !== 'running' &&
          (await migrationsOf(c.id))
            .filter(m => m.wave === 1)
            .every(m => m.status === 'rolled-back' || m.status === 'failed') &&
          c.datasets
            .filter((d: any) => d.wave === 1)
            .every((d: any) => !['migrating', 'migrated'].includes(d.state)),
      );
      expect(campaign.state).toBe('paused');
      expect(campaign.stateReason).toMatch(/^wave 1: 1 of 4 failed/);
      const migrations = await migrationsOf(campaign.id);
      const status = Object.fromEntries(
        migrations.map(m => [m.entity_ref.split('/')[1], m.status]),
      );
      // The canary stays; the failed one failed; the wave's others that started
      // were rolled back, those that had not were skipped.
      expect(status.trip_0).toBe('succeeded');
      expect(status.trip_3).toBe('failed');
      const rolledBack = migrations.filter(m => m.status === 'rolled-back');
      // One migration per dataset: no start was made twice.
      expect(Object.keys(status)).toHaveLength(migrations.length);
      const states = Object.fromEntries(
        campaign.datasets.map((d: any) => [d.entityRef.split('/')[1], d.state]),
      );
      for (const name of ['trip_1', 'trip_2', 'trip_4'])
        expect({ name, state: states[name] }).toEqual({
          name,
          state: status[name] ? 'rolled-back' : 'skipped',
        });
      expect(campaign.waves.map((w: any) => w.state)).toEqual([
        'healthy',
        'rolled-back',
      ]);

      // The trip and each rollback the campaign asked, audited once and emitted.
      const trips = await auditedOnceEmitted(
        campaign.id,
        'campaign-policy-trip',
      );
      expect(trips).toHaveLength(1);
      const rollbacks = await auditedOnceEmitted(
        campaign.id,
        'campaign-rollback',
      );
      expect(rollbacks.map(e => e.migration).sort()).toEqual(
        rolledBack.map(m => m.id).sort(),
      );
      expect([...trips, ...rollbacks].filter(e => !e.emitted_at)).toEqual([]);

      // Every row, as a reader of the first version reads it.
      for (const name of TRIP)
        expect({ name, read: await readByOldReader(name) }).toEqual({
          name,
          read: seeded.get(name),
        });
      expect(workers.flatMap(w => w.unhandledReports())).toEqual([]);
      console.log(lines.join('\n'));
    },
    9 * 60_000,
  );
  it(
    'starts nothing while a person holds it paused, goes on once resumed, and starts nothing more once aborted, losing no row',
    async () => {
      const count = async (campaignId: string) =>
        (await migrationsOf(campaignId)).length;
      /** What a person does, each step once the one before it took. */
      let step: 'run' | 'paused' | 'resumed' | 'aborted' = 'run';
      let started = 0;
      let pausedUntil = 0;
      /** Starts seen where none may be: while paused, or after the abort. */
      const startsHeld: string[] = [];
      /** The campaign's state in each of the person's answers. */
      const answered: string[] = [];
      const { campaign } = await rollOutUnderKills(
        {
          name: 'held-under-kills',
          title: 'note becomes memo, paused, resumed and aborted',
          owner: CREATOR,
          deadline: '2027-12-31',
          selector: { entityRefs: HELD.map(n => `resource:default/${n}`) },
          changes: [{ renameField: { from: 'note', to: 'memo' } }],
          rollout: {
            canary: { datasets: 1 },
            waveSize: 11,
            soak: '0s',
            concurrency: 1,
          },
        },
        async c => {
          const now = await count(c.id);
          if (step === 'run' && now >= 2) {
            const { campaign: paused } = await call(
              'POST',
              `/campaigns/${c.id}/pause`,
              { reason: 'a dashboard looks odd' },
            );
            answered.push(`pause: ${paused.state}`);
            // Every start is in by the answer: a look's start and the pause
            // take the campaign's row in turn.
            started = await count(c.id);
            pausedUntil = Date.now() + 8_000;
            step = 'paused';
            log(`paused with ${started} started`);
          } else if (step === 'paused') {
            if (now > started) startsHeld.push(`${now} while paused`);
            if (Date.now() >= pausedUntil) {
              const { campaign: resumed } = await call(
                'POST',
                `/campaigns/${c.id}/resume`,
                {},
              );
              answered.push(`resume: ${resumed.state}`);
              started = await count(c.id);
              step = 'resumed';
              log(`resumed with ${started} started`);
            }
          } else if (step === 'resumed' && now > started) {
            const { campaign: aborted } = await call(
              'POST',
              `/campaigns/${c.id}/abort`,
              { reason: 'enough for today' },
            );
            answered.push(`abort: ${aborted.state}`);
            started = await count(c.id);
            step = 'aborted';
            log(`aborted with ${started} started`);
          } else if (step === 'aborted') {
            if (now > started) startsHeld.push(`${now} after the abort`);
            // Done once what was running ran to its end, and a look recorded it.
            return c.datasets.every(
              (d: any) => d.state !== 'migrating' && d.state !== 'pending',
            );
          }
          return false;
        },
      );
      expect(answered).toEqual([
        'pause: paused',
        'resume: running',
        'abort: aborted',
      ]);
      expect(startsHeld).toEqual([]);
      expect(campaign.state).toBe('aborted');
      const migrations = await migrationsOf(campaign.id);
      expect(migrations).toHaveLength(started);
      expect(started).toBeGreaterThanOrEqual(3);
      expect(started).toBeLessThan(HELD.length);
      expect(migrations.every(m => m.status === 'succeeded')).toBe(true);
      // One migration per dataset; the rest skipped, with the abort's reason.
      const migrated = new Set(migrations.map(m => m.entity_ref));
      expect(migrated.size).toBe(migrations.length);
      for (const d of campaign.datasets)
        expect({ dataset: d.entityRef, state: d.state }).toEqual({
          dataset: d.entityRef,
          state: migrated.has(d.entityRef) ? 'migrated' : 'skipped',
        });
      for (const name of HELD)
        expect({ name, read: await readByOldReader(name) }).toEqual({
          name,
          read: seeded.get(name),
        });
      expect(workers.flatMap(w => w.unhandledReports())).toEqual([]);
    },
    9 * 60_000,
  );
});
