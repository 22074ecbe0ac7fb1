/**
 * Where sessions are listed (issue 15, docs/sessions.md). A session is one login that left
 * state on the server: an opaque access token of the database or Redis strategy, or a family
 * of refresh tokens (any strategy). Its record holds no token: the SHA-256 of the access token
 * the session last issued (to mark the current session and to count its use) and that token's
 * name in its strategy's words (`Strategy.tokenKey`, to end it). Its id is random, so it names
 * the session without telling anything about a token.
 *
 * Every operation names the user, so that a store can keep one user's sessions together (one
 * Redis hash tag) and no user can reach another's session by its id.
 */

export interface SessionRecord {
  /** Random, 22 base64url characters. */
  id: string
  userId: string
  /** The name of the backend that started it, whose strategy and refresh tokens end it. */
  backend: string
  /** SHA-256 (base64url) of the access token the session issued last. */
  accessTokenHash: string
  /** That access token's `Strategy.tokenKey`, or `null` when it has none. */
  accessTokenKey: string | null
  /** The refresh-token family of the session, or `null` without refresh tokens. */
  familyId: string | null
  /** Unix seconds. */
  createdAt: number
  /** Unix seconds of the latest use seen (a request, a refresh), counted at most once an interval. */
  lastUsedAt: number
  /** Unix seconds after which nothing of the session works any more; `null`: until it is ended. */
  expiresAt: number | null
  /** The `User-Agent` of the login, cut to 512 characters; `null` when not recorded. */
  userAgent: string | null
  /** The client address of the login; `null` when not recorded. */
  clientAddress: string | null
}

/** What a refresh changes in its family's session. */
export interface SessionRotation {
  accessTokenHash: string
  accessTokenKey: string | null
  lastUsedAt: number
  expiresAt: number | null
}

export interface SessionStore {
  create(session: SessionRecord): Promise<void>
  /** The user's sessions, expired ones included (the caller filters them), in any order. */
  list(userId: string): Promise<SessionRecord[]>
  get(userId: string, id: string): Promise<SessionRecord | null>
  /** Points the session of a refresh family at the access token the refresh issued. */
  rotate(userId: string, familyId: string, rotation: SessionRotation): Promise<void>
  /** Sets `lastUsedAt` of the session whose access token has this hash, if it exists. */
  touch(userId: string, accessTokenHash: string, at: number): Promise<void>
  /** Deletes a session; `true` when it existed. */
  delete(userId: string, id: string): Promise<boolean>
  /** Deletes the session whose access token has this hash (a logout). */
  deleteByAccessToken(userId: string, accessTokenHash: string): Promise<void>
  /** Deletes the session of a refresh family (ended by a reuse). */
  deleteFamily(userId: string, familyId: string): Promise<void>
  /** Deletes every session of the user, except the one whose access token has `keepAccessTokenHash`. */
  deleteAllForUser(userId: string, keepAccessTokenHash?: string): Promise<void>
  /** Deletes sessions expired at `now` (Unix seconds); a store that expires them itself may do nothing. */
  deleteExpired(now: number): Promise<void>
}
