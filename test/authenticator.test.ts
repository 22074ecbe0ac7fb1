/**
 * The core's authenticator (src/authentication/authenticator.ts): backends tried in order, the
 * first that yields a user wins, a backend without a token or with a token that yields nobody
 * gives way to the next, and only the enabled backends are asked.
 */
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { authenticator } from '../src/authentication/authenticator.ts'
import { AuthenticationBackend } from '../src/authentication/backend.ts'
import { JwtStrategy } from '../src/authentication/strategies/jwt.ts'
import type { Strategy, UserLookup } from '../src/authentication/strategy.ts'
import { BearerTransport } from '../src/authentication/transports/bearer.ts'
import { CookieTransport } from '../src/authentication/transports/cookie.ts'
import type { UserRecord } from '../src/user.ts'
import { SECRET } from './support/app.ts'

function userRecord(): UserRecord {
  return { id: randomUUID(), email: 'a@b.io', hashed_password: 'x', is_active: true, is_superuser: false, is_verified: false }
}

function lookupOf(...users: UserRecord[]): UserLookup {
  const byId = new Map(users.map((user) => [user.id, user]))
  return { get: async (id) => byId.get(id) ?? null }
}

const bearer = new AuthenticationBackend({
  name: 'jwt',
  transport: new BearerTransport({ tokenUrl: 'auth/jwt/login' }),
  strategy: new JwtStrategy({ secret: SECRET, lifetimeSeconds: 60 }),
})
const cookie = new AuthenticationBackend({
  name: 'cookie',
  transport: new CookieTransport(),
  strategy: new JwtStrategy({ secret: `${SECRET}-cookie`, lifetimeSeconds: 60 }),
})

describe('authenticator', () => {
  it('answers the user, the token and the backend that read it', async () => {
    const user = userRecord()
    const token = await bearer.strategy.writeToken(user)
    const found = await authenticator([bearer, cookie], lookupOf(user))({ headers: { authorization: `Bearer ${token}` } })
    expect(found).toEqual({ user, token, backend: bearer })
  })

  it('passes over a backend without a token to the next', async () => {
    const user = userRecord()
    const token = await cookie.strategy.writeToken(user)
    const found = await authenticator([bearer, cookie], lookupOf(user))({ headers: { cookie: `fastapiusersauth=${token}` } })
    expect(found).toEqual({ user, token, backend: cookie })
  })

  it('passes over a token that yields nobody to the next backend', async () => {
    const user = userRecord()
    const cookieToken = await cookie.strategy.writeToken(user)
    const foreign = await cookie.strategy.writeToken(user)
    const headers = { authorization: `Bearer ${foreign}`, cookie: `fastapiusersauth=${cookieToken}` }
    expect(await authenticator([bearer, cookie], lookupOf(user))({ headers })).toEqual({ user, token: cookieToken, backend: cookie })
  })

  it('lets the first backend that yields a user win', async () => {
    const first = userRecord()
    const second = userRecord()
    const bearerToken = await bearer.strategy.writeToken(first)
    const cookieToken = await cookie.strategy.writeToken(second)
    const headers = { authorization: `Bearer ${bearerToken}`, cookie: `fastapiusersauth=${cookieToken}` }
    expect((await authenticator([bearer, cookie], lookupOf(first, second))({ headers }))!.user).toBe(first)
    expect((await authenticator([cookie, bearer], lookupOf(first, second))({ headers }))!.user).toBe(second)
  })

  it('asks only the enabled backends, all of them by default', async () => {
    const user = userRecord()
    const token = await cookie.strategy.writeToken(user)
    const authenticate = authenticator([bearer, cookie], lookupOf(user))
    const request = { headers: { cookie: `fastapiusersauth=${token}` } }
    expect(await authenticate(request, [bearer])).toBeNull()
    expect((await authenticate(request, [cookie]))!.backend).toBe(cookie)
    expect((await authenticate(request))!.backend).toBe(cookie)
  })

  it('answers null when no backend yields a user', async () => {
    const token = await bearer.strategy.writeToken(userRecord())
    const authenticate = authenticator([bearer, cookie], lookupOf())
    expect(await authenticate({ headers: { authorization: `Bearer ${token}` } })).toBeNull()
    expect(await authenticate({ headers: {} })).toBeNull()
  })
})

/** An application's own strategy, which writes down every token it is asked to read. */
class ListeningStrategy implements Strategy {
  readonly lifetimeSeconds = null
  readonly asked: unknown[] = []

  async readToken<U extends UserRecord>(token: string): Promise<U | null> {
    this.asked.push(token)
    return null
  }

  async writeToken(): Promise<string> {
    return 'token'
  }

  async destroyToken(): Promise<void> {}
}

describe('authenticator with an application strategy', () => {
  it('never asks a strategy about a request that carries no token for its transport', async () => {
    const strategy = new ListeningStrategy()
    const own = new AuthenticationBackend({ name: 'own', transport: new BearerTransport({ tokenUrl: 'x' }), strategy })
    const authenticate = authenticator([own], lookupOf())
    expect(await authenticate({ headers: {} })).toBeNull()
    expect(await authenticate({ headers: { authorization: 'Basic abc' } })).toBeNull()
    expect(strategy.asked).toEqual([])
    expect(await authenticate({ headers: { authorization: 'Bearer abc' } })).toBeNull()
    expect(strategy.asked).toEqual(['abc'])
  })
})
