import type { Knex } from 'knex';

/**
 * Where the campaign's slots' time went, from the store's timestamps: the time
 * from its first migration's creation to its last one's end, times the campaign's
 * concurrency, is split into slots busy (a migration created and not finished) and
 * idle slots, the idle ones by why: the wave's datasets still to start all wait
 * for an upstream still migrating (lineage); one could start (waiting for the look
 * that starts it); the wave's last datasets are running (its tail: nothing more
 * may start until it is done); or none is running (between waves: the look that
 * finds the wave healthy and starts the next).
 */
export async function campaignSlots(
  pluginDb: Knex,
  campaignId: string,
  concurrency: number,
) {
  const { rows } = await pluginDb.raw(
    `SELECT d.entity_ref AS ref, d.wave_index AS wave, d.upstream,
            extract(epoch FROM m.created_at) * 1000 AS created,
            extract(epoch FROM m.finished_at) * 1000 AS finished
       FROM campaign_datasets d JOIN migrations m ON m.id = d.migration_id
      WHERE d.campaign_id = ? AND m.finished_at IS NOT NULL`,
    [campaignId],
  );
  const runs = (
    rows as {
      ref: string;
      wave: number;
      upstream: string[] | null;
      created: string;
      finished: string;
    }[]
  ).map(r => ({
    ref: r.ref,
    wave: r.wave,
    upstream: r.upstream ?? [],
    created: Number(r.created),
    finished: Number(r.finished),
  }));
  if (runs.length === 0) return undefined;
  const byRef = new Map(runs.map(r => [r.ref, r]));
  const times = [...new Set(runs.flatMap(r => [r.created, r.finished]))].sort(
    (a, b) => a - b,
  );
  const idle = { look: 0, upstream: 0, tail: 0, between: 0 };
  let busy = 0;
  for (let i = 0; i + 1 < times.length; i++) {
    const [from, to] = [times[i], times[i + 1]];
    const running = runs.filter(r => r.created <= from && r.finished >= to);
    busy += running.length * (to - from);
    const free = Math.max(concurrency - running.length, 0) * (to - from);
    if (running.length === 0) {
      idle.between += concurrency * (to - from);
      continue;
    }
    const waves = new Set(running.map(r => r.wave));
    const toStart = runs.filter(r => waves.has(r.wave) && r.created > from);
    if (toStart.length === 0) idle.tail += free;
    else if (
      toStart.every(r =>
        r.upstream.some(u => (byRef.get(u)?.finished ?? 0) > from),
      )
    )
      idle.upstream += free;
    else idle.look += free;
  }
  const total = concurrency * (times[times.length - 1] - times[0]);
  return { total, busy, ...idle };
}

/**
 * Migrations running at once, on average, from a fleet's first start to its
 * last end: the campaign holds at most its concurrency, the direct fleet as many
 * as the queue has slots.
 */
export async function meanRunning(
  pluginDb: Knex,
  campaign: boolean,
): Promise<number> {
  const { rows } = await pluginDb.raw(
    `SELECT sum(extract(epoch FROM finished_at - started_at))
              / nullif(extract(epoch FROM max(finished_at) - min(started_at)), 0) AS n
       FROM migrations
      WHERE finished_at IS NOT NULL AND campaign_id IS ${
        campaign ? 'NOT NULL' : 'NULL'
      }`,
  );
  return Number(rows[0]?.n ?? 0);
}
