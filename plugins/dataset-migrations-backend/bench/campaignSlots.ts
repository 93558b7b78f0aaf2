import type { Knex } from 'knex';

/**
 * Where the campaign's slots' time went, from the store's timestamps: the time
 * from its first migration's creation to its last one's end, times the campaign's
 * concurrency, is split into slots busy (a migration created and not finished) and
 * idle slots, the idle ones by why: a wave with datasets still to start (waiting
 * for a look to start the next, or for an upstream), a wave whose last datasets
 * are running (its tail: nothing more may start until it is done), and between
 * waves (no migration running: the look that finds the wave healthy and starts
 * the next).
 */
export async function campaignSlots(
  pluginDb: Knex,
  campaignId: string,
  concurrency: number,
) {
  const { rows } = await pluginDb.raw(
    `SELECT d.wave_index AS wave,
            extract(epoch FROM m.created_at) * 1000 AS created,
            extract(epoch FROM m.finished_at) * 1000 AS finished
       FROM campaign_datasets d JOIN migrations m ON m.id = d.migration_id
      WHERE d.campaign_id = ? AND m.finished_at IS NOT NULL`,
    [campaignId],
  );
  const runs = (rows as { wave: number; created: string; finished: string }[])
    .map(r => ({
      wave: r.wave,
      created: Number(r.created),
      finished: Number(r.finished),
    }))
    .sort((a, b) => a.created - b.created);
  if (runs.length === 0) return undefined;
  const lastCreated = new Map<number, number>();
  for (const r of runs)
    lastCreated.set(r.wave, Math.max(lastCreated.get(r.wave) ?? 0, r.created));
  const times = [
    ...new Set(runs.flatMap(r => [r.created, r.finished])),
  ].sort((a, b) => a - b);
  const idle = { refill: 0, tail: 0, between: 0 };
  let busy = 0;
  for (let i = 0; i + 1 < times.length; i++) {
    const [from, to] = [times[i], times[i + 1]];
    const running = runs.filter(r => r.created <= from && r.finished >= to);
    busy += running.length * (to - from);
    const free = Math.max(concurrency - running.length, 0) * (to - from);
    if (running.length === 0) idle.between += concurrency * (to - from);
    else if (running.some(r => (lastCreated.get(r.wave) ?? 0) > from))
      idle.refill += free;
    else idle.tail += free;
  }
  const total = concurrency * (times[times.length - 1] - times[0]);
  return { total, busy, ...idle };
}

/**
 * Migrations at once, on average, from a fleet's first migration's creation to
 * its last one's end: the campaign holds at most its concurrency, the direct
 * fleet as many as the queue has slots.
 */
export async function meanAtOnce(
  pluginDb: Knex,
  campaign: boolean,
): Promise<number> {
  const { rows } = await pluginDb.raw(
    `SELECT sum(extract(epoch FROM finished_at - created_at))
              / nullif(extract(epoch FROM max(finished_at) - min(created_at)), 0) AS n
       FROM migrations
      WHERE finished_at IS NOT NULL AND campaign_id IS ${
        campaign ? 'NOT NULL' : 'NULL'
      }`,
  );
  return Number(rows[0]?.n ?? 0);
}
