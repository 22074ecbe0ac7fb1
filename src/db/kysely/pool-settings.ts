/**
 * The driver settings a store factory passes through to its connection pools (the primary's, and
 * the read replica's). Declared here rather than imported from the drivers, whose types are
 * separate packages (`@types/pg`) that an application should not need to install.
 */

/** Settings passed to `pg.Pool` as they are. */
export interface PostgresPoolSettings {
  /** Connections at most (pg's default: 10). */
  max?: number
  idleTimeoutMillis?: number
  connectionTimeoutMillis?: number
  /** `true`, or Node's TLS options. */
  ssl?: boolean | Record<string, unknown>
  statement_timeout?: number
  application_name?: string
  /** Any other `pg.PoolConfig` setting except `connectionString`. */
  [setting: string]: unknown
}

/** Settings passed to mysql2's `createPool` as they are (any of its `PoolOptions` but `uri`). */
export interface MysqlPoolSettings {
  connectionLimit?: number
  connectTimeout?: number
  ssl?: string | Record<string, unknown>
  [setting: string]: unknown
}
