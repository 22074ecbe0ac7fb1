/**
 * The common-password blocklist of the default password policy: offline, shipped with the
 * package, looked up in constant time. The set is built on first use, so an application that
 * replaces the policy never pays for it.
 */
import { COMMON_PASSWORDS } from './list.ts'

let common: Set<string> | undefined

/**
 * Whether `password`, compared without regard to letter case, is one of the most common
 * passwords of at least 8 characters (see NOTICE.md).
 *
 * @example
 * isCommonPassword('Password1') // true
 * isCommonPassword('vq3xk9wz') // false
 */
export function isCommonPassword(password: string): boolean {
  common ??= new Set(COMMON_PASSWORDS.split('\n').filter((line) => line !== ''))
  return common.has(password.toLowerCase())
}
