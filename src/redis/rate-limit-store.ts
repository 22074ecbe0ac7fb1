/**
 * Counters in Redis (ioredis), shared by every instance of an application. Each operation is
 * one Lua script, so counting and expiring (and, for the backoff, reading, counting and
 * scheduling) happen atomically on the server: no two instances can both see "one attempt
 * left". Keys are `<prefix>{<key>}:…`; the braces keep a key's windows in one Redis Cluster
 * slot. Emails never reach Redis in clear: the throttle hands the store a hash of them.
 *
 * Times come from the calling instance's clock, so instances should run NTP, as they must for
 * token expiry anyway.
 */
import { createHash } from 'node:crypto'
import type { Cluster, Redis } from 'ioredis'
import type { AttemptVerdict, BackoffPolicy } from '../security/backoff.ts'
import type { RateLimitStore, WindowCounts } from '../security/rate-limit-store.ts'
import { boundedClient } from './bounded-client.ts'

export interface RedisRateLimitStoreOptions {
  /** Prefix of every key (default `fastify_users_limit:`). */
  keyPrefix?: string
  /**
   * Milliseconds a Redis call may take before the request is answered 503 (default 1000;
   * `null`: no limit). Redis errors are answered 503 either way.
   */
  timeoutMs?: number | null
}

// KEYS: current window, previous window; ARGV: time to live of the current window (ms).
const HIT = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
return {current, previous}
`

// KEYS: the backoff key; ARGV: now, freeFailures, baseDelayMs, maxDelayMs, maxFailures,
// lockoutMs, forgetAfterMs. The delay is backoff.ts's backoffDelay.
const ATTEMPT = `
local now = tonumber(ARGV[1])
local state = redis.call('HMGET', KEYS[1], 'failures', 'next')
local failures = tonumber(state[1]) or 0
local nextAt = tonumber(state[2]) or 0
if now < nextAt then return {0, nextAt - now, failures} end
failures = failures + 1
local delay = 0
if failures >= tonumber(ARGV[5]) then
  delay = tonumber(ARGV[6])
elseif failures >= tonumber(ARGV[2]) then
  delay = math.min(tonumber(ARGV[3]) * 2 ^ (failures - tonumber(ARGV[2])), tonumber(ARGV[4]))
end
delay = math.floor(delay)
redis.call('HSET', KEYS[1], 'failures', failures, 'next', now + delay)
redis.call('PEXPIRE', KEYS[1], delay + tonumber(ARGV[7]))
return {1, 0, failures}
`

interface Script {
  source: string
  sha: string
}

const script = (source: string): Script => ({ source, sha: createHash('sha1').update(source).digest('hex') })
const HIT_SCRIPT = script(HIT)
const ATTEMPT_SCRIPT = script(ATTEMPT)

/**
 * @example
 * import { Redis } from 'ioredis'
 * const users = fastifyUsers({ ..., security: { store: new RedisRateLimitStore(new Redis(process.env.REDIS_URL!)) } })
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly #redis: Redis | Cluster
  readonly #prefix: string

  constructor(redis: Redis | Cluster, options: RedisRateLimitStoreOptions = {}) {
    this.#redis = boundedClient(redis, options.timeoutMs)
    this.#prefix = options.keyPrefix ?? 'fastify_users_limit:'
  }

  async hit(key: string, windowMs: number, nowMs: number): Promise<WindowCounts> {
    const window = Math.floor(nowMs / windowMs)
    const base = this.#key(key)
    const [current, previous] = (await this.#run(HIT_SCRIPT, [`${base}:${window}`, `${base}:${window - 1}`], [2 * windowMs])) as [number, number]
    return { current, previous }
  }

  async attempt(key: string, policy: BackoffPolicy, nowMs: number): Promise<AttemptVerdict> {
    const args = [
      Math.floor(nowMs), policy.freeFailures, policy.baseDelayMs, policy.maxDelayMs, policy.maxFailures,
      policy.lockoutMs, policy.forgetAfterMs,
    ]
    const [allowed, retryAfterMs, failures] = (await this.#run(ATTEMPT_SCRIPT, [this.#key(key)], args)) as [number, number, number]
    return { allowed: allowed === 1, retryAfterMs, failures }
  }

  async clear(key: string): Promise<void> {
    await this.#redis.del(this.#key(key))
  }

  #key(key: string): string {
    return `${this.#prefix}{${key}}`
  }

  /** EVALSHA, falling back to EVAL the first time a server sees the script. */
  async #run({ source, sha }: Script, keys: string[], args: number[]): Promise<unknown> {
    try {
      return await this.#redis.evalsha(sha, keys.length, ...keys, ...args)
    } catch (error) {
      if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error
      return this.#redis.eval(source, keys.length, ...keys, ...args)
    }
  }
}
