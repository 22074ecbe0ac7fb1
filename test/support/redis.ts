/**
 * A Redis client for one test file, with a key prefix of its own so files run in parallel and
 * repeatedly; `close()` deletes every key under the prefix and disconnects.
 */
import { Redis } from 'ioredis'
import { uniqueName } from './services.ts'

export interface TestRedis {
  redis: Redis
  /** Unique to this client; ends with `:`. */
  prefix: string
  close(): Promise<void>
}

export function openTestRedis(url: string): TestRedis {
  const redis = new Redis(url, { maxRetriesPerRequest: 2 })
  const prefix = `${uniqueName('fu_redis')}:`
  return {
    redis,
    prefix,
    async close() {
      let cursor = '0'
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
        if (keys.length > 0) await redis.del(...keys)
        cursor = next
      } while (cursor !== '0')
      await redis.quit()
    },
  }
}
