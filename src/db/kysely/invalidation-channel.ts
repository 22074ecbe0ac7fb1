/**
 * The auth cache's invalidation channel on PostgreSQL: `LISTEN` on one dedicated connection,
 * `pg_notify` through the store's pool, so every instance on one database hears every write
 * without another service. A connection that errs, ends or stops answering the heartbeat is
 * reported down (the cache then reads through) and reopened; it is reported up once `LISTEN`
 * has succeeded again.
 */
import type { Kysely } from 'kysely'
import { sql } from 'kysely'
import type { Client as PgClient } from 'pg'
import type { InvalidationChannel, InvalidationEvents } from '../../cache/invalidation-channel.ts'
import { ConfigurationError } from '../../errors.ts'
import { importOptional } from '../../optional-dependency.ts'

export interface PostgresInvalidationChannelOptions {
  /** The database of the store, for the listening connection. */
  connectionString: string
  /** The store's Kysely instance (`store.db`), through which writes are announced. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>
  /** The notification channel (default `fastify_users_cache`): one per group of instances. */
  channel?: string
  /** Milliseconds between liveness checks of the listening connection (default 1000). */
  heartbeatMs?: number
}

/**
 * @example
 * const cache = await openAuthCache({ channel: postgresInvalidationChannel({ connectionString: url, db: store.db }) })
 */
export function postgresInvalidationChannel(options: PostgresInvalidationChannelOptions): InvalidationChannel {
  const channel = options.channel ?? 'fastify_users_cache'
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) {
    throw new ConfigurationError('INVALID_CACHE_CHANNEL', 'the PostgreSQL cache channel must be a lower-case identifier')
  }
  const heartbeatMs = options.heartbeatMs ?? 1000
  let events: InvalidationEvents | null = null
  let client: PgClient | null = null
  let closed = false
  let timer: NodeJS.Timeout | null = null

  const lost = (failed: PgClient): void => {
    if (client !== failed) return
    client = null
    failed.removeAllListeners('notification')
    failed.end().catch(() => {})
    events?.down()
    if (!closed) schedule(Math.min(heartbeatMs, 500))
  }

  const connect = async (): Promise<void> => {
    const { Client } = await importOptional('pg', 'The PostgreSQL cache channel', () => import('pg'))
    const next = new Client({
      connectionString: options.connectionString,
      // Named, so that an operator sees (and a test can end) the listening connections.
      application_name: 'fastify-users cache',
      query_timeout: heartbeatMs,
      connectionTimeoutMillis: heartbeatMs,
    })
    next.on('error', () => lost(next))
    next.on('end', () => lost(next))
    next.on('notification', (message) => {
      if (message.channel === channel && message.payload) events?.invalidate(message.payload)
    })
    try {
      await next.connect()
      await next.query(`LISTEN ${channel}`)
    } catch {
      next.end().catch(() => {})
      if (!closed) schedule(Math.min(heartbeatMs, 500))
      return
    }
    if (closed) return void next.end().catch(() => {})
    client = next
    events?.up()
    schedule(heartbeatMs)
  }

  const beat = async (): Promise<void> => {
    const current = client
    if (current === null) return connect()
    try {
      await current.query('SELECT 1')
      schedule(heartbeatMs)
    } catch {
      lost(current)
    }
  }

  const schedule = (delay: number): void => {
    if (timer !== null) clearTimeout(timer)
    timer = setTimeout(() => void beat(), delay)
    timer.unref()
  }

  return {
    async open(listener) {
      events = listener
      await connect()
    },
    async publish(key) {
      await sql`SELECT pg_notify(${channel}, ${key})`.execute(options.db)
    },
    async close() {
      closed = true
      if (timer !== null) clearTimeout(timer)
      const current = client
      client = null
      await current?.end().catch(() => {})
    },
  }
}
