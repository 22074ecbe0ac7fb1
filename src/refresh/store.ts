/**
 * Where refresh tokens are kept. A store never sees a token, only its SHA-256 (43 base64url
 * characters), so a leaked store yields no usable token. Rows are grouped in families: a login
 * starts one, every rotation adds the next token to it, and a reuse of a used token deletes it
 * whole. A used row stays until it expires, which is how a second use is recognised.
 */

export interface RefreshTokenRecord {
  /** SHA-256 of the token, base64url. */
  tokenHash: string
  /** The family: random, shared by every token rotated from one login. */
  familyId: string
  userId: string
  /** SHA-256 of the access token issued with this refresh token: a logout names its family. */
  accessTokenHash: string
  /** Unix seconds. */
  createdAt: number
  /** Unix seconds; the token is refused from then on. */
  expiresAt: number
  /** Unix seconds of its use, or `null` while unused. */
  usedAt: number | null
}

export interface RefreshTokenStore {
  create(record: RefreshTokenRecord): Promise<void>
  find(tokenHash: string): Promise<RefreshTokenRecord | null>
  /**
   * Marks an unused token used, atomically: of two concurrent calls for one token, exactly
   * one returns `true`.
   */
  consume(tokenHash: string, usedAt: number): Promise<boolean>
  deleteFamily(familyId: string): Promise<void>
  /** Deletes the families that issued this access token (normally one). */
  deleteFamiliesOfAccessToken(accessTokenHash: string): Promise<void>
  /** Deletes every family of a user, except those that issued `keepAccessTokenHash`. */
  deleteAllForUser(userId: string, keepAccessTokenHash?: string): Promise<void>
  /** Deletes rows expired before `now` (Unix seconds). */
  deleteExpired(now: number): Promise<void>
}
