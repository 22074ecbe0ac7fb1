/**
 * Where API keys live: one record per key, holding the SHA-256 of its secret, never the secret.
 * Keys are looked up by id (the part of the key before the secret), then the hash is compared
 * in constant time, so a lookup never depends on the secret. Revoking deletes the record: the
 * next request with the key finds nothing.
 */

export interface ApiKeyRecord {
  /** 32 hex characters, random; part of the key. */
  id: string
  userId: string
  name: string
  /** SHA-256 of the secret, hex (src/api-keys/key-format.ts). */
  secretHash: string
  /** What the key may do, a subset of its owner's permissions when it was created. */
  permissions: string[]
  createdAt: Date
  expiresAt: Date
  /** When the key last authenticated a request, to within the recording interval; `null`: never. */
  lastUsedAt: Date | null
}

export interface ApiKeyStore {
  create(record: ApiKeyRecord): Promise<void>
  /** The key of this id, expired or not, or `null`. */
  get(id: string): Promise<ApiKeyRecord | null>
  /** The user's keys, oldest first. */
  list(userId: string): Promise<ApiKeyRecord[]>
  /** Deletes the key when it is the user's; `false` when there was no such key of the user. */
  delete(userId: string, id: string): Promise<boolean>
  /** Deletes all the user's keys (the user was deleted). */
  deleteAll(userId: string): Promise<void>
  /**
   * Records a use at `at`, only when the recorded last use is missing or older than
   * `staleBefore`: one conditional write, so instances racing to record write once.
   */
  touch(id: string, at: Date, staleBefore: Date): Promise<void>
}
