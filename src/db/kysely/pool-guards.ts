/**
 * What stands between Kysely and the connection pools the store factories open, so that an
 * outage of the database costs requests a 503 and never the process:
 *
 * - every connection has an `error` listener, checked out or idle (`pg` reports a connection
 *   that the server drops on the client, and `pool.on('error')` only hears idle ones; `mysql2`
 *   listens once per connection). Without one, Node ends the process on the first restart.
 * - every query has a timeout (`query_timeout` for `pg`, `timeout` for `mysql2`), so a hung
 *   server holds a request for that long at most; migrations run without it, since they may
 *   wait for another instance's migration lock or build an index.
 * - a connection whose query failed for want of the server is destroyed rather than given back
 *   to the pool, and the error becomes a `ServiceUnavailableError` (src/store-unavailable.ts);
 *   the pool reconnects on demand when the server is back.
 */
import type { MysqlPool, MysqlPoolConnection, PostgresPool, PostgresPoolClient } from 'kysely'
import type { Pool as MysqlDriverPool, PoolConnection as MysqlDriverConnection } from 'mysql2'
import type { Pool as PgPool, PoolClient as PgPoolClient } from 'pg'
import { asServiceUnavailable, isStoreUnavailable } from '../../store-unavailable.ts'

/** The request-path timeout of queries and connection attempts when none is given, in ms. */
export const DEFAULT_TIMEOUT_MS = 1000

/** Adds an `error` listener to the pool and to each of its clients, in and out of the pool. */
export function listenPostgresErrors(pool: PgPool): void {
  pool.on('error', ignore)
  pool.on('connect', (client) => client.on('error', ignore))
}

/** Adds an `error` listener to each connection of the pool (mysql2 listens once only). */
export function listenMysqlErrors(pool: MysqlDriverPool): void {
  pool.on('connection', (connection) => connection.on('error', ignore))
}

// The failure reaches the query that was running, if any, as its error; nothing else to do.
function ignore(): void {}

/**
 * The pool as Kysely sees it: each query with `timeoutMs` (`null`: none), failures for want of
 * the server as `ServiceUnavailableError`, and their connections destroyed.
 */
export function guardedPostgresPool(pool: PgPool, timeoutMs: number | null): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect().catch(rethrow)
      return guardedPostgresClient(client, timeoutMs)
    },
    end: () => pool.end(),
  }
}

function guardedPostgresClient(client: PgPoolClient, timeoutMs: number | null): PostgresPoolClient {
  let broken = false
  return {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    query(...args: any[]): any {
      if (typeof args[0] !== 'string') return client.query(args[0])
      const config = timeoutMs === null ? { text: args[0] } : { text: args[0], query_timeout: timeoutMs }
      return client.query({ ...config, values: args[1] }).catch((error: unknown) => {
        if (isStoreUnavailable(error)) broken = true
        return rethrow(error)
      })
    },
    release: (destroy?: boolean) => client.release(destroy === true || broken),
  }
}

/** The pool as Kysely sees it: see `guardedPostgresPool`. */
export function guardedMysqlPool(pool: MysqlDriverPool, timeoutMs: number | null): MysqlPool {
  return {
    getConnection(callback) {
      pool.getConnection((error, connection) => {
        if (error) callback(asServiceUnavailable(error), undefined as unknown as MysqlPoolConnection)
        else callback(null, guardedMysqlConnection(connection, timeoutMs))
      })
    },
    end: (callback) => pool.end(callback),
  }
}

function guardedMysqlConnection(connection: MysqlDriverConnection, timeoutMs: number | null): MysqlPoolConnection {
  let broken = false
  const options = (sql: string) => (timeoutMs === null ? { sql } : { sql, timeout: timeoutMs })
  return {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    query(sql: string, parameters: unknown[], callback?: (error: unknown, result: any) => void): any {
      if (callback === undefined) return connection.query(options(sql), parameters)
      connection.query(options(sql), parameters, (error, result) => {
        if (error && isStoreUnavailable(error)) broken = true
        callback(error ? asServiceUnavailable(error) : null, result)
      })
    },
    release: () => (broken ? connection.destroy() : connection.release()),
  } as MysqlPoolConnection
}

function rethrow(error: unknown): never {
  throw asServiceUnavailable(error)
}
