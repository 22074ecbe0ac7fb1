/**
 * The default password policy, its rules checked in this order:
 * 1. at least 8 characters, and 2. not containing the email: the rules of FastAPI Users'
 *    documentation example, with its reason strings (clients and the conformance suite compare
 *    them), checked first so that a short common password gets the length reason;
 * 3. at most 1024 characters, so that nobody makes the server hash megabytes (a password
 *    hashing DoS); the check runs before any hashing;
 * 4. not one of the most common passwords (an offline list shipped with the package, compared
 *    without regard to letter case), as NIST SP 800-63B asks of a verifier;
 * 5. not guessable in fewer than a million guesses by zxcvbn-ts, which knows sequences,
 *    repetitions, keyboard walks, common words, dates, the user's email and its parts, and the
 *    service's name (`createPasswordPolicy({ serviceName })`); the reason says which pattern
 *    made it guessable (src/password-screening.ts).
 *
 * Lengths count UTF-16 code units, as JavaScript strings do. No rule truncates a password:
 * argon2id hashes every byte of it.
 */
import { isCommonPassword } from './common-passwords/index.ts'
import { InvalidPasswordError } from './errors.ts'
import { DEFAULT_MIN_GUESSES, screenPassword } from './password-screening.ts'

export const MIN_PASSWORD_LENGTH = 8
export const MAX_PASSWORD_LENGTH = 1024

/** What a policy sees of the user: the registration input or the stored user. */
export interface PasswordPolicyUser {
  email: string
  [field: string]: unknown
}

export type PasswordPolicy = (password: string, user: PasswordPolicyUser) => void | Promise<void>

export interface PasswordPolicyOptions {
  /** The service's name (or names), which a password must not be built on. */
  serviceName?: string | readonly string[]
  /** Guesses a password must need, as zxcvbn-ts estimates them (default 10^6); 0 turns rule 5 off. */
  minGuesses?: number
}

/**
 * The default rules, with the service's own name among the guessable values.
 *
 * @example
 * fastifyUsers({ ..., manager: { ..., validatePassword: createPasswordPolicy({ serviceName: 'Camelot' }) } })
 */
export function createPasswordPolicy(options: PasswordPolicyOptions = {}): (password: string, user: PasswordPolicyUser) => void {
  const serviceNames = typeof options.serviceName === 'string' ? [options.serviceName] : [...(options.serviceName ?? [])]
  const minGuesses = options.minGuesses ?? DEFAULT_MIN_GUESSES
  if (!(minGuesses >= 0)) throw new RangeError('minGuesses must be a number of at least 0')
  return function passwordPolicy(password, user) {
    if (password.length < MIN_PASSWORD_LENGTH) {
      throw new InvalidPasswordError(`Password should be at least ${MIN_PASSWORD_LENGTH} characters`)
    }
    if (password.includes(user.email)) {
      throw new InvalidPasswordError('Password should not contain e-mail')
    }
    if (password.length > MAX_PASSWORD_LENGTH) {
      throw new InvalidPasswordError(`Password should be at most ${MAX_PASSWORD_LENGTH} characters`)
    }
    if (isCommonPassword(password)) {
      throw new InvalidPasswordError('Password is too common')
    }
    if (minGuesses > 0) {
      // Screened as it is hashed: a full-width `ｑｗｅｒｔｙ` is the keyboard walk it looks like.
      const reason = screenPassword(password.normalize('NFKC'), user.email, { serviceNames, minGuesses })
      if (reason !== null) throw new InvalidPasswordError(reason)
    }
  }
}

/**
 * Throws `InvalidPasswordError` when `password` breaks the default rules.
 *
 * @example
 * const validatePassword: PasswordPolicy = async (password, user) => {
 *   defaultPasswordPolicy(password, user)
 *   if (!/[0-9]/.test(password)) throw new InvalidPasswordError('Password should contain a digit')
 * }
 */
export const defaultPasswordPolicy: (password: string, user: PasswordPolicyUser) => void = createPasswordPolicy()
