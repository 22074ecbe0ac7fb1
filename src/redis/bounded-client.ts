/**
 * The application's ioredis client as the Redis stores use it: every command, pipeline and
 * MULTI answers within `timeoutMs` or fails with `ServiceUnavailableError`, and so do the
 * client's own connection errors (src/store-unavailable.ts). The client is the application's,
 * configured as it chose; ioredis' defaults retry a command 20 times over about 10 s and queue
 * commands while disconnected, which would hold every request for as long as Redis is away.
 * The command itself is not cancelled (Redis has no such thing): its late answer is dropped.
 * docs/operations.md recommends client settings that fail fast on their own as well.
 */
import { ServiceUnavailableError } from '../errors.ts'
import { asServiceUnavailable } from '../store-unavailable.ts'

/** Milliseconds a Redis call may take on the request path when no timeout is given. */
export const DEFAULT_REDIS_TIMEOUT_MS = 1000

/**
 * `client` with each call's answer bounded by `timeoutMs` (`null`: not bounded, errors still
 * converted).
 *
 * @example
 * ```ts
 * const redis = boundedClient(new Redis(process.env.REDIS_URL!), 1000)
 * await redis.get('key') // ServiceUnavailableError after 1 s if Redis does not answer
 * ```
 */
export function boundedClient<C extends object>(client: C, timeoutMs: number | null = DEFAULT_REDIS_TIMEOUT_MS): C {
  if (timeoutMs !== null && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
    throw new TypeError('timeoutMs must be a positive whole number of milliseconds, or null')
  }
  const proxy: C = new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        const result: unknown = value.apply(target, args)
        // Chained calls (`multi().set(…).sadd(…)`) return the client or pipeline itself.
        if (result === target) return proxy
        if (isPromise(result)) return bounded(result, timeoutMs)
        // `pipeline()` and `multi()`: their `exec()` is the call to bound.
        if (isPipeline(result)) return boundedClient(result, timeoutMs)
        return result
      }
    },
  })
  return proxy
}

function bounded<T>(call: Promise<T>, timeoutMs: number | null): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = timeoutMs === null
      ? undefined
      : setTimeout(() => reject(new ServiceUnavailableError({ cause: new Error(`Redis did not answer within ${timeoutMs} ms`) })), timeoutMs)
    call.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(asServiceUnavailable(error))
      },
    )
  })
}

function isPromise(value: unknown): value is Promise<unknown> {
  return value instanceof Promise
}

function isPipeline(value: unknown): value is object {
  return typeof value === 'object' && value !== null && typeof (value as { exec?: unknown }).exec === 'function'
}
