/**
 * What the user manager takes: its options (secrets, lifetimes, policy, hooks) and the shapes
 * of the inputs its methods accept. Apart from manager.ts, which re-exports them, so that the
 * manager's file holds its rules only.
 */
import type { AuditLogOptions } from './audit/audit-log.ts'
import type { UserDatabase } from './db/types.ts'
import type { UserManagerHooks } from './hooks.ts'
import type { KeyMaterial } from './jwt/keys.ts'
import type { Mailer } from './mail/mailer.ts'
import type { PasswordHasher } from './password.ts'
import type { PasswordPolicy } from './password-policy.ts'
import type { TokenRevoker } from './revocation/revoker.ts'
import type { UserRecord } from './user.ts'
import type { UsernameOptions } from './username/rules.ts'

export interface UserManagerOptions<U extends UserRecord = UserRecord, R = unknown, Res = unknown>
  extends UserManagerHooks<U, R, Res> {
  db: UserDatabase<U>
  /** HS256 secret of reset-password tokens. */
  resetPasswordTokenSecret: KeyMaterial
  resetPasswordTokenLifetimeSeconds?: number
  resetPasswordTokenAudience?: string
  /**
   * How reset tokens fingerprint the password hash they are bound to. `'hmac'` (default): an
   * HMAC under the reset secret, microseconds per token. `'fastapi-users'`: a password hash of
   * the stored hash, as FastAPI Users writes it, so that a link mailed by fastify-users still
   * works if the service rolls back to FastAPI Users (whose pwdlib cannot read the HMAC and
   * answers 500); costs one password hash per forgot-password, after the response. Either
   * kind is accepted on reset.
   */
  resetTokenFingerprint?: 'hmac' | 'fastapi-users'
  /** HS256 secret of verification tokens. */
  verificationTokenSecret: KeyMaterial
  verificationTokenLifetimeSeconds?: number
  verificationTokenAudience?: string
  passwordHelper?: PasswordHasher
  /** Replaces the default policy; throw `InvalidPasswordError` to refuse a password. */
  validatePassword?: PasswordPolicy
  /**
   * What holds the users' access and refresh tokens (strategies, refresh stores), for "log out
   * everywhere". `fastifyUsers()` fills it from its backends.
   */
  tokenRevokers?: TokenRevoker[]
  /**
   * A password change by the user itself (`update` with `safe`, i.e. `PATCH /users/me`) ends
   * the user's other sessions: every access and refresh token but `sessionToken`, the one the
   * change was made with (CONTRACT, deliberate difference 10). Default `true`; `false` keeps
   * them all, as FastAPI Users does. A superuser's change (`safe: false`) never revokes.
   */
  revokeOtherTokensOnPasswordChange?: boolean
  /**
   * Sends the verification and reset links and the account notices (src/mail/); its mails
   * follow the hooks of the same moments. None by default: the hooks are then the only way out.
   */
  mailer?: Mailer
  /**
   * Opt-in usernames (issue 16, src/username/): `username` is taken at registration and in
   * updates under these rules, and a login name without `@` is looked up as a username.
   * `true` takes the default rules. Off by default: `username` in an input is then ignored.
   */
  usernames?: UsernameOptions | boolean
  /**
   * Where security events go besides the `onAuditEvent` hook: a store, its retention, and how
   * a request's address and user are read (docs/audit-log.md). `fastifyUsers()` fills it from
   * its `audit` option.
   */
  audit?: Omit<AuditLogOptions<R>, 'secret' | 'onAuditEvent'>
}

export interface UserUpdateOptions<R = unknown> {
  /** A user updating itself: privileged fields are ignored. */
  safe?: boolean
  /** Handed to the hooks. */
  request?: R
  /** The token the user makes a `safe` change with: it keeps working when the password change ends the others. */
  sessionToken?: string
}

/** A registration: the create model of CONTRACT §2.2, plus the application's fields. */
export interface UserCreateInput {
  email: string
  password: string
  is_active?: boolean | null
  is_superuser?: boolean | null
  is_verified?: boolean | null
  /** With usernames on (`usernames` option); ignored otherwise. */
  username?: string | null
  [field: string]: unknown
}

/**
 * A partial update: only the keys present count. A `null` flag is left unchanged, as `null`
 * in a registration gives the default: `PATCH /users/me` accepts and ignores them.
 */
export interface UserUpdateInput {
  email?: string
  password?: string | null
  /** The user's password, to re-authenticate a change (`PATCH /users/me`); never stored. */
  current_password?: string
  is_active?: boolean | null
  is_superuser?: boolean | null
  is_verified?: boolean | null
  /** With usernames on: a new username, or `null` to remove it; ignored otherwise. */
  username?: string | null
  [field: string]: unknown
}

export interface Credentials {
  username: string
  password: string
}
