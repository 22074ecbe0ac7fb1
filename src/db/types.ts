/**
 * The storage interfaces the core relies on. Adapters implement them; the core never sees SQL
 * or documents. Lookups by email are case-insensitive under ASCII case folding (`A`-`Z` only),
 * the same in every database, and email uniqueness is enforced by the database itself under
 * the same folding, so that two concurrent registrations differing only in case cannot both
 * succeed (CONTRACT, deliberate difference 3).
 */
import type {
  OAuthAccount,
  OAuthAccountCreate,
  OAuthAccountUpdate,
  UserCreateData,
  UserRecord,
  UserUpdateData,
} from '../user.ts'

export interface UserDatabase<U extends UserRecord = UserRecord> {
  /**
   * The user of this id (a lower-case hyphenated UUID), or `null`. Read from the primary: this
   * is the lookup that decides authentication, and the one that follows a write.
   */
  get(id: string): Promise<U | null>
  /**
   * The user of this id for display only, where some replication lag is acceptable (a
   * superuser's `GET /users/{id}`): an adapter with a read replica reads it there, so it may
   * miss the last writes. Never used to decide anything or after a write. Optional: `get`
   * serves when absent.
   */
  getForDisplay?(id: string): Promise<U | null>
  /** The user whose email matches case-insensitively, or `null`. */
  getByEmail(email: string): Promise<U | null>
  /**
   * The user whose username matches under ASCII case folding, or `null` (issue 16: usernames,
   * opt-in). Optional for adapters of applications that do not use usernames; every adapter of
   * the library has it. `create` and `update` write `username` (`null`: none) and throw
   * `DuplicateUsernameError` when another user holds it in any letter case.
   */
  getByUsername?(username: string): Promise<U | null>
  /** The user owning this provider account, or `null`. */
  getByOAuthAccount(oauthName: string, accountId: string): Promise<U | null>
  /** Inserts a user with a new UUID. Throws `DuplicateEmailError` if the email is taken. */
  create(data: UserCreateData): Promise<U>
  /** Writes the given fields; returns the stored user. Throws `DuplicateEmailError`. */
  update(user: U, data: UserUpdateData): Promise<U>
  /**
   * Replaces the user's password hash if the stored one is still `expectedHashedPassword`, in
   * one database operation (a compare-and-set), and returns the stored user; `null` when the
   * stored hash is another (the password changed meanwhile) or the user is gone. Of several
   * concurrent calls from one hash, exactly one succeeds.
   */
  updatePassword(user: U, expectedHashedPassword: string, newHashedPassword: string): Promise<U | null>
  /** Deletes the user with its OAuth accounts and access tokens. */
  delete(user: U): Promise<void>
  /** The provider accounts linked to this user, oldest first. */
  listOAuthAccounts(user: U): Promise<OAuthAccount[]>
  addOAuthAccount(user: U, account: OAuthAccountCreate): Promise<OAuthAccount>
  updateOAuthAccount(account: OAuthAccount, data: OAuthAccountUpdate): Promise<OAuthAccount>
  /**
   * Unlinks this provider account (by its `id`) from this user, in one database operation;
   * `true` when it was linked to that user and is no more, `false` otherwise.
   */
  removeOAuthAccount(user: U, account: OAuthAccount): Promise<boolean>
}

/** A stored opaque access token (FastAPI Users' `accesstoken` table, CONTRACT §16.2). */
export interface AccessTokenRecord {
  token: string
  user_id: string
  created_at: Date
}

export interface AccessTokenDatabase {
  /**
   * The token's row, or `null` when it does not exist or, with `maxAgeSeconds`, when it was
   * created more than that many seconds ago.
   */
  getByToken(token: string, maxAgeSeconds?: number | null): Promise<AccessTokenRecord | null>
  create(record: AccessTokenRecord): Promise<AccessTokenRecord>
  delete(token: string): Promise<void>
  /** Deletes every token of a user; returns how many were deleted. */
  deleteAllForUser(userId: string): Promise<number>
}
