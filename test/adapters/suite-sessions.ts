/**
 * The session store contract (src/sessions/store.ts), run on every adapter's store (and the
 * memory and Redis stores): records kept whole, every operation scoped by its user, rotation,
 * touches, the deletions of a logout, a reuse and "log out everywhere", and the expiry sweep.
 */
import { expect, it } from 'vitest'
import type { SessionRecord, SessionStore } from '../../src/sessions/store.ts'

const USER = '0190a0f0-0000-7000-8000-000000000011'
const OTHER = '0190a0f0-0000-7000-8000-000000000012'
const hash = (n: number) => `${'h'.repeat(40)}${String(n).padStart(3, '0')}`

function session(id: string, extra: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id,
    userId: USER,
    backend: 'jwt',
    accessTokenHash: hash(Number(id.replace(/\D/g, '')) || 0),
    accessTokenKey: `jti:${id}`,
    familyId: null,
    createdAt: 1_700_000_000,
    lastUsedAt: 1_700_000_000,
    expiresAt: 1_900_000_000,
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0 – “ünïcødé”',
    clientAddress: '203.0.113.7',
    ...extra,
  }
}

const byId = (sessions: SessionRecord[]) => [...sessions].sort((a, b) => (a.id < b.id ? -1 : 1))

export function sessionStoreTests(store: () => SessionStore): void {
  it('sessions: a record comes back whole, and only to its user', async () => {
    const s = store()
    const one = session('s1')
    const two = session('s2', { familyId: 'f'.repeat(43), accessTokenKey: null, expiresAt: null, userAgent: null, clientAddress: null })
    await s.create(one)
    await s.create(two)
    await s.create(session('s3', { userId: OTHER }))
    expect(byId(await s.list(USER))).toEqual([one, two])
    expect(await s.get(USER, 's1')).toEqual(one)
    expect(await s.get(OTHER, 's1')).toBeNull()
    expect(await s.get(USER, 's3')).toBeNull()
    expect(await s.get(USER, 'nope')).toBeNull()
    expect((await s.list(OTHER)).map((x) => x.id)).toEqual(['s3'])
  })

  it('sessions: a refresh rotates its family\'s session; a touch sets its last use', async () => {
    const s = store()
    await s.create(session('s1', { familyId: 'family-1' }))
    await s.create(session('s2', { familyId: 'family-2' }))
    await s.rotate(OTHER, 'family-1', { accessTokenHash: hash(90), accessTokenKey: 'jti:x', lastUsedAt: 1_700_000_100, expiresAt: 1_900_000_100 })
    expect((await s.get(USER, 's1'))!.accessTokenHash).toBe(hash(1))
    await s.rotate(USER, 'family-1', { accessTokenHash: hash(91), accessTokenKey: 'jti:y', lastUsedAt: 1_700_000_100, expiresAt: 1_900_000_100 })
    expect(await s.get(USER, 's1')).toMatchObject({ accessTokenHash: hash(91), accessTokenKey: 'jti:y', lastUsedAt: 1_700_000_100, expiresAt: 1_900_000_100 })
    expect((await s.get(USER, 's2'))!.accessTokenHash).toBe(hash(2))
    await s.touch(USER, hash(91), 1_700_000_200)
    await s.touch(OTHER, hash(2), 1_700_000_300)
    expect((await s.get(USER, 's1'))!.lastUsedAt).toBe(1_700_000_200)
    expect((await s.get(USER, 's2'))!.lastUsedAt).toBe(1_700_000_000)
    await s.touch(USER, hash(99), 1_700_000_400)
    expect((await s.list(USER)).map((x) => x.lastUsedAt).sort()).toEqual([1_700_000_000, 1_700_000_200])
  })

  it('sessions: delete, by access token and by family, each only the user\'s', async () => {
    const s = store()
    await s.create(session('s1'))
    await s.create(session('s2', { familyId: 'family-2' }))
    await s.create(session('s3'))
    expect(await s.delete(OTHER, 's1')).toBe(false)
    expect(await s.delete(USER, 's1')).toBe(true)
    expect(await s.delete(USER, 's1')).toBe(false)
    await s.deleteFamily(OTHER, 'family-2')
    expect(await s.get(USER, 's2')).not.toBeNull()
    await s.deleteFamily(USER, 'family-2')
    expect(await s.get(USER, 's2')).toBeNull()
    await s.deleteByAccessToken(OTHER, hash(3))
    expect(await s.get(USER, 's3')).not.toBeNull()
    await s.deleteByAccessToken(USER, hash(3))
    expect(await s.list(USER)).toEqual([])
  })

  it('sessions: log out everywhere keeps only the named session, and only touches its user', async () => {
    const s = store()
    await s.create(session('s1'))
    await s.create(session('s2'))
    await s.create(session('s3', { userId: OTHER }))
    await s.deleteAllForUser(USER, hash(2))
    expect((await s.list(USER)).map((x) => x.id)).toEqual(['s2'])
    await s.deleteAllForUser(USER)
    expect(await s.list(USER)).toEqual([])
    expect((await s.list(OTHER)).map((x) => x.id)).toEqual(['s3'])
  })

  it('sessions: the sweep deletes expired sessions only', async () => {
    const s = store()
    await s.create(session('s1', { expiresAt: 1_700_000_500 }))
    await s.create(session('s2', { expiresAt: null }))
    await s.create(session('s3', { expiresAt: 1_900_000_000 }))
    await s.deleteExpired(1_800_000_000)
    const left = (await s.list(USER)).map((x) => x.id).sort()
    // A store that expires sessions itself (Redis) may keep an expired one until then: callers filter.
    expect(left.filter((id) => id !== 's1')).toEqual(['s2', 's3'])
  })
}
