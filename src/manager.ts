/**
 * The user manager: the business rules of FastAPI Users' `BaseUserManager` (CONTRACT §9), with
 * no knowledge of HTTP. Routes call one method each; an error a client caused is thrown as a
 * `UsersError` carrying the wire code of the operation at hand.
 */
import { AccountTokens } from './account-tokens.ts'
import { AuditLog } from './audit/audit-log.ts'
import { DuplicateEmailError, DuplicateUsernameError, ErrorCode, InvalidPasswordError, UnknownHashError, UsersError } from './errors.ts'
import type { UserDatabase } from './db/types.ts'
import { foldEmail } from './email.ts'
import type { UpdatedFields, UserManagerHooks } from './hooks.ts'
import { parseId } from './id.ts'
import type { Credentials, UserCreateInput, UserManagerOptions, UserUpdateInput, UserUpdateOptions } from './manager-options.ts'
import { normalizePassword, PasswordHelper, type PasswordHasher } from './password.ts'
import { defaultPasswordPolicy, type PasswordPolicyUser } from './password-policy.ts'
import type { RevokeOptions } from './revocation/revoker.ts'
import type { UserCreateData, UserRecord, UserUpdateData } from './user.ts'
import { UsernameError, UsernameErrorCode } from './username/errors.ts'
import { Usernames } from './username/usernames.ts'

export type { Credentials, UserCreateInput, UserManagerOptions, UserUpdateInput, UserUpdateOptions } from './manager-options.ts'

/** Fields a "safe" create or update (a user acting on itself) never takes from the client. */
const PRIVILEGED_FIELDS = ['id', 'hashed_password', 'is_active', 'is_superuser', 'is_verified', 'oauth_accounts']
const FLAGS = ['is_active', 'is_superuser', 'is_verified']

/**
 * FastAPI Users' `BaseUserManager`: registration, authentication by password, verification,
 * password reset, updates and deletion, with the lifecycle hooks and the password policy of
 * its options. `fastifyUsers` builds one from its `manager` option (`users.manager`); call it
 * from your own routes, jobs or scripts to act on users with the same rules as the routes.
 *
 * @example
 * const user = await users.manager.create({ email: 'lancelot@camelot.bt', password: 'guinevere-lancelot-17' })
 * await users.manager.requestVerify(user)
 */
export class UserManager<U extends UserRecord = UserRecord, R = unknown, Res = unknown> {
  readonly db: UserDatabase<U>
  readonly passwordHelper: PasswordHasher
  readonly hooks: UserManagerHooks<U, R, Res>
  /** The username rules and lookups, or `null` when usernames are off. */
  readonly usernames: Usernames<U> | null
  /** The security events' sink (docs/audit-log.md): emit your own features' events here. */
  readonly audit: AuditLog<R>
  readonly #tokens: AccountTokens
  readonly #options: UserManagerOptions<U, R, Res>

  constructor(options: UserManagerOptions<U, R, Res>) {
    this.#options = options
    this.db = options.db
    this.passwordHelper = options.passwordHelper ?? new PasswordHelper()
    this.hooks = options.mailer ? options.mailer.withHooks(options) : options
    const usernames = options.usernames ?? false
    this.usernames = usernames === false ? null : new Usernames(usernames === true ? {} : usernames, options.db)
    this.#tokens = new AccountTokens(options, this.passwordHelper)
    const onAuditEvent = this.hooks.onAuditEvent?.bind(this.hooks)
    this.audit = new AuditLog<R>({ ...options.audit, secret: options.resetPasswordTokenSecret, onAuditEvent })
  }

  /** The user of this id, in any UUID spelling; `null` for an unknown or malformed id. */
  async get(id: string): Promise<U | null> {
    const parsed = parseId(id)
    return parsed === null ? null : this.db.get(parsed)
  }

  /**
   * The user of this id for display only (`UserDatabase.getForDisplay`): possibly from a read
   * replica, so possibly behind the last writes. Decisions and writes use `get`.
   */
  async getForDisplay(id: string): Promise<U | null> {
    const parsed = parseId(id)
    if (parsed === null) return null
    return this.db.getForDisplay === undefined ? this.db.get(parsed) : this.db.getForDisplay(parsed)
  }

  /** The user of this email, compared case-insensitively. */
  getByEmail(email: string): Promise<U | null> {
    return this.db.getByEmail(email)
  }

  /** Runs the password policy; `InvalidPasswordError` becomes a `UsersError` of `code`. */
  async validatePassword(password: string, user: PasswordPolicyUser, code: ErrorCode): Promise<void> {
    try {
      await (this.#options.validatePassword ?? defaultPasswordPolicy)(password, user)
    } catch (error) {
      if (error instanceof InvalidPasswordError) throw new UsersError(code, error.reason)
      throw error
    }
  }

  /**
   * Creates a user. `safe` (the register route) ignores the privileged fields of the input.
   * The email must already be normalized (see `normalizeEmail`).
   */
  async create(input: UserCreateInput, options: { safe?: boolean; request?: R } = {}): Promise<U> {
    await this.validatePassword(input.password, input, ErrorCode.REGISTER_INVALID_PASSWORD)
    if (await this.db.getByEmail(input.email)) throw new UsersError(ErrorCode.REGISTER_USER_ALREADY_EXISTS)
    const { password, username, ...fields } = input
    const flags: Partial<UserCreateInput> = options.safe ? {} : input
    const data: UserCreateData = {
      ...withoutPrivileged(fields),
      ...(await this.usernames?.forRegistration(username, options)),
      email: input.email,
      hashed_password: await this.passwordHelper.hash(password),
      is_active: flags.is_active ?? true,
      is_superuser: flags.is_superuser ?? false,
      is_verified: flags.is_verified ?? false,
    }
    let user: U
    try {
      user = await this.db.create(data)
    } catch (error) {
      if (error instanceof DuplicateEmailError) throw new UsersError(ErrorCode.REGISTER_USER_ALREADY_EXISTS)
      if (error instanceof DuplicateUsernameError) throw new UsernameError(UsernameErrorCode.REGISTER_USERNAME_ALREADY_EXISTS)
      throw error
    }
    await this.hooks.onAfterRegister?.(user, options.request)
    return user
  }

  /**
   * The user whose email and password match, or `null`. Unknown emails cost a hash too, so
   * that the response time does not tell which emails have an account. A hash in an old
   * scheme or with old parameters is replaced by a current one (even for an inactive user, as
   * upstream), unless the password changed meanwhile. Throws `UnknownHashError` for a stored
   * hash in an unknown format. A refusal is audited as `login.failed`.
   */
  async authenticate(credentials: Credentials, request?: R): Promise<U | null> {
    const user = await this.#userOfLogin(credentials.username)
    if (!user) {
      await this.passwordHelper.hash(credentials.password)
      // A known user's wrong password that is not in NFKC form costs two verifications (the
      // normalised form, then the raw one for a legacy hash): so does an unknown user's.
      if (normalizePassword(credentials.password) !== credentials.password) await this.passwordHelper.hash(credentials.password)
      const data = { reason: 'bad_credentials', email_digest: this.audit.emailDigest(credentials.username) } as const
      this.audit.emit({ type: 'login.failed', user_id: null, data }, request)
      return null
    }
    let result: U | null
    try {
      result = await this.#checkPassword(user, credentials.password)
    } catch (error) {
      if (error instanceof UnknownHashError) this.audit.emit({ type: 'login.failed', user_id: user.id, data: { reason: 'unknown_hash' } }, request)
      throw error
    }
    if (result === null) this.audit.emit({ type: 'login.failed', user_id: user.id, data: { reason: 'bad_credentials' } }, request)
    return result
  }

  /** The user if `password` is theirs, with an outdated hash replaced by a current one. */
  async #checkPassword(user: U, password: string): Promise<U | null> {
    const { verified, updatedHash } = await this.passwordHelper.verifyAndUpdate(password, user.hashed_password)
    if (!verified) return null
    if (updatedHash === null) return user
    // Replaced only while it is the hash just verified, so that a password changed meanwhile (a
    // reset) is not overwritten by the old one. The hash that is stored now decides instead: a
    // concurrent login's rehash of the same password still lets this one in; a reset does not.
    const rehashed = await this.db.updatePassword(user, user.hashed_password, updatedHash)
    if (rehashed !== null) return rehashed
    const current = await this.db.get(user.id)
    if (current === null) return null
    return (await this.passwordHelper.verifyAndUpdate(password, current.hashed_password)).verified ? current : null
  }

  /**
   * Whether `password` is the user's current password (a re-authentication before a sensitive
   * change). A stored hash in an unknown format matches nothing. The hash is not upgraded here:
   * the next login does that.
   */
  async verifyPassword(user: U, password: string): Promise<boolean> {
    try {
      return (await this.passwordHelper.verifyAndUpdate(password, user.hashed_password)).verified
    } catch (error) {
      if (error instanceof UnknownHashError) return false
      throw error
    }
  }

  /** Mints a reset token for an active user and calls `onAfterForgotPassword`. */
  async forgotPassword(user: U, request?: R): Promise<string> {
    const token = await this.#tokens.resetToken(user)
    await this.hooks.onAfterForgotPassword?.(user, token, request)
    return token
  }

  /** Sets a new password with a reset token; the token dies with the old password hash. */
  async resetPassword(token: string, password: string, request?: R): Promise<U> {
    const bad = new UsersError(ErrorCode.RESET_PASSWORD_BAD_TOKEN)
    const claims = this.#tokens.readResetToken(token, bad)
    const id = parseId(claims.sub)
    if (id === null) throw bad
    const user = await this.db.get(id)
    if (!user || !user.is_active) throw bad
    if (!(await this.#tokens.fingerprintMatches(claims.fingerprint, user.hashed_password))) throw bad
    await this.validatePassword(password, user, ErrorCode.RESET_PASSWORD_INVALID_PASSWORD)
    // A compare-and-set on the hash the token was checked against: of several resets with one
    // token at once, only the first replaces it, and the others find the token used.
    const updated = await this.db.updatePassword(user, user.hashed_password, await this.passwordHelper.hash(password))
    if (updated === null) throw bad
    // Whoever asked for the reset may be locking out a thief: end every session (deliberate difference 10).
    await this.revokeAllTokens(updated)
    this.audit.emit({ type: 'password.reset', user_id: user.id, data: {} }, request)
    await this.hooks.onAfterResetPassword?.(user, request)
    return updated
  }

  /** Mints a verification token for an active, unverified user; calls `onAfterRequestVerify`. */
  async requestVerify(user: U, request?: R): Promise<string> {
    const token = await this.#tokens.verifyToken(user)
    await this.hooks.onAfterRequestVerify?.(user, token, request)
    return token
  }

  /** Marks the user of a verification token verified (an inactive user too, as upstream). */
  async verify(token: string, request?: R): Promise<U> {
    const bad = new UsersError(ErrorCode.VERIFY_USER_BAD_TOKEN)
    const claims = this.#tokens.readVerifyToken(token, bad)
    const user = await this.db.getByEmail(claims.email)
    // The id must match too: a token mailed to an address dies when the address changes hands.
    if (!user || parseId(claims.sub) !== user.id) throw bad
    if (user.is_verified) throw new UsersError(ErrorCode.VERIFY_USER_ALREADY_VERIFIED)
    const verified = await this.db.update(user, { is_verified: true } as UserUpdateData)
    this.audit.emit({ type: 'user.verified', user_id: user.id, data: {} }, request)
    await this.hooks.onAfterVerify?.(verified, request)
    return verified
  }

  /**
   * Applies a partial update, key by key in FastAPI Users' order (password, email, flags,
   * then the application's fields). `safe` (a user updating itself) ignores privileged fields.
   * A new email resets `is_verified`, unless only its letter case changed (deliberate
   * difference 2) or an unsafe update sets `is_verified` itself. A `safe` password change
   * ends the user's other sessions (see `revokeOtherTokensOnPasswordChange`).
   */
  async update(user: U, input: UserUpdateInput, options: UserUpdateOptions<R> = {}): Promise<U> {
    const changes = (options.safe ? withoutPrivileged(input) : { ...input }) as UserUpdateInput
    delete changes.id
    // A re-authentication, checked by the route; never a field to store.
    delete changes.current_password
    const data: Record<string, unknown> = {}
    const updated: Record<string, unknown> = {}
    const { password, email, username, ...rest } = changes
    if (typeof password === 'string') {
      await this.validatePassword(password, user, ErrorCode.UPDATE_USER_INVALID_PASSWORD)
      data.hashed_password = await this.passwordHelper.hash(password)
      updated.password = true
    }
    if (email !== undefined && email !== user.email) {
      const caseOnly = foldEmail(email) === foldEmail(user.email)
      if (!caseOnly && (await this.db.getByEmail(email))) throw new UsersError(ErrorCode.UPDATE_USER_EMAIL_ALREADY_EXISTS)
      data.email = updated.email = email
      if (!caseOnly) data.is_verified = updated.is_verified = false
    }
    Object.assign(data, await this.usernames?.forUpdate(user, username))
    for (const [key, value] of Object.entries(rest)) {
      if (value === undefined || (value === null && FLAGS.includes(key))) continue
      data[key] = updated[key] = value
    }
    if (data.username !== undefined) updated.username = data.username
    let result = user
    if (Object.keys(data).length > 0) {
      try {
        result = await this.db.update(user, data as UserUpdateData)
      } catch (error) {
        if (error instanceof DuplicateEmailError) throw new UsersError(ErrorCode.UPDATE_USER_EMAIL_ALREADY_EXISTS)
        if (error instanceof DuplicateUsernameError) throw new UsernameError(UsernameErrorCode.UPDATE_USER_USERNAME_ALREADY_EXISTS)
        throw error
      }
    }
    const endSessions = updated.password === true && options.safe === true && this.#options.revokeOtherTokensOnPasswordChange !== false
    if (endSessions) await this.revokeAllTokens(result, { except: options.sessionToken })
    if (updated.password === true) this.audit.emit({ type: 'password.changed', user_id: user.id, data: { sessions_ended: endSessions } }, options.request)
    if (updated.email !== undefined) {
      this.audit.emit({ type: 'email.changed', user_id: user.id, data: { previous_email: user.email, email: result.email } }, options.request)
    }
    await this.hooks.onAfterUpdate?.(result, updated as UpdatedFields<U>, options.request)
    if (updated.email !== undefined && foldEmail(user.email) !== foldEmail(result.email)) {
      await this.#options.mailer?.emailChanged(result, user.email)
    }
    return result
  }

  /** Deletes a user between `onBeforeDelete` and `onAfterDelete`. */
  async delete(user: U, request?: R): Promise<void> {
    await this.hooks.onBeforeDelete?.(user, request)
    await this.db.delete(user)
    await this.revokeAllTokens(user, { userDeleted: true })
    this.audit.emit({ type: 'user.deleted', user_id: user.id, data: {} }, request)
    await this.hooks.onAfterDelete?.(user, request)
  }

  /**
   * Logs the user out everywhere: every access and refresh token of every backend stops
   * working at once, on every instance sharing the revocation state. `except` keeps one
   * access token of the user (and its refresh tokens). Deactivation does not call this.
   *
   * @example
   * await users.manager.revokeAllTokens(user)
   */
  async revokeAllTokens(user: U, options: RevokeOptions = {}): Promise<void> {
    for (const revoker of this.#options.tokenRevokers ?? []) await revoker.revokeAllTokens(user.id, options)
  }

  /**
   * The user a login names: with usernames on, a name without `@` is a username. Addresses are
   * stored NFKC-normalised (see `normalizeEmail`), so a
   * username typed in compatibility forms (full-width, as some input methods type it) is looked
   * up in that form too; the address as typed comes first, for accounts stored before.
   */
  async #userOfLogin(username: string): Promise<U | null> {
    const byUsername = this.usernames?.loginUser(username)
    if (byUsername !== undefined) return byUsername
    const user = await this.db.getByEmail(username)
    const normalized = username.normalize('NFKC')
    return user ?? (normalized === username ? null : this.db.getByEmail(normalized))
  }
}

function withoutPrivileged<T extends Record<string, unknown>>(input: T): Partial<T> {
  const copy: Record<string, unknown> = { ...input }
  for (const field of PRIVILEGED_FIELDS) delete copy[field]
  return copy as Partial<T>
}
