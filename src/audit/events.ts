/**
 * The security events of the audit log (docs/audit-log.md): one stable `type` string per event,
 * and for each its small `data` object. Every event says whose account it concerns (`user_id`,
 * `null` when no account is known, as for a login with an unknown email), who acted when that
 * is someone else (`actor_id`: the superuser), when, and from where (`ip`, `user_agent`).
 *
 * No event carries a password, a token or a hash: `data` holds names, reasons, ids and emails
 * only, and a login's submitted email is kept as a keyed digest (audit-log.ts says why).
 */

/** How a login was made. */
export type LoginMethod = 'password' | 'two_factor' | 'magic_link' | 'oauth' | 'passkey'

/**
 * Why a login was refused: a password login's reasons, the second factor's (a wrong TOTP or
 * recovery code, or too many wrong codes), and an OAuth callback's (docs/audit-log.md).
 */
export type LoginFailureReason =
  | 'bad_credentials' | 'inactive' | 'banned' | 'unverified' | 'unknown_hash'
  | 'bad_totp_code' | 'bad_recovery_code' | 'two_factor_throttled'
  | 'oauth_bad_state' | 'oauth_provider_error' | 'oauth_no_email' | 'oauth_account_exists' | 'oauth_user_not_verified'

/** The `data` of each event type. */
export interface AuditEventData {
  'login.succeeded': { method: LoginMethod; backend: string }
  /**
   * `method`: absent for a password login (the form of `POST …/login`). `backend`: the backend
   * of a two-factor step or an OAuth login. `provider`: the OAuth client's name, and `detail` the
   * wire code the callback answered. `email_digest` only when
   * no account has the submitted email: the keyed digest of the email as submitted
   * (`AuditLog.emailDigest`), never the email itself.
   */
  'login.failed': { reason: LoginFailureReason; method?: LoginMethod; backend?: string; provider?: string; detail?: string; email_digest?: string }
  /** The failure that locked the account name out; `email_digest` as for `login.failed`. */
  'login.locked_out': { retry_after_seconds: number; email_digest?: string }
  logout: { backend: string }
  'logout.all': { backend: string }
  /** `sessions_ended`: whether the user's other sessions were ended with it. */
  'password.changed': { sessions_ended: boolean }
  'password.reset': Record<string, never>
  'email.changed': { previous_email: string; email: string }
  'user.verified': Record<string, never>
  'roles.changed': { roles: string[] }
  'user.banned': { reason: string; expires_at: string | null }
  /** `expired`: lifted by the first login after its expiry rather than by a superuser. */
  'user.unbanned': { expired: boolean }
  /** The names of the fields a superuser changed, never their values. */
  'user.updated_by_superuser': { fields: string[] }
  'user.deleted': Record<string, never>
  'two_factor.enabled': Record<string, never>
  'two_factor.disabled': Record<string, never>
  /** One session ended by its owner or a superuser (not a logout: that is `logout`). */
  'session.revoked': { session_id: string }
  'api_key.created': { key_id: string; name?: string }
  'api_key.revoked': { key_id: string }
}

export type AuditEventType = keyof AuditEventData

/** Every event type, in the order of the docs. */
export const AUDIT_EVENT_TYPES: readonly AuditEventType[] = [
  'login.succeeded', 'login.failed', 'login.locked_out', 'logout', 'logout.all', 'password.changed', 'password.reset',
  'email.changed', 'user.verified', 'roles.changed', 'user.banned', 'user.unbanned', 'user.updated_by_superuser',
  'user.deleted', 'two_factor.enabled', 'two_factor.disabled', 'session.revoked', 'api_key.created', 'api_key.revoked',
]

/** What the code that emits an event says; the log adds the id, the time and the request's facts. */
export type AuditEventInput = {
  [T in AuditEventType]: {
    type: T
    /** The account concerned; `null` when none is known. */
    user_id: string | null
    /** Who acted, when not the request's authenticated user (a background job's operator, say). */
    actor_id?: string | null
    data: AuditEventData[T]
  }
}[AuditEventType]

/**
 * A recorded event. `actor_id` is the authenticated user of the request when it is not the
 * event's user (a superuser acting on an account), else `null`.
 */
export type AuditEvent = {
  [T in AuditEventType]: {
    /** Unique, and ordered by emission within one process. */
    id: string
    type: T
    user_id: string | null
    actor_id: string | null
    occurred_at: Date
    ip: string | null
    user_agent: string | null
    data: AuditEventData[T]
  }
}[AuditEventType]
