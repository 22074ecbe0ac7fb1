/**
 * The denylist sweep: every so many denials, the memory and Kysely (SQLite) revocation stores
 * drop the entries whose token has expired, and only those, so the denylist tracks live tokens.
 * (Redis expires its keys itself: `deny` sets them with EXAT.)
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { MemoryRevocationStore } from '../../src/index.ts'
import { KyselyRevocationStore, sqliteUserDatabase } from '../../src/db/kysely/index.ts'
import { DENYLIST_TABLE } from '../../src/db/kysely/revocation-store.ts'

const now = () => Math.floor(Date.now() / 1000)

afterEach(() => {
  vi.restoreAllMocks()
})

describe('denylist sweep', () => {
  it('memory store: drops expired entries, and only those, at the 256th denial', async () => {
    const store = new MemoryRevocationStore()
    await store.deny('expired', now() - 10)
    await store.deny('forever', null)
    for (let i = 0; i < 252; i++) await store.deny(`live-${i}`, now() + 3600)
    // The private map is observed through Map.prototype.delete, the only way entries leave it.
    const spy = vi.spyOn(Map.prototype, 'delete')
    // Only this test's keys: anything else in the process may delete from a Map meanwhile.
    const ownDeletions = () =>
      spy.mock.calls.map(([key]) => key).filter((key) => typeof key === 'string' && /^(expired|forever|live-|more-|last)/.test(key))
    await store.deny('live-252', now() + 3600)
    expect(ownDeletions()).toEqual([])
    await store.deny('live-253', now() + 3600)
    expect(ownDeletions()).toEqual(['expired'])
    spy.mockClear()
    // The count starts again: the next sweep comes 256 denials later.
    await store.deny('expired-2', now() - 1)
    for (let i = 0; i < 254; i++) await store.deny(`more-${i}`, now() + 3600)
    expect(ownDeletions()).toEqual([])
    await store.deny('last', now() + 3600)
    expect(ownDeletions()).toEqual(['expired-2'])
    expect((await store.check('u', 'forever')).denied).toBe(true)
    expect((await store.check('u', 'live-0')).denied).toBe(true)
  })

  it('Kysely store: deletes expired rows, and only those, at the 100th denial', async () => {
    const users = await sqliteUserDatabase({ filename: join(mkdtempSync(join(tmpdir(), 'fastify-users-sweep-')), 'users.db') })
    try {
      const store = new KyselyRevocationStore({ db: users.db, dialect: users.dialect })
      const keys = async () =>
        (await sql<{ token_key: string }>`select token_key from ${sql.table(DENYLIST_TABLE)}`.execute(users.db)).rows.map((row) => row.token_key).sort()
      await store.deny('expired', now() - 10)
      await store.deny('forever', null)
      for (let i = 0; i < 97; i++) await store.deny(`live-${i}`, now() + 3600)
      expect(await keys()).toContain('expired')
      await store.deny('live-97', now() + 3600)
      const kept = await keys()
      expect(kept).not.toContain('expired')
      expect(kept).toHaveLength(99)
      expect(kept).toContain('forever')
      // The count starts again.
      await store.deny('expired-2', now() - 1)
      for (let i = 0; i < 98; i++) await store.deny(`more-${i}`, now() + 3600)
      expect(await keys()).toContain('expired-2')
      await store.deny('last', now() + 3600)
      expect(await keys()).not.toContain('expired-2')
      expect((await store.check('u', 'forever')).denied).toBe(true)
    } finally {
      await users.destroy()
    }
  })
})
