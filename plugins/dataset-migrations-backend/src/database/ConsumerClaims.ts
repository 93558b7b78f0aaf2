/**
 * Which job advances a consumer: a claim on its row, held until it runs out and
 * renewed while a step works, so two jobs for one consumer never run a step side
 * by side without a graphile queue per consumer.
 */
export interface ConsumerClaims {
  /**
   * Takes the consumer for `owner` until `leaseMs` from now, or renews the
   * owner's claim. While another owner holds a live claim, returns false and,
   * with `requestPass`, asks that owner for one more pass before it lets go.
   */
  claim(
    migrationId: string,
    entityRef: string,
    owner: string,
    options: { leaseMs: number; requestPass: boolean },
  ): Promise<boolean>;
  /**
   * Extends the owner's own claim by `leaseMs` from now: false once another
   * owner took the consumer, or the claim was let go (never taking a free row, so
   * a claim that another job took and released meanwhile is not taken back).
   * True for a consumer that settled or is gone: nothing is left to hold.
   */
  renewClaim(
    migrationId: string,
    entityRef: string,
    owner: string,
    leaseMs: number,
  ): Promise<boolean>;
  /**
   * Lets go of the owner's claim and returns true; returns false, keeping it,
   * when another job asked for one more pass meanwhile.
   */
  releaseClaim(
    migrationId: string,
    entityRef: string,
    owner: string,
  ): Promise<boolean>;
  /**
   * Consumers in the middle of a step (patch, verify, pull request) whose claim
   * ran out: a live job renews its claim, so its worker died, and its job stays
   * locked in graphile-worker for hours.
   */
  listExpiredClaims(): Promise<
    Array<{ migrationId: string; entityRef: string }>
  >;
  /**
   * Of these consumers, those with a step ahead of them (patch, verify, pull
   * request) and no live claim: a job held for them that claims nothing belongs to
   * a worker that died before it claimed.
   */
  listUnclaimed(
    consumers: Array<{ migrationId: string; entityRef: string }>,
  ): Promise<Array<{ migrationId: string; entityRef: string }>>;
}
