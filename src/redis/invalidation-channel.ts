/**
 * The auth cache's invalidation channel on Redis pub/sub: a subscriber connection of its own
 * (a duplicate of the application's client), publications through the application's client.
 * Pub/sub delivers only to connected subscribers, so the channel is reported down whenever the
 * subscriber's connection closes or stops answering its heartbeat (the cache then reads
 * through), and up once it has subscribed again.
 */
import type { Redis } from 'ioredis'
import type { InvalidationChannel, InvalidationEvents } from '../cache/invalidation-channel.ts'

export interface RedisInvalidationChannelOptions {
  redis: Redis
  /** The pub/sub channel (default `fastify-users:cache`): one per group of instances. */
  channel?: string
  /** Milliseconds between liveness checks of the subscriber (default 1000). */
  heartbeatMs?: number
}

/**
 * @example
 * const cache = await openAuthCache({ channel: redisInvalidationChannel({ redis }) })
 */
export function redisInvalidationChannel(options: RedisInvalidationChannelOptions): InvalidationChannel {
  const channel = options.channel ?? 'fastify-users:cache'
  const heartbeatMs = options.heartbeatMs ?? 1000
  let subscriber: Redis | null = null
  let events: InvalidationEvents | null = null
  let up = false
  let timer: NodeJS.Timeout | null = null

  const down = (): void => {
    up = false
    events?.down()
  }

  const subscribe = async (): Promise<void> => {
    try {
      await subscriber!.subscribe(channel)
      up = true
      events?.up()
    } catch {
      down()
    }
  }

  const beat = async (): Promise<void> => {
    if (subscriber === null) return
    try {
      await subscriber.ping()
      if (!up) await subscribe()
    } catch {
      if (up) down()
    }
    timer = setTimeout(() => void beat(), heartbeatMs)
    timer.unref()
  }

  return {
    async open(listener) {
      events = listener
      subscriber = options.redis.duplicate({
        lazyConnect: true,
        enableOfflineQueue: false,
        autoResubscribe: false,
        commandTimeout: heartbeatMs,
        maxRetriesPerRequest: 1,
        retryStrategy: (attempt: number) => Math.min(attempt * 50, 500),
      })
      subscriber.on('error', () => {})
      subscriber.on('close', () => {
        if (up) down()
      })
      subscriber.on('message', (from: string, key: string) => {
        if (from === channel) events?.invalidate(key)
      })
      subscriber.on('ready', () => void subscribe())
      await subscriber.connect().catch(() => {})
      timer = setTimeout(() => void beat(), heartbeatMs)
      timer.unref()
    },
    async publish(key) {
      await options.redis.publish(channel, key)
    },
    async close() {
      if (timer !== null) clearTimeout(timer)
      const current = subscriber
      subscriber = null
      up = false
      current?.disconnect()
    },
  }
}
