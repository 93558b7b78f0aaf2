import type { Knex } from 'knex';

declare const storeTransaction: unique symbol;

/**
 * A write in progress in the plugin's database, handed by a store to a callback so
 * that what the callback writes (a job) commits or rolls back with the store's rows.
 * Opaque: only the database and queue layers, which share that database, unwrap it.
 */
export interface StoreTransaction {
  readonly [storeTransaction]: true;
}

export function asStoreTransaction(tx: Knex.Transaction): StoreTransaction {
  return tx as unknown as StoreTransaction;
}

/** The knex to write with: a store's transaction, or the plugin's client itself. */
export function knexOf(tx: StoreTransaction | Knex): Knex {
  return tx as unknown as Knex;
}
