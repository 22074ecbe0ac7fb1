/**
 * Start-up failures of a store: a database that cannot be reached, does not exist, refuses the
 * credentials, or a SQLite file that cannot be opened. Each becomes one line that says what
 * failed where and what to do, for the operator reading a crash log; the driver's error stays
 * as `cause`. Only the host, port, database and user name are quoted, never the password a URL
 * may carry.
 */
import { ConfigurationError } from '../errors.ts'

/** The store could not be opened; `message` is one line fit for a terminal. */
export class DatabaseStartupError extends ConfigurationError {
  override readonly name = 'DatabaseStartupError'

  constructor(message: string, options?: ErrorOptions) {
    super('DATABASE_STARTUP_FAILED', message, options)
  }
}

/** What a connection URL names, without its credentials. */
export interface ConnectionTarget {
  /** `host:port`, or the hosts of a MongoDB seed list. */
  address: string
  database: string | null
  user: string | null
}

/**
 * The host, port, database and user of a connection URL, or `null` when it does not parse.
 *
 * @example
 * ```ts
 * connectionTarget('postgres://app:secret@db:5432/users', 5432) // { address: 'db:5432', database: 'users', user: 'app' }
 * ```
 */
export function connectionTarget(url: string, defaultPort: number): ConnectionTarget | null {
  const match = /^[a-z][a-z0-9+.-]*:\/\/(?:([^@/?#]*)@)?([^/?#]*)(?:\/([^?#]*))?/i.exec(url)
  if (match === null) return null
  const [, credentials, hosts = '', path = ''] = match
  const user = credentials === undefined ? null : safeDecode(credentials.split(':')[0] ?? '')
  const address = hosts
    .split(',')
    .map((host) => (host === '' ? `localhost:${defaultPort}` : /:\d+$/.test(host) ? host : `${host}:${defaultPort}`))
    .join(',')
  return { address, database: path === '' ? null : safeDecode(path), user: user === '' ? null : user }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** Why a socket could not connect, in words, from a Node or driver error code. */
export function networkReason(error: unknown): string | null {
  const code = errorCode(error)
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (is the server running on that port?)'
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'unknown host'
    case 'ETIMEDOUT':
    case 'ECONNRESET':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'PROTOCOL_CONNECTION_LOST':
      return `no answer (${code})`
    default:
      return null
  }
}

/** The `code` of a driver or Node error, looking into an AggregateError's first error. */
export function errorCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' && code !== '') return code
  if (error instanceof AggregateError) return errorCode(error.errors[0])
  return null
}

/**
 * The start-up error of a PostgreSQL or MySQL/MariaDB store that could not open, or `null`
 * when `error` is not one of the failures named above (a migration's own error, say).
 */
export function sqlStartupError(error: unknown, product: 'PostgreSQL' | 'MySQL/MariaDB', url: string): DatabaseStartupError | null {
  const target = connectionTarget(url, product === 'PostgreSQL' ? 5432 : 3306)
  const where = target === null ? '' : ` at ${target.address}`
  const database = JSON.stringify(target?.database ?? '')
  const user = JSON.stringify(target?.user ?? '')
  const code = errorCode(error)
  const network = networkReason(error)
  let line: string | null = null
  if (network !== null) line = `cannot connect to ${product}${where}: ${network}`
  else if (error instanceof Error && /connection timeout|timeout expired/i.test(error.message)) {
    line = `cannot connect to ${product}${where}: no answer within the connection timeout`
  } else if (code === '3D000' || code === 'ER_BAD_DB_ERROR') {
    line = `the ${product} database ${database} does not exist${where}: create it, or name another database in the URL`
  } else if (code === '28P01' || code === '28000' || code === 'ER_ACCESS_DENIED_ERROR') {
    line = `${product}${where} refused the credentials of user ${user}: check the user and password in the URL`
  }
  return line === null ? null : new DatabaseStartupError(line, { cause: error })
}

/**
 * The start-up error of a MongoDB store whose client could not connect, or `null` for any
 * other failure. The driver reports an unreachable server as a server selection timeout whose
 * message carries the socket error.
 */
export function mongoStartupError(error: unknown, url: string): DatabaseStartupError | null {
  if (!(error instanceof Error)) return null
  const target = connectionTarget(url, 27017)
  const where = target === null ? '' : ` at ${target.address}`
  let line: string | null = null
  if (error.name === 'MongoServerSelectionError') {
    const socketCode = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|ENETUNREACH)\b/.exec(error.message)?.[1]
    const reason = socketCode === undefined ? null : networkReason({ code: socketCode })
    line = `cannot connect to MongoDB${where}: ${reason ?? 'no server answered within the server selection timeout'}`
  } else if (error.name === 'MongoServerError' && (error as { code?: unknown }).code === 18) {
    line = `MongoDB${where} refused the credentials of user ${JSON.stringify(target?.user ?? '')}: check the user and password in the URL`
  }
  return line === null ? null : new DatabaseStartupError(line, { cause: error })
}
