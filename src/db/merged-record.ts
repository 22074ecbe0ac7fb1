/**
 * What a write should have stored, for the adapters' rare case of a write whose result cannot
 * be read back (the user was deleted meanwhile, or its id is not one the database can hold):
 * the record it started from, with the written values over it.
 */
import type { UserRecord } from '../user.ts'

/**
 * `base` with every key of `data` whose value is not `undefined` written over it, as a partial
 * update writes only what it names.
 *
 * @example
 * ```ts
 * mergedRecord<UserRecord>(user, { is_verified: true, email: undefined }) // user, verified
 * ```
 */
export function mergedRecord<U extends UserRecord>(base: Record<string, unknown>, data: Record<string, unknown>): U {
  const merged: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(data)) {
    if (value !== undefined) merged[key] = value
  }
  return merged as U
}
