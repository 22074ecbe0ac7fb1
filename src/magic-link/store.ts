/**
 * What makes a magic link single-use: the ids of the links already used, kept until the link
 * would have expired anyway. `consume` is one insert under a unique key, so that of two
 * requests presenting the same link, on one instance or several, exactly one logs in.
 */
export interface MagicLinkStore {
  /**
   * Records the link id as used until `expiresAt` (Unix seconds); `false` when it was already.
   * May delete the records of links expired before `now`.
   */
  consume(linkId: string, expiresAt: number, now: number): Promise<boolean>
}
