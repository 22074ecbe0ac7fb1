/**
 * Lifecycle hooks of the user manager (CONTRACT §9.2), named for the moment they run. Each one
 * runs after the database write succeeded and receives what it needs; a missing hook is a
 * no-op. `R` is the request type the HTTP layer passes through (the manager never reads it).
 */
import type { AuditEvent } from './audit/events.ts'
import type { UserRecord } from './user.ts'

/**
 * The fields an update changed. `password` is `true` when the password changed: hooks never
 * see a plaintext password (CONTRACT, deliberate difference 5).
 */
export type UpdatedFields<U extends UserRecord> = Partial<Omit<U, 'password'>> & { password?: true }

/**
 * The `onAfter…`/`onBefore…` hooks of the manager, FastAPI Users' `on_after_*` methods: send the
 * verification and reset tokens, audit, provision. Each runs after the database write it
 * follows, and receives the request (or `undefined` outside one).
 *
 * @example
 * manager: { onAfterForgotPassword: (user, token) => sendResetMail(user.email, token) }
 */
export interface UserManagerHooks<U extends UserRecord = UserRecord, R = unknown, Res = unknown> {
  onAfterRegister?(user: U, request: R | undefined): void | Promise<void>
  onAfterUpdate?(user: U, updated: UpdatedFields<U>, request: R | undefined): void | Promise<void>
  onAfterLogin?(user: U, request: R | undefined, response: Res | undefined): void | Promise<void>
  onAfterRequestVerify?(user: U, token: string, request: R | undefined): void | Promise<void>
  onAfterVerify?(user: U, request: R | undefined): void | Promise<void>
  onAfterForgotPassword?(user: U, token: string, request: R | undefined): void | Promise<void>
  /** Receives the user as it was before the new password was stored, as upstream. */
  onAfterResetPassword?(user: U, request: R | undefined): void | Promise<void>
  onBeforeDelete?(user: U, request: R | undefined): void | Promise<void>
  onAfterDelete?(user: U, request: R | undefined): void | Promise<void>
  /**
   * Every security event (docs/audit-log.md), as it happens: logins, logouts, password and email
   * changes, bans, superusers' actions. Not awaited, so a slow hook slows no request; a failure
   * is logged.
   */
  onAuditEvent?(event: AuditEvent, request: R | undefined): void | Promise<void>
}
