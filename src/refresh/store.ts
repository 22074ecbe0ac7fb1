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
  /**
   * That access token in the words of its strategy (`Strategy.tokenKey`: no secret), so that a
   * reuse of the family can end it; `null` when the strategy cannot name it, or for rows
   * written before this was kept.
   */
  accessTokenKey: string | null
  /** Unix seconds. */
  createdAt: number
  /** Unix seconds; the token is refused from then on. */
  expiresAt: number
  /** Unix seconds of its use, or `null` while unused. */
  usedAt: number | null
}

/** What ending a family found: the access tokens issued with its refresh tokens. */
export interface FamilyMember {
  userId: string
  accessTokenKey: string | null
}

export interface RefreshTokenStore {
  /**
   * Stores a new row, or returns `false` (storing nothing) when a row of that token hash
   * exists: a rotation's successor is derived from its predecessor, so a repeated rotation
   * finds it stored by the first.
   */
  create(record: RefreshTokenRecord): Promise<boolean>
  find(tokenHash: string): Promise<RefreshTokenRecord | null>
  /**
   * Marks an unused token used, atomically: of two concurrent calls for one token, exactly
   * one returns `true`.
   */
  consume(tokenHash: string, usedAt: number): Promise<boolean>
  /** Deletes a family, returning what its rows named. */
  deleteFamily(familyId: string): Promise<FamilyMember[]>
  /** Deletes the families that issued this access token (normally one). */
  deleteFamiliesOfAccessToken(accessTokenHash: string): Promise<void>
  /** Deletes every family of a user, except those that issued `keepAccessTokenHash`. */
  deleteAllForUser(userId: string, keepAccessTokenHash?: string): Promise<void>
  /** Deletes rows expired before `now` (Unix seconds). */
  deleteExpired(now: number): Promise<void>
}
