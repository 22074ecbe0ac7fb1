/**
 * Telling a taken email from other refused writes of a user row, the same way in both SQL
 * adapters. The email's uniqueness is the database's job (never a read before the write), so a
 * taken email shows up as a unique violation of one of its indexes, even under concurrent
 * registrations.
 */
import { DuplicateEmailError } from '../../errors.ts'
import type { UserRecord } from '../../user.ts'
import type { SqlDialect } from './dialect.ts'
import { isEmailConstraint, uniqueViolation } from './unique-violation.ts'

/** The write that failed. */
export interface UserWrite {
  dialect: SqlDialect
  /** The email the write gave the user, if any. */
  email: unknown
  /** The written user's id. */
  id: string
  /** Finds the holder of an email, for a violation of an index the adapter does not know. */
  getByEmail(email: string): Promise<UserRecord | null>
}

/**
 * A write's error as the caller should see it: a unique violation on the email is a
 * `DuplicateEmailError`. A violation of an index the adapter does not know by name (an
 * application's own unique column, or an email index named otherwise) is one only if another
 * user holds the email. Any other error is returned as it is.
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
  if (typeof write.email !== 'string') return error
  const holder = await write.getByEmail(write.email)
  return holder !== null && holder.id !== write.id ? new DuplicateEmailError() : error
}
