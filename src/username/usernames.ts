/**
 * Usernames (issue 16, opt-in): what the user manager asks of them. A registration or an update
 * gets its `username` checked against the rules (rules.ts) and against the users who hold it;
 * the database's case-insensitive unique index is what really keeps two users from holding one
 * username at once (`DuplicateUsernameError`, turned into the operation's code by the manager).
 * A login name without `@` names a username; with one, an email: no username contains `@`.
 */
import { ConfigurationError } from '../errors.ts'
import type { UserDatabase } from '../db/types.ts'
import type { UserRecord } from '../user.ts'
import { UsernameError, UsernameErrorCode } from './errors.ts'
import { foldUsername, UsernameRules, type UsernameOptions } from './rules.ts'

type UsernameDatabase<U extends UserRecord> = UserDatabase<U> & Required<Pick<UserDatabase<U>, 'getByUsername'>>

/** Usernames are on, and the user database cannot look users up by username. */
export class UsernamesUnsupportedError extends ConfigurationError {
  override readonly name = 'UsernamesUnsupportedError'

  constructor() {
    super('USERNAMES_UNSUPPORTED', 'the usernames option needs a user database with getByUsername (every adapter of fastify-users has it)')
  }
}

/**
 * @example
 * const usernames = new Usernames({ required: true }, store.users)
 * const { username } = await usernames.forRegistration('Arthur')
 */
export class Usernames<U extends UserRecord = UserRecord> {
  readonly rules: UsernameRules
  readonly #db: UsernameDatabase<U>

  constructor(options: UsernameOptions, db: UserDatabase<U>) {
    if (typeof db.getByUsername !== 'function') throw new UsernamesUnsupportedError()
    this.rules = new UsernameRules(options)
    this.#db = db as UsernameDatabase<U>
  }

  /**
   * The `username` of a new user's data, checked and free; none when the registration has none.
   * `required` applies to what a client registers (`safe`): users the server creates itself (a
   * magic link's, OAuth's, a script's) may have none.
   */
  async forRegistration(value: unknown, options: { safe?: boolean } = {}): Promise<{ username?: string }> {
    if (value === undefined || value === null) {
      if (this.rules.required && options.safe === true) throw new UsernameError(UsernameErrorCode.REGISTER_INVALID_USERNAME, 'Username is required')
      return {}
    }
    const username = this.#checked(value, UsernameErrorCode.REGISTER_INVALID_USERNAME)
    if ((await this.#db.getByUsername(username)) !== null) throw new UsernameError(UsernameErrorCode.REGISTER_USERNAME_ALREADY_EXISTS)
    return { username }
  }

  /**
   * The change of `user`'s username that an update asks for: none for `undefined` or the same
   * username, `null` to remove it (unless usernames are required). A change of letter case only
   * is the user's own username, so it is free.
   */
  async forUpdate(user: U, value: unknown): Promise<{ username?: string | null }> {
    if (value === undefined) return {}
    const current = typeof user['username'] === 'string' ? user['username'] : null
    if (value === null) {
      if (this.rules.required) throw new UsernameError(UsernameErrorCode.UPDATE_USER_INVALID_USERNAME, 'Username is required')
      return current === null ? {} : { username: null }
    }
    const username = this.#checked(value, UsernameErrorCode.UPDATE_USER_INVALID_USERNAME)
    if (username === current) return {}
    if (current === null || foldUsername(username) !== foldUsername(current)) {
      const holder = await this.#db.getByUsername(username)
      if (holder !== null && holder.id !== user.id) throw new UsernameError(UsernameErrorCode.UPDATE_USER_USERNAME_ALREADY_EXISTS)
    }
    return { username }
  }

  /**
   * The user of a login name that is a username (no `@`), or `undefined` when it is an email.
   * Looked up in its NFKC form, as usernames are stored.
   */
  loginUser(login: string): Promise<U | null> | undefined {
    if (login.includes('@')) return undefined
    return this.#db.getByUsername(login.normalize('NFKC'))
  }

  /**
   * The name a login's attempts count under (the login throttle): the account's email when the
   * login name is the username of an account, so that guesses through the username and the
   * email of one account share one count; otherwise the login name itself.
   */
  async accountName(login: string): Promise<string> {
    const user = await this.loginUser(login)
    return user?.email ?? login
  }

  #checked(value: unknown, code: UsernameErrorCode): string {
    if (typeof value !== 'string') throw new UsernameError(code, 'Username must be a string')
    const checked = this.rules.check(value)
    if ('reason' in checked) throw new UsernameError(code, checked.reason)
    return checked.username
  }
}
