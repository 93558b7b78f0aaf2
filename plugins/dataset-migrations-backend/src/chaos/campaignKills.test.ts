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
import { random } from './runChaos';
import { ChaosWorker } from './worker';
import { harnessPool, withDatabase } from './world';
import { seedSql } from './writer';

/**
 * A campaign rolled out by two worker replicas that are SIGKILLed over and over,
 * each restarted at once, as a supervisor would: looks, migrations and audit
 * emission die mid-way and are taken up by the other replica or the next process
 * once their leases run out. Its own PostgreSQL and replica processes.
 */

const DATASETS = 10;
const ROWS = 40_000;
const CONCURRENCY = 2;
const SEED = 23;

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

  afterAll(async () => {
    closing.abort();
    await killAllReplicaProcesses();
    await Promise.all(pools.map(p => p.end().catch(() => {})));
    await server?.destroy();
  }, 60_000);

  it(
    'starts each dataset once and never beyond its concurrency, wave after wave, loses no row, breaks no reader and audits each start once',
    async () => {
      server = await startRestartablePostgres();
      const admin = harnessPool(server.url, 1);
      pools.push(admin);
      await admin.query('CREATE DATABASE plugin');
      await admin.query('CREATE DATABASE warehouse');
      const url = (database: string) => withDatabase(server!.url, database);
      const plugin = harnessPool(url('plugin'));
      const warehouse = harnessPool(url('warehouse'));
      pools.push(plugin, warehouse);

      const names = Array.from({ length: DATASETS }, (_, i) => `fleet_${i}`);
      // What a reader of the first version reads, before and after.
      const readByOldReader = (name: string) =>
        warehouse
          .query(
            `SELECT count(*)::int AS n, md5(string_agg(
               id || ':' || account || ':' || coalesce(amount::text, '') || ':' || note,
               ',' ORDER BY id)) AS digest
             FROM public.${name}`,
          )
          .then(r => r.rows[0]);
      const seeded = new Map<string, unknown>();
      for (const name of names) {
        await warehouse.query(seedSql(`public.${name}`, ROWS));
        seeded.set(name, await readByOldReader(name));
      }

      const options: ReplicaOptions = {
        pluginDatabaseUrl: url('plugin'),
        entities: names.map(name => dataset(name)),
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
      const api: ReplicaProcess = await spawnReplica(
        { ...options, worker: { enabled: false } },
        { startTimeoutMs: 180_000 },
      );
      const call = async (
        method: 'GET' | 'POST',
        route: string,
        body?: unknown,
      ) => {
        const res = await fetch(`${api.api}${route}`, {
          method,
          headers:
            body === undefined ? {} : { 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const answer = await res.json();
        if (res.status >= 300)
          throw new Error(
            `${method} ${route}: ${res.status} ${JSON.stringify(answer)}`,
          );
        return answer;
      };

      const workers = [0, 1].map(
        () => new ChaosWorker(options, closing.signal, log),
      );
      await Promise.all(workers.map(w => w.start()));

      const { campaign: created } = await call('POST', '/campaigns', {
        name: 'under-kills',
        title: 'note becomes memo, under kills',
        owner: 'group:default/data',
        deadline: '2027-12-31',
        selector: { entityRefs: names.map(n => `resource:default/${n}`) },
        changes: [{ renameField: { from: 'note', to: 'memo' } }],
        rollout: {
          canary: { datasets: 1 },
          waveSize: 3,
          soak: '0s',
          concurrency: CONCURRENCY,
        },
      });
      await call('POST', `/campaigns/${created.id}/start`);
      log(`campaign ${created.id} started`);

      // Kills until the campaign ends, 0.5 to 2 seconds after the last killed
      // replica serves again, of either replica.
      const rand = random(SEED);
      const deadline = Date.now() + 6 * 60_000;
      let kills = 0;
      let campaign = (await call('GET', `/campaigns/${created.id}`)).campaign;
      while (campaign.state === 'running') {
        if (Date.now() > deadline)
          throw new Error(
            `the campaign did not end within 6 minutes: ${JSON.stringify(
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
        campaign = (await call('GET', `/campaigns/${created.id}`)).campaign;
        if (campaign.state !== 'running') break;
        await workers[Math.floor(rand() * workers.length)].killAndStart();
        kills++;
        log(
          `kill ${kills}: ${campaign.datasets
            .map((d: any) => `${d.entityRef.split('/')[1]}=${d.state}`)
            .join(' ')}`,
        );
      }
      log(`campaign ${campaign.state} after ${kills} kills`);
      expect({ state: campaign.state, reason: campaign.stateReason }).toEqual({
        state: 'completed',
        reason: undefined,
      });
      expect(kills).toBeGreaterThanOrEqual(5);
      expect(campaign.datasets.map((d: any) => d.state)).toEqual(
        names.map(() => 'migrated'),
      );

      // One migration per dataset: no start was made twice.
      const { rows: migrations } = await plugin.query(
        `SELECT entity_ref, campaign_wave AS wave, status, created_at, finished_at
           FROM migrations WHERE campaign_id = $1 ORDER BY created_at`,
        [created.id],
      );
      expect(migrations.map(m => m.entity_ref).sort()).toEqual(
        names.map(n => `resource:default/${n}`).sort(),
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
      for (const name of names)
        expect({ name, read: await readByOldReader(name) }).toEqual({
          name,
          read: seeded.get(name),
        });

      // Each start audited once, and emitted: by the look, or after a kill by the
      // next look or the lease sweep.
      const emitted = async () =>
        (
          await plugin.query(
            `SELECT meta->>'migrationId' AS migration, emitted_at
               FROM campaign_audit_outbox
              WHERE campaign_id = $1 AND event_id = 'campaign-migration-start'`,
            [created.id],
          )
        ).rows;
      const until = Date.now() + 60_000;
      while ((await emitted()).some(e => !e.emitted_at) && Date.now() < until)
        await sleep(500);
      const starts = await emitted();
      expect(starts.map(e => e.migration).sort()).toEqual(
        (
          await plugin.query(
            `SELECT id::text FROM migrations WHERE campaign_id = $1 ORDER BY id`,
            [created.id],
          )
        ).rows
          .map(r => r.id)
          .sort(),
      );
      expect(starts.filter(e => !e.emitted_at)).toEqual([]);

      expect(workers.flatMap(w => w.unhandledReports())).toEqual([]);
      console.log(lines.join('\n'));
    },
    9 * 60_000,
  );
});
