/**
 * Errors of the Drizzle adapter. Configuration errors are thrown when the store is built, never
 * while serving a request. Query errors leave as the driver raised them, since that is what
 * an application knows how to inspect, less what would put secrets in its logs: Drizzle wraps
 * them in a `DrizzleQueryError` whose message quotes the bound parameters (password hashes,
 * access tokens), so the adapter throws the driver's error, without the values that the driver
 * quotes in it (src/db/sql/driver-error.ts: PostgreSQL's `detail`, "Failing row contains (…)").
 * A database that is unreachable or too slow is a `ServiceUnavailableError` instead.
 */
import { DrizzleQueryError } from 'drizzle-orm'
import { ConfigurationError } from '../../errors.ts'
import { asServiceUnavailable } from '../../store-unavailable.ts'
import { withoutQueryValues } from '../sql/driver-error.ts'

/**
 * Tables or a database the adapter cannot work with; the message says what to change.
 *
 * @example
 * ```ts
 * throw new DrizzleSchemaError('the user table has no "email" column')
 * ```
 */
export class DrizzleSchemaError extends ConfigurationError {
  override readonly name = 'DrizzleSchemaError'

  constructor(message: string) {
    super('INVALID_DRIZZLE_SCHEMA', message)
  }
}

/**
 * The driver's own error inside a Drizzle query error (or `error` itself), without the values
 * it quotes; a `ServiceUnavailableError` when it says the database is unavailable.
 *
 * @example
 * ```ts
 * try { await query } catch (error) { throw driverError(error) }
 * ```
 */
export function driverError(error: unknown): unknown {
  return asServiceUnavailable(withoutQueryValues(error instanceof DrizzleQueryError && error.cause !== undefined ? error.cause : error))
}

/**
 * Awaits a query, replacing a Drizzle query error by the driver's error.
 *
 * @example
 * ```ts
 * const rows = await run(db.select().from(user))
 * ```
 */
export async function run<T>(query: PromiseLike<T>): Promise<T> {
  try {
    return await query
  } catch (error) {
    throw driverError(error)
  }
}
