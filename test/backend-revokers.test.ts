/**
 * Which revokers "log out everywhere" asks (src/authentication/revokers.ts): each strategy that
 * can revoke and each backend's refresh tokens, every one once even when backends share it.
 */
import { describe, expect, it } from 'vitest'
import { ApiKeys } from '../src/api-keys/api-keys.ts'
import { MemoryApiKeyStore } from '../src/api-keys/memory-store.ts'
import { ApiKeyStrategy } from '../src/api-keys/strategy.ts'
import { ApiKeyTransport } from '../src/api-keys/transport.ts'
import { AuthenticationBackend } from '../src/authentication/backend.ts'
import { backendRevokers } from '../src/authentication/revokers.ts'
import { JwtStrategy } from '../src/authentication/strategies/jwt.ts'
import { BearerTransport } from '../src/authentication/transports/bearer.ts'
import { CookieTransport } from '../src/authentication/transports/cookie.ts'
import { MemoryRefreshTokenStore } from '../src/refresh/memory-store.ts'
import { SECRET } from './support/app.ts'

describe('backendRevokers', () => {
  it('lists each revoking strategy and each refresh token family once, in the order of the backends', () => {
    const strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 60 })
    const refresh = { store: new MemoryRefreshTokenStore(), lifetimeSeconds: 600 }
    const bearer = new AuthenticationBackend({ name: 'jwt', transport: new BearerTransport({ tokenUrl: 'x' }), strategy, refresh })
    const cookie = new AuthenticationBackend({ name: 'cookie', transport: new CookieTransport(), strategy })
    const again = new AuthenticationBackend({ name: 'jwt2', transport: new BearerTransport({ tokenUrl: 'y' }), strategy })
    expect(backendRevokers([bearer, cookie, again])).toEqual([strategy, bearer.refresh])
    expect(backendRevokers([cookie, bearer])[0]).toBe(strategy)
    expect(backendRevokers([cookie])).toEqual([strategy])
  })

  it('leaves out a strategy that cannot revoke, such as API keys', () => {
    const keys = new AuthenticationBackend({ name: 'api_key', transport: new ApiKeyTransport(), strategy: new ApiKeyStrategy(new ApiKeys({ store: new MemoryApiKeyStore() })) })
    expect(backendRevokers([keys])).toEqual([])
    expect(backendRevokers([])).toEqual([])
  })
})
