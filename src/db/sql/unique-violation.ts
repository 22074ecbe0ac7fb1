/**
 * Recognises a unique-constraint violation in each driver's error, and whether it concerns
 * the email. The email's uniqueness is enforced only by the database (never by a read before
 * the write), so this is how a taken email is detected, atomically, even under concurrent
 * registrations.
 */
import type { SqlDialect } from './dialect.ts'

/** Names under which the drivers report the two email indexes. */
const EMAIL_CONSTRAINTS = new Set(['ix_user_email', 'ux_user_email_ci', 'user.email', 'user.ix_user_email', 'user.ux_user_email_ci'])

/** Names under which the drivers report the username's unique index (issue 16). */
const USERNAME_CONSTRAINTS = new Set(['ux_user_username_ci', 'user.ux_user_username_ci'])

/**
 * The violated constraint's name when `error` is a unique violation (`''` when the driver does
 * not say which), or `null` when it is another error.
 *
 * @example
 * ```ts
 * uniqueViolation(error, 'postgres') // 'ux_user_email_ci'
 * ```
 */
export function uniqueViolation(error: unknown, dialect: SqlDialect): string | null {
  if (typeof error !== 'object' || error === null) return null
  const { code, errno, message, constraint } = error as {
    code?: unknown
    errno?: unknown
    message?: unknown
    constraint?: unknown
  }
  const text = typeof message === 'string' ? message : ''
  switch (dialect) {
    case 'sqlite': {
      if (code !== 'SQLITE_CONSTRAINT_UNIQUE') return null
      // "UNIQUE constraint failed: user.email" or "... failed: index 'ux_user_email_ci'"
      const detail = text.replace(/^UNIQUE constraint failed: /, '')
      return /^index '([^']+)'$/.exec(detail)?.[1] ?? detail
    }
    case 'postgres':
      if (code !== '23505') return null
      return typeof constraint === 'string' ? constraint : ''
    case 'mysql':
      if (errno !== 1062 && code !== 'ER_DUP_ENTRY') return null
      // "Duplicate entry 'x' for key 'ix_user_email'" (MySQL 8 prefixes the table name)
      return /for key '([^']+)'$/.exec(text)?.[1] ?? ''
  }
}

/**
 * Whether a violated constraint name is one of the email's unique indexes.
 *
 * @example
 * ```ts
 * isEmailConstraint('user.email') // true
 * ```
 */
export function isEmailConstraint(constraint: string): boolean {
  return EMAIL_CONSTRAINTS.has(constraint)
}

/**
 * Whether a violated constraint name is the username's unique index.
 *
 * @example
 * ```ts
 * isUsernameConstraint('ux_user_username_ci') // true
 * ```
 */
export function isUsernameConstraint(constraint: string): boolean {
  return USERNAME_CONSTRAINTS.has(constraint)
}
