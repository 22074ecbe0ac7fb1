/**
 * Telling a taken email from other refused writes of a user row, the same way in both SQL
 * adapters. The email's uniqueness is the database's job (never a read before the write), so a
 * taken email shows up as a unique violation of one of its indexes, even under concurrent
 * registrations.
 */
import { DuplicateEmailError, DuplicateUsernameError } from '../../errors.ts'
import type { UserRecord } from '../../user.ts'
import type { SqlDialect } from './dialect.ts'
import { isEmailConstraint, isUsernameConstraint, uniqueViolation } from './unique-violation.ts'

/** The write that failed. */
export interface UserWrite {
  dialect: SqlDialect
  /** The email the write gave the user, if any. */
  email: unknown
  /** The written user's id. */
  id: string
  /** Finds the holder of an email, for a violation of an index the adapter does not know. */
  getByEmail(email: string): Promise<UserRecord | null>
  /** The username the write gave the user, if any (issue 16). */
  username?: unknown
  /** Finds the holder of a username, for a violation of an index the adapter does not know. */
  getByUsername?(username: string): Promise<UserRecord | null>
}

/**
 * A write's error as the caller should see it: a unique violation on the email is a
 * `DuplicateEmailError`, on the username a `DuplicateUsernameError`. A violation of an index the adapter does not know by name (an
 * application's own unique column, or an email index named otherwise) is one only if another
 * user holds the email (or the username). Any other error is returned as it is.
 *
 * @example
 * ```ts
 * try { await insert } catch (error) {
 *   throw await explainWriteError(error, { dialect: 'sqlite', email: data.email, id, getByEmail: (e) => users.getByEmail(e) })
 * }
 * ```
 */
export async function explainWriteError(error: unknown, write: UserWrite): Promise<unknown> {
  const constraint = uniqueViolation(error, write.dialect)
  if (constraint === null) return error
  if (isEmailConstraint(constraint)) return new DuplicateEmailError()
  if (isUsernameConstraint(constraint)) return new DuplicateUsernameError()
  if (typeof write.email === 'string') {
    const holder = await write.getByEmail(write.email)
    if (holder !== null && holder.id !== write.id) return new DuplicateEmailError()
  }
  if (typeof write.username === 'string' && write.getByUsername !== undefined) {
    const holder = await write.getByUsername(write.username)
    if (holder !== null && holder.id !== write.id) return new DuplicateUsernameError()
  }
  return error
}
