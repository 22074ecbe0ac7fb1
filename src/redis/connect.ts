/**
 * Connecting to Redis at start-up. An ioredis client created with `new Redis(url)` connects in
 * the background, reconnects forever, and prints "[ioredis] Unhandled error event" at every
 * attempt unless someone listens; an unreachable Redis is then a server that starts and
 * scrolls. `connectRedis` instead connects first and fails in one line, and afterwards reports
 * each outage once through `onError` while ioredis reconnects.
 */
import type { Redis, RedisOptions } from 'ioredis'
import { connectionTarget, DatabaseStartupError, networkReason } from '../db/startup-error.ts'
import { importOptional } from '../optional-dependency.ts'

export interface ConnectRedisOptions extends RedisOptions {
  /** Called once when the connection is lost after start-up (not at every retry). */
  onError?: (error: Error) => void
}

/**
 * Connects to the Redis of `url` and resolves once it answers, or rejects with a
 * `DatabaseStartupError` whose message is one line (no password from the URL).
 *
 * @example
 * ```ts
 * const redis = await connectRedis(process.env.REDIS_URL!, { onError: (error) => app.log.warn(error.message) })
 * const revocation = new RedisRevocationStore({ redis })
 * ```
 */
export async function connectRedis(url: string, options: ConnectRedisOptions = {}): Promise<Redis> {
  const { Redis } = await importOptional('ioredis', 'Redis support', () => import('ioredis'))
  const { onError, ...redisOptions } = options
  const redis = new Redis(url, { ...redisOptions, lazyConnect: true })
  // Failures while connecting are the rejection below; afterwards, one report per outage.
  let reported = true
  let firstError: Error | null = null
  redis.on('error', (error: Error) => {
    firstError ??= error
    if (reported) return
    reported = true
    onError?.(error)
  })
  redis.on('ready', () => {
    reported = false
  })
  try {
    await redis.connect()
    return redis
  } catch (rejection) {
    redis.disconnect()
    // connect() rejects with "Connection is closed."; the socket's error came as an event.
    const error = firstError ?? rejection
    const target = connectionTarget(url, 6379)
    const where = target === null ? '' : ` at ${target.address}`
    const reason = networkReason(error) ?? (error instanceof Error ? error.message : String(error))
    throw new DatabaseStartupError(`cannot connect to Redis${where}: ${reason}`, { cause: error })
  }
}
