/**
 * The rules of a username (issue 16), checked in this order on the NFKC form of what was typed
 * (so that full-width letters some input methods type count as the plain ones):
 * 1. never an `@`, whatever the pattern allows: a login name with `@` is looked up as an email,
 *    one without as a username, so no username may look like an address;
 * 2. the length bounds, in code points (default 3 to 32);
 * 3. the pattern (default: letters, digits, `.`, `_`, `-`, starting and ending with a letter or
 *    a digit, in any letter case);
 * 4. not a reserved name (compared under ASCII case folding, as uniqueness is).
 *
 * Usernames are stored as typed (after NFKC) and compared under ASCII case folding, the folding
 * the databases' indexes use for emails too (src/db/kysely/email-key.ts): `Arthur` and `arthur`
 * are one username; `É` and `é`, which a custom pattern may allow, are two.
 */
import { foldEmail } from '../email.ts'

/** Letters, digits, `.`, `_`, `-`; a letter or a digit at each end. */
export const DEFAULT_USERNAME_PATTERN = /^[a-z0-9](?:[a-z0-9._-]{0,30}[a-z0-9])?$/i
export const DEFAULT_USERNAME_MIN_LENGTH = 3
export const DEFAULT_USERNAME_MAX_LENGTH = 32
/** Names of the service itself, of its routes and of mail roles, which nobody may pass for. */
export const DEFAULT_RESERVED_USERNAMES: readonly string[] = Object.freeze([
  'abuse', 'account', 'accounts', 'admin', 'administrator', 'anonymous', 'api', 'auth', 'help', 'hostmaster', 'info',
  'login', 'logout', 'mail', 'me', 'moderator', 'noreply', 'no-reply', 'null', 'owner', 'postmaster', 'register',
  'root', 'security', 'settings', 'signin', 'signup', 'staff', 'superuser', 'support', 'system', 'undefined', 'user',
  'users', 'webmaster', 'www',
])

/** The `usernames` option: usernames are off without it. */
export interface UsernameOptions {
  /** Whether `POST /register` requires a username (default `false`: optional). */
  required?: boolean
  /** What a username must match, besides the other rules (default `DEFAULT_USERNAME_PATTERN`). */
  pattern?: RegExp
  /** Fewest code points (default 3). */
  minLength?: number
  /** Most code points (default 32; at most 255, the width of the column). */
  maxLength?: number
  /** Names nobody may take, in any letter case (default `DEFAULT_RESERVED_USERNAMES`). */
  reserved?: readonly string[]
}

/** The widest username any adapter stores (`VARCHAR(255)`). */
export const MAX_STORED_USERNAME_LENGTH = 255

/**
 * The case-insensitive key of a username: ASCII letters folded, as the databases fold them.
 *
 * @example
 * foldUsername('King.Arthur') // 'king.arthur'
 */
export function foldUsername(username: string): string {
  return foldEmail(username)
}

/** The username rules of one configuration. */
export class UsernameRules {
  readonly required: boolean
  readonly minLength: number
  readonly maxLength: number
  readonly #pattern: RegExp
  readonly #customPattern: boolean
  readonly #reserved: ReadonlySet<string>

  constructor(options: UsernameOptions = {}) {
    this.required = options.required ?? false
    this.minLength = options.minLength ?? DEFAULT_USERNAME_MIN_LENGTH
    this.maxLength = options.maxLength ?? DEFAULT_USERNAME_MAX_LENGTH
    if (!(Number.isSafeInteger(this.minLength) && this.minLength >= 1)) throw new TypeError('usernames.minLength must be a whole number of at least 1')
    if (!(Number.isSafeInteger(this.maxLength) && this.maxLength >= this.minLength && this.maxLength <= MAX_STORED_USERNAME_LENGTH)) {
      throw new TypeError(`usernames.maxLength must be a whole number from minLength to ${MAX_STORED_USERNAME_LENGTH}`)
    }
    // A global or sticky pattern keeps state between tests: its lastIndex would make every other check fail.
    const pattern = options.pattern ?? DEFAULT_USERNAME_PATTERN
    this.#pattern = pattern.global || pattern.sticky ? new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')) : pattern
    this.#customPattern = options.pattern !== undefined
    this.#reserved = new Set((options.reserved ?? DEFAULT_RESERVED_USERNAMES).map((name) => foldUsername(name.normalize('NFKC'))))
  }

  /**
   * The username as stored, or the reason it is refused (a string meant for the client).
   *
   * @example
   * new UsernameRules().check('Arthur') // { username: 'Arthur' }
   * new UsernameRules().check('admin') // { reason: 'Username is reserved' }
   */
  check(input: string): { username: string } | { reason: string } {
    const username = input.normalize('NFKC')
    if (username.includes('@')) return { reason: 'Username must not contain @' }
    const length = [...username].length
    if (length < this.minLength || length > this.maxLength) {
      return { reason: `Username must be between ${this.minLength} and ${this.maxLength} characters` }
    }
    if (!this.#pattern.test(username)) {
      return {
        reason: this.#customPattern
          ? 'Username contains characters that are not allowed'
          : 'Username may only contain letters, digits, dots, hyphens and underscores, and must start and end with a letter or a digit',
      }
    }
    if (this.#reserved.has(foldUsername(username))) return { reason: 'Username is reserved' }
    return { username }
  }
}
