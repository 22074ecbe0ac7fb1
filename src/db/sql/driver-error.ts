/**
 * SQL drivers' errors without the values of the query. The SQL adapters rethrow a driver's
 * error as the driver raised it, since that is what an application knows how to inspect, but
 * an application logs what it catches, and several drivers put the bound values in their
 * errors: password hashes, access and OAuth tokens, emails.
 *
 * - PostgreSQL (`pg`, and postgres.js): `detail` quotes the failing row ("Failing row contains
 *   (…)", hash included) or key ("Key (token)=(…) already exists."); postgres.js also keeps
 *   the `parameters`. Both are removed. Messages name columns and constraints, not values.
 * - MySQL/MariaDB (`mysql2`): `sql` is the statement with every value written in (Kysely sends
 *   values with `query()`, which interpolates them), and is removed; a message may quote one
 *   value ("Duplicate entry '…' for key 'ix_user_email'", "Incorrect integer value: '…' for
 *   column"), which is replaced by `'…'`, in `message`, `sqlMessage` and `stack` alike. The key
 *   and column names stay, so a unique violation still says which index refused it.
 * - SQLite: messages name the constraint only; nothing to remove.
 */
import { FastifyUsersError } from '../../errors.ts'
import { asServiceUnavailable } from '../../store-unavailable.ts'

/** Properties whose value quotes the query's values, of the drivers above. */
const VALUE_PROPERTIES = ['detail', 'parameters', 'sql'] as const
/**
 * The values MySQL and MariaDB quote in a message: "Duplicate entry 'v' for key 'k'" and
 * "Incorrect string value: 'v' for column 'c' at row 1" (or "… value: 'v'" at the end). The
 * value may hold quotes itself, so each pattern takes it up to what must follow it last.
 */
const QUOTED_VALUES = [
  /(Duplicate entry )'[\s\S]*'( for key '[^']*')$/,
  /( value: )'[\s\S]*'((?: for column \S+ at row \d+)?)$/,
]

/**
 * `error` without the values of the failed query, for rethrowing; any other value as it is.
 * The error is changed in place, so that its class and remaining properties stay the driver's.
 *
 * @example
 * ```ts
 * try { await db.updateTable('user').set(row).execute() } catch (error) { throw withoutQueryValues(error) }
 * ```
 */
export function withoutQueryValues(error: unknown): unknown {
  if (typeof error !== 'object' || error === null || error instanceof FastifyUsersError) return error
  for (const name of VALUE_PROPERTIES) {
    // A property the driver made non-configurable stays; deleteProperty does not throw for it.
    if (name in error) Reflect.deleteProperty(error, name)
  }
  const fields = error as { message?: unknown; sqlMessage?: unknown; stack?: unknown }
  if (typeof fields.sqlMessage === 'string') fields.sqlMessage = withoutQuotedValue(fields.sqlMessage)
  if (typeof fields.message === 'string') {
    const message = withoutQuotedValue(fields.message)
    if (message !== fields.message) {
      if (typeof fields.stack === 'string') fields.stack = fields.stack.replace(fields.message, message)
      fields.message = message
    }
  }
  return error
}

function withoutQuotedValue(message: string): string {
  let redacted = message
  for (const pattern of QUOTED_VALUES) redacted = redacted.replace(pattern, "$1'…'$2")
  return redacted
}

/**
 * Awaits a query, rethrowing its error without the query's values, or as a
 * `ServiceUnavailableError` when the database is unreachable or did not answer in time.
 *
 * @example
 * ```ts
 * const rows = await runWithoutQueryValues(db.selectFrom('accesstoken').selectAll().where('token', '=', token).execute())
 * ```
 */
export async function runWithoutQueryValues<T>(query: PromiseLike<T>): Promise<T> {
  try {
    return await query
  } catch (error) {
    throw asServiceUnavailable(withoutQueryValues(error))
  }
}
