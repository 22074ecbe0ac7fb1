/**
 * The default password policy: the rules of FastAPI Users' documentation example, with its
 * reason strings (clients and the conformance suite compare them), then a maximum length, so
 * that nobody makes the server hash megabytes.
 */
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
}
