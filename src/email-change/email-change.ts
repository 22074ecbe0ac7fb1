/**
 * Verified email change (opt-in): a user's new address takes effect only when a token mailed
 * to it comes back, so nobody can move an account to an address they do not hold (and a
 * session thief cannot quietly take the account's mail). The token is a JWT of its own
 * audience, `{sub, email, new_email, exp}` (an hour by default), naming the address it
 * replaces: once the change is made, or the address changed otherwise, the token is dead, so
 * it works once without any storage. The old address gets a notice.
 */
import { ErrorCode, InvalidTokenError, UsersError } from '../errors.ts'
import { foldEmail } from '../email.ts'
import { importJwtKeys, type JwtKeys, type KeyMaterial } from '../jwt/keys.ts'
import { signJwt } from '../jwt/sign.ts'
import { verifyJwt } from '../jwt/verify.ts'
import type { UserManager } from '../manager.ts'
import type { UserRecord } from '../user.ts'
import { EmailChangeError } from './errors.ts'

export const EMAIL_CHANGE_AUDIENCE = 'fastify-users:email-change'

/** A mail to send: the token to the new address, or the notice to the current one. */
export type EmailChangeMessage<U extends UserRecord = UserRecord> =
  | { kind: 'confirm'; email: string; token: string; user: U }
  | { kind: 'notice'; email: string; newEmail: string; user: U }

export interface EmailChangeOptions<U extends UserRecord = UserRecord, R = unknown> {
  /** Mails both messages. It must mail `message.email` and not log the token. */
  send(message: EmailChangeMessage<U>, request: R | undefined): void | Promise<void>
  /** The HS256 key of the tokens. Default: the manager's `verificationTokenSecret`. */
  secret?: KeyMaterial
  /** Seconds a token works (default 3600). */
  lifetimeSeconds?: number
}

/**
 * @example
 * const changes = new EmailChanges({ send: mailIt }, manager, SECRET)
 */
export class EmailChanges<U extends UserRecord = UserRecord, R = unknown> {
  readonly lifetimeSeconds: number
  readonly #options: EmailChangeOptions<U, R>
  readonly #keys: JwtKeys
  readonly #manager: UserManager<U, R>

  constructor(options: EmailChangeOptions<U, R>, manager: UserManager<U, R>, defaultSecret: KeyMaterial) {
    this.lifetimeSeconds = options.lifetimeSeconds ?? 3600
    if (!(Number.isSafeInteger(this.lifetimeSeconds) && this.lifetimeSeconds > 0)) {
      throw new TypeError('emailChange.lifetimeSeconds must be a positive whole number of seconds')
    }
    this.#options = options
    this.#keys = importJwtKeys({ secret: options.secret ?? defaultSecret, algorithm: 'HS256' })
    this.#manager = manager
  }

  /** Whether changing `user`'s address to `email` needs a confirmation (not a case-only change). */
  needsConfirmation(user: U, email: string): boolean {
    return foldEmail(email) !== foldEmail(user.email)
  }

  /**
   * Checks that the new address is free and returns the mails to send (the caller sends them
   * after the response with `send`). Throws `UPDATE_USER_EMAIL_ALREADY_EXISTS`, as an
   * immediate change would.
   */
  async start(user: U, newEmail: string): Promise<EmailChangeMessage<U>[]> {
    if ((await this.#manager.getByEmail(newEmail)) !== null) throw new UsersError(ErrorCode.UPDATE_USER_EMAIL_ALREADY_EXISTS)
    const claims = { sub: user.id, email: user.email, new_email: newEmail }
    const token = await signJwt(claims, this.#keys, { audience: EMAIL_CHANGE_AUDIENCE, lifetimeSeconds: this.lifetimeSeconds })
    return [
      { kind: 'confirm', email: newEmail, token, user },
      { kind: 'notice', email: user.email, newEmail, user },
    ]
  }

  async send(messages: readonly EmailChangeMessage<U>[], request?: R): Promise<void> {
    for (const message of messages) await this.#options.send(message, request)
  }

  /**
   * Makes the change a token asks for: the user with the new address, verified (the token
   * proved it). Throws `EmailChangeError`, or `UPDATE_USER_EMAIL_ALREADY_EXISTS` when the
   * address was taken meanwhile.
   */
  async confirm(token: string, request?: R): Promise<U> {
    let claims
    try {
      claims = verifyJwt(token, this.#keys, { audience: EMAIL_CHANGE_AUDIENCE, requireExp: true })
    } catch (error) {
      if (error instanceof InvalidTokenError) throw new EmailChangeError()
      throw error
    }
    const { sub, email, new_email: newEmail } = claims as { sub?: unknown; email?: unknown; new_email?: unknown }
    if (typeof sub !== 'string' || typeof email !== 'string' || typeof newEmail !== 'string') throw new EmailChangeError()
    const user = await this.#manager.get(sub)
    // The token names the address it replaces: used, or overtaken by another change, it is dead.
    if (user === null || !user.is_active || user.email !== email) throw new EmailChangeError()
    return this.#manager.update(user, { email: newEmail, is_verified: true }, { safe: false, request })
  }
}
