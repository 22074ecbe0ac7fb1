/**
 * The full example's session settings: AUTH_STRATEGY, REDIS_URL, REDIS_KEY_PREFIX and
 * REFRESH_LIFETIME. The defaults change nothing (JWT, no Redis, no refresh tokens), so the
 * conformance suite runs against them.
 */
import { describe, expect, it } from 'vitest'
import { ConfigError, readConfig } from '../../examples/full/config.ts'

const read = (env: Record<string, string>) => readConfig({ SECRET: 'x'.repeat(40), ...env }, () => {})

describe('the example session settings', () => {
  it('default to JWT without Redis or refresh tokens', () => {
    expect(read({})).toMatchObject({ authStrategy: 'jwt', redisUrl: null, redisKeyPrefix: '', refreshLifetime: null })
  })

  it('read the strategy, Redis and the refresh lifetime', () => {
    const config = read({ AUTH_STRATEGY: 'redis', REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: 'app:', REFRESH_LIFETIME: '86400' })
    expect(config).toMatchObject({ authStrategy: 'redis', redisUrl: 'redis://127.0.0.1:6379', redisKeyPrefix: 'app:', refreshLifetime: 86400 })
    expect(read({ AUTH_STRATEGY: 'database' }).authStrategy).toBe('database')
  })

  it('refuse an unknown strategy, the Redis strategy without Redis, and a bad lifetime', () => {
    expect(() => read({ AUTH_STRATEGY: 'session' })).toThrow(ConfigError)
    expect(() => read({ AUTH_STRATEGY: 'redis' })).toThrow(/REDIS_URL/)
    expect(() => read({ REFRESH_LIFETIME: '-5' })).toThrow(/REFRESH_LIFETIME/)
  })
})
