/**
 * Where passkeys live: one record per credential, under a unique credential id, and the
 * challenges already answered. Every write that a race could double is one conditional
 * operation: a credential id registers once, a counter moves only from the value the login
 * read, a challenge is consumed once.
 */

/** How a credential is kept: its public key, its signature counter and what the user sees. */
export interface PasskeyRecord {
  /** The server's id of the passkey (a UUID), the one the routes name. */
  id: string
  userId: string
  /** The WebAuthn credential id, base64url, as the authenticator reports it. */
  credentialId: string
  /** The COSE public key. */
  publicKey: Uint8Array
  /** The authenticator's signature counter at the last login (0 for those that keep none). */
  counter: number
  /** How the browser can reach the authenticator (`internal`, `hybrid`, `usb`…), as a hint. */
  transports: string[]
  /** `multiDevice` for a synced passkey, `singleDevice` for one bound to its authenticator. */
  deviceType: 'singleDevice' | 'multiDevice'
  backedUp: boolean
  /** The user's label. */
  name: string
  /** Unix seconds. */
  createdAt: number
  /** Unix seconds, or `null` before the first login. */
  lastUsedAt: number | null
}

export interface PasskeyStore {
  /** Saves a new passkey; `false` when its credential id is registered already (to anyone). */
  create(record: PasskeyRecord): Promise<boolean>
  findByCredentialId(credentialId: string): Promise<PasskeyRecord | null>
  /** The user's passkeys, oldest first. */
  list(userId: string): Promise<PasskeyRecord[]>
  /**
   * Records a login: sets the counter to `next` and the last use to `usedAt`, only if the
   * counter is still `expected`; `false` when another login moved it meanwhile.
   */
  recordUse(credentialId: string, expected: number, next: number, usedAt: number): Promise<boolean>
  /** Renames one of the user's passkeys; `false` when the user has no passkey of that id. */
  rename(userId: string, id: string, name: string): Promise<boolean>
  /** Deletes one of the user's passkeys; `false` when the user has no passkey of that id. */
  delete(userId: string, id: string): Promise<boolean>
  /** Deletes all the user's passkeys (the user is deleted). */
  deleteAll(userId: string): Promise<void>
  /**
   * Records the challenge as answered until `expiresAt` (Unix seconds); `false` when it was
   * already. May delete the records of challenges expired before `now`.
   */
  consumeChallenge(challenge: string, expiresAt: number, now: number): Promise<boolean>
}
