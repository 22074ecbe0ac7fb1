/**
 * Counters in Redis (ioredis), shared by every instance of an application. Each operation is
 * one Lua script, so counting and expiring (and, for the backoff, reading, counting and
 * scheduling) happen atomically on the server: no two instances can both see "one attempt
 * left". Keys are `<prefix>{<key>}…` (`taggedKey`): every operation touches one key, or a key's
 * two windows, and the hash tag keeps those in one Redis Cluster slot. Emails never reach Redis
 * in clear: the throttle hands the store a hash of them.
 *
 * Times come from the calling instance's clock, so instances should run NTP, as they must for
 * token expiry anyway.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Cluster, Redis } from 'ioredis'
import type { AttemptUndo, AttemptVerdict, BackoffPolicy } from '../security/backoff.ts'
import type { RateLimitStore, WindowCounts } from '../security/rate-limit-store.ts'
import { boundedClient } from './bounded-client.ts'
import { checkKeyPrefix, taggedKey } from './keys.ts'

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

// backoff.ts's backoffDelay, for `failures` under the policy in ARGV[first..first+4]:
// freeFailures, baseDelayMs, maxDelayMs, maxFailures, lockoutMs.
const DELAY = `
local function delayOf(failures, first)
  local delay = 0
  if failures >= tonumber(ARGV[first + 3]) then
    delay = tonumber(ARGV[first + 4])
  elseif failures >= tonumber(ARGV[first]) then
    delay = math.min(tonumber(ARGV[first + 1]) * 2 ^ (failures - tonumber(ARGV[first])), tonumber(ARGV[first + 2]))
  end
  return math.floor(delay)
end
`

// KEYS: the backoff key; ARGV: now, the policy (5 values), forgetAfterMs, the generation of a
// counter this attempt begins. Answers allowed, retry after, failures, generation, previous next.
const ATTEMPT = `${DELAY}
local now = tonumber(ARGV[1])
local state = redis.call('HMGET', KEYS[1], 'failures', 'next', 'gen')
local failures = tonumber(state[1]) or 0
local nextAt = tonumber(state[2]) or 0
local generation = state[3] or ARGV[8]
if now < nextAt then return {0, nextAt - now, failures, generation, nextAt} end
failures = failures + 1
local delay = delayOf(failures, 2)
redis.call('HSET', KEYS[1], 'failures', failures, 'next', now + delay, 'last', now, 'gen', generation)
redis.call('PEXPIRE', KEYS[1], delay + tonumber(ARGV[7]))
return {1, 0, failures, generation, nextAt}
`

// KEYS: the backoff key; ARGV: now, the policy (5 values), forgetAfterMs, generation, failures,
// previous next. The memory store's release, step for step.
const RELEASE = `${DELAY}
local now = tonumber(ARGV[1])
local state = redis.call('HMGET', KEYS[1], 'failures', 'next', 'last', 'gen')
local failures = tonumber(state[1])
if failures == nil or state[4] ~= ARGV[8] then return 0 end
local nextAt
if failures == tonumber(ARGV[9]) then
  nextAt = tonumber(ARGV[10])
else
  nextAt = math.min(tonumber(state[2]), tonumber(state[3]) + delayOf(failures - 1, 2))
end
failures = failures - 1
local ttl = nextAt + tonumber(ARGV[7]) - now
if failures <= 0 or ttl <= 0 then
  redis.call('DEL', KEYS[1])
  return 1
end
redis.call('HSET', KEYS[1], 'failures', failures, 'next', nextAt)
redis.call('PEXPIRE', KEYS[1], ttl)
return 1
`

interface Script {
  source: string
  sha: string
}

const script = (source: string): Script => ({ source, sha: createHash('sha1').update(source).digest('hex') })
const HIT_SCRIPT = script(HIT)
const ATTEMPT_SCRIPT = script(ATTEMPT)
const RELEASE_SCRIPT = script(RELEASE)

/** ARGV[1..7] of the backoff scripts: now, the policy, forgetAfterMs. */
function policyArgs(nowMs: number, policy: BackoffPolicy): number[] {
  return [
    Math.floor(nowMs), policy.freeFailures, policy.baseDelayMs, policy.maxDelayMs, policy.maxFailures,
    policy.lockoutMs, policy.forgetAfterMs,
  ]
}

/**
 * @example
 * import { Redis } from 'ioredis'
 * // or a Redis Cluster: new Cluster([{ host: '10.0.0.1', port: 6379 }])
 * const users = fastifyUsers({ ..., security: { store: new RedisRateLimitStore(new Redis(process.env.REDIS_URL!)) } })
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly #redis: Redis | Cluster
  readonly #prefix: string

  constructor(redis: Redis | Cluster, options: RedisRateLimitStoreOptions = {}) {
    this.#redis = boundedClient(redis, options.timeoutMs)
    this.#prefix = checkKeyPrefix(options.keyPrefix ?? 'fastify_users_limit:')
  }

  async hit(key: string, windowMs: number, nowMs: number): Promise<WindowCounts> {
    const window = Math.floor(nowMs / windowMs)
    const windows = [taggedKey(this.#prefix, key, `:${window}`), taggedKey(this.#prefix, key, `:${window - 1}`)]
    const [current, previous] = (await this.#run(HIT_SCRIPT, windows, [2 * windowMs])) as [number, number]
    return { current, previous }
  }

  async attempt(key: string, policy: BackoffPolicy, nowMs: number): Promise<AttemptVerdict> {
    const args = [...policyArgs(nowMs, policy), randomBytes(9).toString('base64url')]
    const [allowed, retryAfterMs, failures, generation, previousNextAt] =
      (await this.#run(ATTEMPT_SCRIPT, [this.#key(key)], args)) as [number, number, number, string, number]
    if (allowed !== 1) return { allowed: false, retryAfterMs, failures }
    return { allowed: true, retryAfterMs: 0, failures, undo: { generation, failures, previousNextAt } }
  }

  async release(key: string, undo: AttemptUndo, policy: BackoffPolicy, nowMs: number): Promise<void> {
    const args = [...policyArgs(nowMs, policy), undo.generation, undo.failures, undo.previousNextAt]
    await this.#run(RELEASE_SCRIPT, [this.#key(key)], args)
  }

  async clear(key: string): Promise<void> {
    await this.#redis.del(this.#key(key))
  }

  #key(key: string): string {
    return taggedKey(this.#prefix, key)
  }

  /** EVALSHA, falling back to EVAL the first time a server sees the script. */
  async #run({ source, sha }: Script, keys: string[], args: (number | string)[]): Promise<unknown> {
    try {
      return await this.#redis.evalsha(sha, keys.length, ...keys, ...args)
    } catch (error) {
      if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error
      return this.#redis.eval(source, keys.length, ...keys, ...args)
    }
  }
}
