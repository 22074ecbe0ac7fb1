/**
 * Which errors mean "a store is unreachable or too slow", as opposed to "the query was wrong".
 * The first kind is the infrastructure's, passes by itself, and is answered 503
 * SERVICE_UNAVAILABLE with Retry-After (CONTRACT's deliberate difference 11); the second is a
 * bug or a constraint, and stays what it is.
 *
 * The errors are recognised by name and code rather than by class, so that the core imports no
 * driver: Node's socket errors (`ECONNREFUSED`, `ECONNRESET`…, possibly inside an
 * `AggregateError` or as a `cause`), `pg`'s connection and timeout errors and PostgreSQL's
 * connection-exception and shutdown states, `mysql2`'s fatal (connection) errors and timeouts,
 * the MongoDB driver's network, server-selection and timeout errors, and ioredis' closed
 * connection, refused offline queue, command timeout and exhausted retries.
 */
import { FastifyUsersError, ServiceUnavailableError } from './errors.ts'

const SOCKET_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH',
  'ENOTFOUND', 'EAI_AGAIN', 'ENOTCONN', 'ESOCKETTIMEDOUT',
])
/** PostgreSQL states: shutting down, starting up, too many connections, statement timeout. */
const POSTGRES_STATES = new Set(['57P01', '57P02', '57P03', '53300', '57014'])
/** mysql2's connection and timeout codes, and SQLite's busy database. */
const DRIVER_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED', 'ER_LOCK_WAIT_TIMEOUT', 'ER_QUERY_TIMEOUT', 'SQLITE_BUSY',
])
const MONGO_NAMES = new Set([
  'MongoNetworkError', 'MongoNetworkTimeoutError', 'MongoServerSelectionError', 'MongoOperationTimeoutError',
  'MongoPoolClearedError', 'MongoWaitQueueTimeoutError', 'MongoTopologyClosedError', 'MongoNotConnectedError',
])
/** Server codes of a primary that steps down or shuts down under the request. */
const MONGO_CODES = new Set([91, 189, 10107, 11600, 11602, 13435, 13436, 50])
const REDIS_NAMES = new Set(['MaxRetriesPerRequestError'])
const MESSAGES = [
  // pg
  /^Connection terminated/,
  /^Query read timeout$/,
  /^timeout exceeded when trying to connect$/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
  // mysql2
  /^Can't add new command when connection is in closed state$/,
  // ioredis
  /^Connection is closed\.$/,
  /^Stream isn't writeable and enableOfflineQueue options is false$/,
  /^Command timed out$/,
]

/**
 * Whether `error` says that a store is unreachable, went away during the call, or did not
 * answer in time.
 *
 * @example
 * ```ts
 * isStoreUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })) // true
 * ```
 */
export function isStoreUnavailable(error: unknown): boolean {
  return unavailable(error, 0)
}

function unavailable(error: unknown, depth: number): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false
  if (error instanceof ServiceUnavailableError) return true
  if (error instanceof FastifyUsersError) return false
  const { code, name, message, fatal, errors, cause } = error as {
    code?: unknown; name?: unknown; message?: unknown; fatal?: unknown; errors?: unknown; cause?: unknown
  }
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || DRIVER_CODES.has(code) || POSTGRES_STATES.has(code) || code.startsWith('08'))) return true
  if (typeof name === 'string') {
    if (MONGO_NAMES.has(name) || REDIS_NAMES.has(name)) return true
    if (name.startsWith('Mongo') && typeof code === 'number' && MONGO_CODES.has(code)) return true
  }
  // mysql2 marks every error that ends its connection as fatal.
  if (fatal === true) return true
  if (typeof message === 'string' && MESSAGES.some((pattern) => pattern.test(message))) return true
  if (Array.isArray(errors) && errors.some((inner) => unavailable(inner, depth + 1))) return true
  return unavailable(cause, depth + 1)
}

/**
 * `error` as a `ServiceUnavailableError` (the original kept as its `cause`, for the server log)
 * when it says a store is unavailable; any other error as it is. For rethrowing at the
 * boundary of a store.
 *
 * @example
 * ```ts
 * try { return await redis.get(key) } catch (error) { throw asServiceUnavailable(error) }
 * ```
 */
export function asServiceUnavailable(error: unknown): unknown {
  if (error instanceof ServiceUnavailableError || !isStoreUnavailable(error)) return error
  return new ServiceUnavailableError({ cause: error })
}
