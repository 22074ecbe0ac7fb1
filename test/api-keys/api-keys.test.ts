/**
 * The core of API keys (src/api-keys/): the key format and its parsing, the constant-time
 * secret check, expiry at its instant, the per-key limit (shared between instances through
 * the Redis rate-limit store), the throttled last-use record, what the transport reads, and
 * that only a user's deletion takes its keys.
 */
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { ApiKeys } from '../../src/api-keys/api-keys.ts'
import { ApiKeyError } from '../../src/api-keys/errors.ts'
import { hashSecret, newApiKey, parseApiKey, secretMatches } from '../../src/api-keys/key-format.ts'
import { MemoryApiKeyStore } from '../../src/api-keys/memory-store.ts'
import { ApiKeyTransport } from '../../src/api-keys/transport.ts'
import { TooManyRequestsError } from '../../src/errors.ts'
import { RedisRateLimitStore } from '../../src/redis/rate-limit-store.ts'
import { requireRedis, uniqueName } from '../support/services.ts'

const USER = '0190a5f2-7d2e-7c4a-9b1e-1a2b3c4d5e6f'
const HOUR = 3_600_000

function clock(start = 1_700_000_000_000) {
  let now = start
  return { now: () => now, advance: (ms: number) => void (now += ms) }
}

describe('key format', () => {
  it('makes fuk_<32 hex>_<43 base64url> keys, all different, whose secret hashes to the stored hash', () => {
    const keys = Array.from({ length: 50 }, () => newApiKey())
    expect(new Set(keys.map((k) => k.key)).size).toBe(50)
    for (const { id, key, secretHash } of keys) {
      expect(key).toMatch(/^fuk_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/)
      const parsed = parseApiKey(key)
      expect(parsed?.id).toBe(id)
      expect(hashSecret(parsed!.secret)).toBe(secretHash)
      expect(secretMatches(parsed!.secret, secretHash)).toBe(true)
      expect(key).not.toContain(secretHash)
    }
  })

  it('parses nothing else', () => {
    const { key } = newApiKey()
    for (const bad of ['', 'fuk_', key.toUpperCase(), `${key}x`, key.slice(0, -1), ` ${key}`, key.replace('fuk_', 'fuk-'), `Bearer ${key}`]) {
      expect(parseApiKey(bad), bad).toBeNull()
    }
  })

  it('refuses a secret of another hash, and a malformed stored hash', () => {
    const { key, secretHash } = newApiKey()
    const { secret } = parseApiKey(key)!
    expect(secretMatches(secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A'), secretHash)).toBe(false)
    expect(secretMatches(secret, secretHash.slice(0, 10))).toBe(false)
    expect(secretMatches(secret, '')).toBe(false)
  })
})

describe('ApiKeys', () => {
  it('accepts a key until the instant it expires, and refuses a wrong secret', async () => {
    const time = clock()
    const keys = new ApiKeys({ store: new MemoryApiKeyStore(), now: time.now, rateLimit: false })
    const { key, record } = await keys.create(USER, { name: 'k', expiresAt: new Date(time.now() + HOUR), permissions: [] }, new Set())
    expect((await keys.check(key))?.id).toBe(record.id)
    const parsed = parseApiKey(key)!
    expect(await keys.check(`fuk_${parsed.id}_${newApiKey().key.split('_')[2]}`)).toBeNull()
    time.advance(HOUR - 1)
    expect(await keys.check(key)).not.toBeNull()
    time.advance(1)
    expect(await keys.check(key)).toBeNull()
  })

  it('refuses permissions not held, bad expiries and keys beyond the limit', async () => {
    const time = clock()
    const keys = new ApiKeys({ store: new MemoryApiKeyStore(), now: time.now, maxKeysPerUser: 2, maxLifetimeSeconds: 3600 })
    const input = (extra = {}) => ({ name: 'k', expiresAt: new Date(time.now() + HOUR), permissions: ['a'], ...extra })
    const code = (promise: Promise<unknown>) => promise.then(() => 'created', (error: unknown) => (error as ApiKeyError).code)
    expect(await code(keys.create(USER, input(), new Set(['b'])))).toBe('API_KEY_PERMISSION_NOT_HELD')
    expect(await code(keys.create(USER, input({ expiresAt: new Date(time.now()) }), new Set(['a'])))).toBe('API_KEY_INVALID_EXPIRY')
    expect(await code(keys.create(USER, input({ expiresAt: new Date(time.now() + HOUR + 1) }), new Set(['a'])))).toBe('API_KEY_INVALID_EXPIRY')
    expect(await code(keys.create(USER, input({ expiresAt: new Date(Number.NaN) }), new Set(['a'])))).toBe('API_KEY_INVALID_EXPIRY')
    expect(await code(keys.create(USER, input({ permissions: ['a', 'a'] }), new Set(['a'])))).toBe('created')
    expect((await keys.list(USER))[0]!.permissions).toEqual(['a'])
    expect(await code(keys.create(USER, input(), new Set(['a'])))).toBe('created')
    expect(await code(keys.create(USER, input(), new Set(['a'])))).toBe('API_KEY_LIMIT_REACHED')
  })

  it('records the last use at most once per interval', async () => {
    const time = clock()
    const store = new MemoryApiKeyStore()
    const keys = new ApiKeys({ store, now: time.now, lastUsedIntervalSeconds: 60 })
    const { key, record } = await keys.create(USER, { name: 'k', expiresAt: new Date(time.now() + HOUR), permissions: [] }, new Set())
    const use = async () => keys.recordUse((await keys.check(key))!)
    await use()
    expect((await store.get(record.id))!.lastUsedAt).toEqual(new Date(time.now()))
    const first = time.now()
    time.advance(59_000)
    await use()
    expect((await store.get(record.id))!.lastUsedAt).toEqual(new Date(first))
    time.advance(2_000)
    await use()
    expect((await store.get(record.id))!.lastUsedAt).toEqual(new Date(time.now()))
  })

  it('deletes keys only when their user is deleted, not at a log out everywhere', async () => {
    const time = clock()
    const keys = new ApiKeys({ store: new MemoryApiKeyStore(), now: time.now })
    const { key } = await keys.create(USER, { name: 'k', expiresAt: new Date(time.now() + HOUR), permissions: [] }, new Set())
    await keys.revokeAllTokens(USER)
    expect(await keys.check(key)).not.toBeNull()
    await keys.revokeAllTokens(USER, { userDeleted: true })
    expect(await keys.check(key)).toBeNull()
  })
})

describe('the per-key limit on a Redis store shared by two instances', async () => {
  const redisUrl = await requireRedis()
  const clients: Redis[] = []
  afterAll(async () => {
    for (const client of clients) client.disconnect()
  })

  it.skipIf(redisUrl === null)('counts each key once across instances, and each key on its own', async () => {
    const prefix = `${uniqueName('fu_apikeys')}:`
    const shared = () => {
      const client = new Redis(redisUrl!, { maxRetriesPerRequest: 1 })
      clients.push(client)
      return new RedisRateLimitStore(client, { keyPrefix: prefix })
    }
    const store = new MemoryApiKeyStore()
    const rateLimit = { limit: 3, windowSeconds: 60 }
    const one = new ApiKeys({ store, rateLimit, rateLimitStore: shared() })
    const two = new ApiKeys({ store, rateLimit, rateLimitStore: shared() })
    const expiresAt = new Date(Date.now() + HOUR)
    const first = await one.create(USER, { name: 'a', expiresAt, permissions: [] }, new Set())
    const second = await one.create(USER, { name: 'b', expiresAt, permissions: [] }, new Set())
    expect(await one.check(first.key)).not.toBeNull()
    expect(await two.check(first.key)).not.toBeNull()
    expect(await one.check(first.key)).not.toBeNull()
    const refused = await two.check(first.key).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(TooManyRequestsError)
    expect((refused as TooManyRequestsError).headers['retry-after']).toMatch(/^\d+$/)
    expect(await two.check(second.key)).not.toBeNull()
    // A wrong secret spends nothing of the key's allowance.
    const wrong = `fuk_${second.record.id}_${newApiKey().key.split('_')[2]}`
    for (let i = 0; i < 5; i++) expect(await one.check(wrong)).toBeNull()
    expect(await one.check(second.key)).not.toBeNull()
  })
})

describe('ApiKeyTransport', () => {
  const transport = new ApiKeyTransport()
  const { key } = newApiKey()
  it('reads X-API-Key, and a bearer token only when it is a key', () => {
    expect(transport.readToken({ headers: { 'x-api-key': key } })).toBe(key)
    expect(transport.readToken({ headers: { 'x-api-key': ` ${key} ` } })).toBe(key)
    expect(transport.readToken({ headers: { authorization: `Bearer ${key}` } })).toBe(key)
    expect(transport.readToken({ headers: { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig' } })).toBeNull()
    expect(transport.readToken({ headers: { authorization: `Basic ${key}` } })).toBeNull()
    expect(transport.readToken({ headers: { 'x-api-key': '' } })).toBeNull()
    expect(transport.readToken({ headers: { 'x-api-key': [key, key] } })).toBeNull()
    expect(transport.readToken({ headers: {} })).toBeNull()
    expect(transport.securityScheme()).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-API-Key' })
    expect(transport.bearerSecurityScheme()).toMatchObject({ type: 'http', scheme: 'bearer' })
  })
})
