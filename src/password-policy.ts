/**
 * The default password policy, its rules checked in this order:
 * 1. at least 8 characters, and 2. not containing the email: the rules of FastAPI Users'
 *    documentation example, with its reason strings (clients and the conformance suite compare
 *    them), checked first so that a short common password gets the length reason;
 * 3. at most 1024 characters, so that nobody makes the server hash megabytes (a password
 *    hashing DoS); the check runs before any hashing;
 * 4. not one of the most common passwords (an offline list shipped with the package, compared
 *    without regard to letter case), as NIST SP 800-63B asks of a verifier.
 *
 * Lengths count UTF-16 code units, as JavaScript strings do. No rule truncates a password:
 * argon2id hashes every byte of it.
 */
import { isCommonPassword } from './common-passwords/index.ts'
import { InvalidPasswordError } from './errors.ts'

export const MIN_PASSWORD_LENGTH = 8
export const MAX_PASSWORD_LENGTH = 1024

/** What a policy sees of the user: the registration input or the stored user. */
export interface PasswordPolicyUser {
  email: string
  [field: string]: unknown
}

export type PasswordPolicy = (password: string, user: PasswordPolicyUser) => void | Promise<void>

/**
 * Throws `InvalidPasswordError` when `password` breaks the default rules.
 *
 * @example
 * const validatePassword: PasswordPolicy = async (password, user) => {
 *   defaultPasswordPolicy(password, user)
 *   if (!/[0-9]/.test(password)) throw new InvalidPasswordError('Password should contain a digit')
 * }
 */
export function defaultPasswordPolicy(password: string, user: PasswordPolicyUser): void {
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
}
