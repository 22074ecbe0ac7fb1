/**
 * Connecting to Redis at start-up: one server (`connectRedis`), a Redis Cluster
 * (`connectRedisCluster`) or a master found through Sentinel (`connectRedisSentinel`). An
 * ioredis client connects in the background, reconnects forever, and prints "[ioredis]
 * Unhandled error event" at every attempt unless someone listens; an unreachable Redis is then
 * a server that starts and scrolls. These functions instead connect first and fail in one line,
 * and afterwards report each outage once through `onError` while ioredis reconnects (or, with
 * Sentinel, asks the sentinels for the new master after a failover).
 */
import type { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis'
import { connectionTarget, DatabaseStartupError, networkReason } from '../db/startup-error.ts'
import { importOptional } from '../optional-dependency.ts'

export interface ConnectRedisOptions extends RedisOptions {
  /** Called once when the connection is lost after start-up (not at every retry). */
  onError?: (error: Error) => void
}

export interface ConnectRedisClusterOptions extends ClusterOptions {
  /** Called once when the cluster becomes unreachable after start-up (not at every retry). */
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
  const target = connectionTarget(url, 6379)
  return connect(new Redis(url, { ...redisOptions, lazyConnect: true }), target === null ? 'Redis' : `Redis at ${target.address}`, onError)
}

/**
 * Connects to the Redis Cluster that `nodes` (`host:port`, one or more of its masters) belong
 * to, and resolves once the cluster answers. Every store of `fastify-users/redis` accepts the
 * returned `Cluster` as it accepts a `Redis`.
 *
 * @example
 * ```ts
 * const redis = await connectRedisCluster(['10.0.0.1:6379', '10.0.0.2:6379'])
 * const strategy = new RedisStrategy({ redis, lifetimeSeconds: 3600 })
 * ```
 */
export async function connectRedisCluster(nodes: readonly string[], options: ConnectRedisClusterOptions = {}): Promise<Cluster> {
  const { Cluster } = await importOptional('ioredis', 'Redis support', () => import('ioredis'))
  const { onError, ...clusterOptions } = options
  const startup = nodes.map((node) => hostAndPort(node, 'cluster node'))
  const cluster = new Cluster(startup, { ...clusterOptions, lazyConnect: true })
  return connect(cluster, `the Redis Cluster at ${nodes.join(',')}`, onError)
}

/**
 * Connects to the master that the sentinels (`host:port`) know as `name`, and resolves once it
 * answers. After a failover the client asks the sentinels again and continues on the new
 * master; commands sent while it switches fail (or wait, as `options` say).
 *
 * @example
 * ```ts
 * const redis = await connectRedisSentinel(['10.0.0.1:26379', '10.0.0.2:26379', '10.0.0.3:26379'], 'mymaster')
 * ```
 */
export async function connectRedisSentinel(sentinels: readonly string[], name: string, options: ConnectRedisOptions = {}): Promise<Redis> {
  const { Redis } = await importOptional('ioredis', 'Redis support', () => import('ioredis'))
  const { onError, ...redisOptions } = options
  const list = sentinels.map((sentinel) => hostAndPort(sentinel, 'sentinel'))
  const redis = new Redis({ ...redisOptions, sentinels: list, name, lazyConnect: true })
  return connect(redis, `the Redis master "${name}" of the sentinels at ${sentinels.join(',')}`, onError)
}

async function connect<C extends Redis | Cluster>(client: C, what: string, onError: ((error: Error) => void) | undefined): Promise<C> {
  // Failures while connecting are the rejection below; afterwards, one report per outage.
  let reported = true
  let firstError: Error | null = null
  client.on('error', (error: Error) => {
    firstError ??= error
    if (reported) return
    reported = true
    onError?.(error)
  })
  client.on('ready', () => {
    reported = false
  })
  try {
    await client.connect()
    return client
  } catch (rejection) {
    client.disconnect()
    // connect() rejects with "Connection is closed."; the socket's error came as an event.
    const error = firstError ?? rejection
    const reason = networkReason(error) ?? (error instanceof Error ? error.message : String(error))
    throw new DatabaseStartupError(`cannot connect to ${what}: ${reason}`, { cause: error })
  }
}

function hostAndPort(node: string, what: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(node.trim())
  const port = Number(match?.[2])
  if (!match || !(port > 0 && port < 65536)) throw new TypeError(`a Redis ${what} must be host:port, not "${node}"`)
  return { host: match[1]!, port }
}
