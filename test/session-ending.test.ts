/**
 * Ending one listed session (src/authentication/session-ending.ts): its refresh token family
 * ends, its access token is revoked by its key, and the record goes; with the backend that
 * started it, or with every backend when that one was renamed or removed since.
 */
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ApiKeys } from '../src/api-keys/api-keys.ts'
import { MemoryApiKeyStore } from '../src/api-keys/memory-store.ts'
import { ApiKeyStrategy } from '../src/api-keys/strategy.ts'
import { ApiKeyTransport } from '../src/api-keys/transport.ts'
import { AuthenticationBackend } from '../src/authentication/backend.ts'
import { endSession } from '../src/authentication/session-ending.ts'
import { JwtStrategy } from '../src/authentication/strategies/jwt.ts'
import type { UserLookup } from '../src/authentication/strategy.ts'
import { BearerTransport } from '../src/authentication/transports/bearer.ts'
import { MemoryRefreshTokenStore } from '../src/refresh/memory-store.ts'
import { MemoryRevocationStore } from '../src/revocation/memory-store.ts'
import { MemorySessionStore } from '../src/sessions/memory-store.ts'
import { Sessions } from '../src/sessions/sessions.ts'
import type { UserRecord } from '../src/user.ts'
import { SECRET } from './support/app.ts'

function userRecord(): UserRecord {
  return { id: randomUUID(), email: 'a@b.io', hashed_password: 'x', is_active: true, is_superuser: false, is_verified: false }
}

function lookupOf(...users: UserRecord[]): UserLookup {
  const byId = new Map(users.map((user) => [user.id, user]))
  return { get: async (id) => byId.get(id) ?? null }
}

function backendNamed(name: string, strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 60, revocation: new MemoryRevocationStore() })) {
  return new AuthenticationBackend({
    name,
    transport: new BearerTransport({ tokenUrl: 'x' }),
    strategy,
    refresh: { store: new MemoryRefreshTokenStore(), lifetimeSeconds: 600 },
  })
}

async function loggedIn(backend: AuthenticationBackend, sessions: Sessions, user: UserRecord) {
  const body = (await backend.login(user, { refreshRoute: '/refresh', sessions })).body as { access_token: string; refresh_token: string }
  const [session] = await sessions.list(user.id)
  return { access: body.access_token, refresh: body.refresh_token, id: session!.id }
}

/** A memory store that writes down each key it is asked to deny. */
class RecordingRevocationStore extends MemoryRevocationStore {
  readonly denied: string[] = []

  override async deny(tokenKey: string, expiresAt: number | null): Promise<void> {
    this.denied.push(tokenKey)
    return super.deny(tokenKey, expiresAt)
  }
}

describe('endSession', () => {
  it("ends the session's refresh tokens and access token, forgets it, and leaves the user's other sessions", async () => {
    const sessions = new Sessions({ store: new MemorySessionStore() })
    const backend = backendNamed('jwt')
    const user = userRecord()
    const ended = await loggedIn(backend, sessions, user)
    const kept = (await backend.login(user, { refreshRoute: '/refresh', sessions })).body as { access_token: string; refresh_token: string }
    expect(await sessions.list(user.id)).toHaveLength(2)
    expect(await endSession(sessions, [backend], user.id, ended.id)).toBe(true)
    expect(await sessions.get(user.id, ended.id)).toBeNull()
    expect(await sessions.list(user.id)).toHaveLength(1)
    expect(await backend.strategy.readToken(ended.access, lookupOf(user))).toBeNull()
    expect((await backend.refresh!.check(ended.refresh)).status).not.toBe('valid')
    expect(await backend.strategy.readToken(kept.access_token, lookupOf(user))).toBe(user)
    expect((await backend.refresh!.check(kept.refresh_token)).status).toBe('valid')
  })

  it('answers false for a session it does not know, or of another user', async () => {
    const sessions = new Sessions({ store: new MemorySessionStore() })
    const backend = backendNamed('jwt')
    const user = userRecord()
    const { id, access } = await loggedIn(backend, sessions, user)
    expect(await endSession(sessions, [backend], user.id, 'unknown')).toBe(false)
    expect(await endSession(sessions, [backend], randomUUID(), id)).toBe(false)
    expect(await sessions.get(user.id, id)).not.toBeNull()
    expect(await backend.strategy.readToken(access, lookupOf(user))).toBe(user)
  })

  it('ends it only with the backend that started it, when that backend is still there', async () => {
    const sessions = new Sessions({ store: new MemorySessionStore() })
    const started = backendNamed('jwt')
    const bystanderRevocation = new RecordingRevocationStore()
    const bystander = backendNamed('other', new JwtStrategy({ secret: SECRET, lifetimeSeconds: 60, revocation: bystanderRevocation }))
    const user = userRecord()
    const { id, access, refresh } = await loggedIn(started, sessions, user)
    const { access: bystanderAccess, refresh: bystanderRefresh } = await loggedIn(bystander, new Sessions({ store: new MemorySessionStore() }), user)
    expect(await endSession(sessions, [bystander, started], user.id, id)).toBe(true)
    expect(await started.strategy.readToken(access, lookupOf(user))).toBeNull()
    expect((await started.refresh!.check(refresh)).status).not.toBe('valid')
    expect(bystanderRevocation.denied).toEqual([])
    expect(await bystander.strategy.readToken(bystanderAccess, lookupOf(user))).toBe(user)
    expect((await bystander.refresh!.check(bystanderRefresh)).status).toBe('valid')
  })

  it('lets every backend try when the one that started it is gone', async () => {
    const sessions = new Sessions({ store: new MemorySessionStore() })
    const strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 60, revocation: new MemoryRevocationStore() })
    const renamed = backendNamed('before', strategy)
    const user = userRecord()
    const { id, access } = await loggedIn(renamed, sessions, user)
    const now = backendNamed('after', strategy)
    // Backends without refresh tokens, or whose strategy cannot end a token by its key, try too.
    const withoutRefresh = new AuthenticationBackend({ name: 'plain', transport: new BearerTransport({ tokenUrl: 'x' }), strategy })
    const keys = new AuthenticationBackend({ name: 'api_key', transport: new ApiKeyTransport(), strategy: new ApiKeyStrategy(new ApiKeys({ store: new MemoryApiKeyStore() })) })
    expect(await endSession(sessions, [withoutRefresh, keys, now], user.id, id)).toBe(true)
    expect(await strategy.readToken(access, lookupOf(user))).toBeNull()
    expect(await sessions.get(user.id, id)).toBeNull()
  })
})
