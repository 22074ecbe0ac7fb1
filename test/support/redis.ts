/**
 * A Redis client for one test file, with a key prefix of its own so files run in parallel and
 * repeatedly; `close()` deletes every key under the prefix and disconnects. On a Redis Cluster
 * (`openTestRedisCluster`) it scans every master, each holding a share of the keys.
 */
import { Cluster, Redis } from 'ioredis'
import { uniqueName } from './services.ts'

export interface TestRedis<C extends Redis | Cluster = Redis> {
  redis: C
  /** Unique to this client; ends with `:`. */
  prefix: string
  close(): Promise<void>
}

export function openTestRedis(url: string): TestRedis {
  return withPrefix(new Redis(url, { maxRetriesPerRequest: 2 }))
}

export function openTestRedisCluster(cluster: Cluster): TestRedis<Cluster> {
  return withPrefix(cluster)
}

function withPrefix<C extends Redis | Cluster>(redis: C): TestRedis<C> {
  const prefix = `${uniqueName('fu_redis')}:`
  return {
    redis,
    prefix,
    async close() {
      const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis as Redis]
      for (const node of nodes) {
        let cursor = '0'
        do {
          const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
          // One DEL per key: on a cluster the keys of one node still span several slots.
          await Promise.all(keys.map((key) => node.del(key)))
          cursor = next
        } while (cursor !== '0')
      }
      await redis.quit()
    },
  }
}
