import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';

/**
 * The chaos suite's concurrent writer: inserts, updates, deletes and primary-key
 * changes through the dataset's name, and a log of every write the server
 * acknowledged. A write that errored may or may not have committed (the connection
 * died with the COMMIT in flight): its keys are marked uncertain and left out of
 * the accounting, never guessed.
 */

/** What the writer writes besides the key; other fields are the migrations'. */
export interface WrittenRow {
  account: string;
  amount: number;
}

/** The value every generated row starts with (see `seedSql`). */
export function seededRow(id: number): WrittenRow {
  return { account: `a${id % 1000}`, amount: id % 10_000 };
}

/** SQL creating the table of `rows` rows whose writer columns are `seededRow`. */
export function seedSql(table: string, rows: number): string {
  return `
    CREATE TABLE ${table} (id bigint PRIMARY KEY, account text NOT NULL, amount integer, note text);
    INSERT INTO ${table}
      SELECT g, 'a' || (g % 1000), g % 10000, md5(g::text) FROM generate_series(1, ${rows}) AS g;
    CREATE INDEX ON ${table} (account);
    ANALYZE ${table};`;
}

export interface WriteLog {
  /** Keys written and acknowledged: the row now, or null once deleted (or moved away). */
  acknowledged: Map<number, WrittenRow | null>;
  /** Keys of writes whose outcome is unknown. */
  uncertain: Set<number>;
  counts: {
    inserts: number;
    updates: number;
    deletes: number;
    keyChanges: number;
    errors: number;
  };
}

const INSERTED_FROM = 1_000_000_000;
const MOVED_FROM = 2_000_000_000;

export class ChaosWriter {
  readonly log: WriteLog = {
    acknowledged: new Map(),
    uncertain: new Set(),
    counts: { inserts: 0, updates: 0, deletes: 0, keyChanges: 0, errors: 0 },
  };
  private n = 0;
  /**
   * Keys this writer deleted or moved away, newest last: every other insert
   * brings one back, as applications that delete and insert again by a natural
   * key do (a ghost's key written again while verify removes the ghost).
   */
  private readonly deletedKeys: number[] = [];
  private running?: Promise<void>;
  private stopping = false;
  private lastError?: string;

  constructor(
    private readonly pool: Pool,
    private readonly relation: string,
    private readonly seededRows: number,
    private readonly random: () => number,
  ) {}

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop();
  }

  /** Stops after the write in flight, so the table holds still for an audit. */
  async pause(): Promise<void> {
    this.stopping = true;
    await this.running;
    this.running = undefined;
  }

  get writes(): number {
    const c = this.log.counts;
    return c.inserts + c.updates + c.deletes + c.keyChanges;
  }

  get lastErrorMessage(): string | undefined {
    return this.lastError;
  }

  private current(id: number): WrittenRow | null {
    const logged = this.log.acknowledged.get(id);
    if (logged !== undefined) return logged;
    return id <= this.seededRows ? seededRow(id) : null;
  }

  /** The newest key this writer deleted that is still gone and certain, or undefined. */
  private deletedKey(): number | undefined {
    for (
      let id = this.deletedKeys.pop();
      id !== undefined;
      id = this.deletedKeys.pop()
    )
      if (!this.log.uncertain.has(id) && this.current(id) === null) return id;
    return undefined;
  }

  /** A key that exists now, as far as the log knows, or undefined. */
  private someLiveKey(): number | undefined {
    for (let tries = 0; tries < 10; tries++) {
      const id = 1 + Math.floor(this.random() * this.seededRows);
      if (!this.log.uncertain.has(id) && this.current(id)) return id;
    }
    return undefined;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      this.n += 1;
      try {
        await this.writeOnce(this.n);
      } catch (error) {
        // Only a failed write is here; its keys were marked uncertain.
        this.log.counts.errors += 1;
        this.lastError = (error as Error).message;
        await sleep(50);
      }
      await sleep(2);
    }
  }

  private async writeOnce(n: number): Promise<void> {
    const { acknowledged, counts } = this.log;
    const kind = n % 4;
    if (kind === 0) {
      const id = (n % 8 === 0 && this.deletedKey()) || INSERTED_FROM + n;
      const row = { account: `w${n}`, amount: n % 10_000 };
      await this.guard([id], () =>
        this.pool.query(
          `INSERT INTO ${this.relation} (id, account, amount) VALUES ($1, $2, $3)`,
          [id, row.account, row.amount],
        ),
      );
      acknowledged.set(id, row);
      counts.inserts += 1;
      return;
    }
    const id = this.someLiveKey();
    if (id === undefined) return;
    if (kind === 1) {
      const row = { account: `u${n}`, amount: (n * 7) % 10_000 };
      const res = await this.guard([id], () =>
        this.pool.query(
          `UPDATE ${this.relation} SET account = $2, amount = $3 WHERE id = $1`,
          [id, row.account, row.amount],
        ),
      );
      if (res.rowCount !== 1) throw this.surprise('update', id, res.rowCount);
      acknowledged.set(id, row);
      counts.updates += 1;
    } else if (kind === 2) {
      const res = await this.guard([id], () =>
        this.pool.query(`DELETE FROM ${this.relation} WHERE id = $1`, [id]),
      );
      if (res.rowCount !== 1) throw this.surprise('delete', id, res.rowCount);
      acknowledged.set(id, null);
      this.deletedKeys.push(id);
      counts.deletes += 1;
    } else {
      const to = MOVED_FROM + n;
      const res = await this.guard([id, to], () =>
        this.pool.query(`UPDATE ${this.relation} SET id = $2 WHERE id = $1`, [
          id,
          to,
        ]),
      );
      if (res.rowCount !== 1)
        throw this.surprise('key change', id, res.rowCount);
      acknowledged.set(to, this.current(id));
      acknowledged.set(id, null);
      this.deletedKeys.push(id);
      counts.keyChanges += 1;
    }
  }

  /** Runs one autocommit statement; on error its keys' outcome is unknown. */
  private async guard<T>(keys: number[], write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      for (const key of keys) this.log.uncertain.add(key);
      throw error;
    }
  }

  /**
   * A row the log says exists was not there to write: a lost write, found by the
   * writer itself (the audit counts it too, as the log still expects the row).
   */
  private surprise(what: string, id: number, rowCount: number | null): Error {
    this.missing.add(id);
    return new Error(`${what} of key ${id} touched ${rowCount} rows, not 1`);
  }

  /** Keys whose acknowledged row a later write did not find. */
  readonly missing = new Set<number>();
}
