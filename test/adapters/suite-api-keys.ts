/**
 * The API key store contract (src/api-keys/store.ts), run on every adapter's store: records
 * round-trip exactly, listing is per user and oldest first, a delete needs the owner, a
 * user's deletion takes all its keys, and the last use is recorded only when stale, once.
 */
import { expect, it } from 'vitest'
import type { ApiKeyRecord, ApiKeyStore } from '../../src/api-keys/store.ts'

const USER_A = '0190a5f2-7d2e-7c4a-9b1e-1a2b3c4d5e6f'
const USER_B = '0190a5f2-7d2e-7c4a-9b1e-6f5e4d3c2b1a'

function key(id: string, userId: string, createdAt: number, extra: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id: id.padEnd(32, '0'),
    userId,
    name: `key ${id} — ünïcode`,
    secretHash: 'ab'.repeat(32),
    permissions: ['posts:read', 'posts:write'],
    createdAt: new Date(createdAt),
    expiresAt: new Date(createdAt + 86_400_000),
    lastUsedAt: null,
    ...extra,
  }
}

export function apiKeyStoreTests(store: () => ApiKeyStore): void {
  it('api keys: a record round-trips exactly, and an unknown id is null', async () => {
    const s = store()
    const record = key('a1', USER_A, 1_700_000_000_123, { lastUsedAt: new Date(1_700_000_000_999), permissions: [] })
    await s.create(record)
    expect(await s.get(record.id)).toEqual(record)
    expect(await s.get('f'.repeat(32))).toBeNull()
  })

  it("api keys: lists a user's keys only, oldest first", async () => {
    const s = store()
    await s.create(key('b2', USER_A, 2_000))
    await s.create(key('b1', USER_A, 1_000))
    await s.create(key('b3', USER_B, 1_500))
    expect((await s.list(USER_A)).map((record) => record.id)).toEqual([key('b1', USER_A, 0).id, key('b2', USER_A, 0).id])
    expect((await s.list(USER_B)).map((record) => record.id)).toEqual([key('b3', USER_B, 0).id])
    expect(await s.list('0190a5f2-0000-7000-8000-000000000000')).toEqual([])
  })

  it('api keys: deletes a key only for its owner, and all of a user\'s keys', async () => {
    const s = store()
    const mine = key('c1', USER_A, 1_000)
    await s.create(mine)
    await s.create(key('c2', USER_A, 2_000))
    await s.create(key('c3', USER_B, 3_000))
    expect(await s.delete(USER_B, mine.id)).toBe(false)
    expect(await s.get(mine.id)).not.toBeNull()
    expect(await s.delete(USER_A, mine.id)).toBe(true)
    expect(await s.delete(USER_A, mine.id)).toBe(false)
    expect(await s.get(mine.id)).toBeNull()
    await s.deleteAll(USER_A)
    expect(await s.list(USER_A)).toEqual([])
    expect(await s.list(USER_B)).toHaveLength(1)
  })

  it('api keys: records a use only when the last one is missing or stale', async () => {
    const s = store()
    const record = key('d1', USER_A, 1_000)
    await s.create(record)
    await s.touch(record.id, new Date(10_000), new Date(5_000))
    expect((await s.get(record.id))!.lastUsedAt).toEqual(new Date(10_000))
    // Recorded at 10,000: not stale before 9,000, so 12,000 is not written.
    await s.touch(record.id, new Date(12_000), new Date(9_000))
    expect((await s.get(record.id))!.lastUsedAt).toEqual(new Date(10_000))
    await s.touch(record.id, new Date(80_000), new Date(20_000))
    expect((await s.get(record.id))!.lastUsedAt).toEqual(new Date(80_000))
    await s.touch('e'.repeat(32), new Date(80_000), new Date(20_000))
    expect(await s.get('e'.repeat(32))).toBeNull()
  })
}
