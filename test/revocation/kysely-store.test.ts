/**
 * The Kysely revocation store at the second a denial expires (SQLite; the clock is a fake
 * `Date`, so the boundary is exact): a token whose `exp` is the current second is dead already,
 * so its denial no longer counts and the sweep may delete it; one whose `exp` is the next
 * second is still denied and kept. The contract on every backend is stores.test.ts.
 */
import { sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { sqliteUserDatabase } from '../../src/db/kysely/open.ts'
import { DENYLIST_TABLE, KyselyRevocationStore } from '../../src/db/kysely/revocation-store.ts'

const T = 1_900_000_000

describe('Kysely revocation store at the expiry second', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(T * 1000 + 500)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('no longer denies a token whose expiry is the current second, and sweeps it', async () => {
    const users = await sqliteUserDatabase({ filename: ':memory:' })
    try {
      const store = new KyselyRevocationStore({ db: users.db, dialect: users.dialect })
      const keys = async () =>
        (await sql<{ token_key: string }>`select token_key from ${sql.table(DENYLIST_TABLE)}`.execute(users.db)).rows.map((row) => row.token_key)
      await store.deny('jti:now', T)
      await store.deny('jti:next', T + 1)
      expect((await store.check('u', 'jti:now')).denied).toBe(false)
      expect((await store.check('u', 'jti:next')).denied).toBe(true)
      for (let i = 0; i < 97; i++) await store.deny(`jti:live-${i}`, T + 3600)
      expect(await keys()).toContain('jti:now')
      await store.deny('jti:last', T + 3600)
      const kept = await keys()
      expect(kept).not.toContain('jti:now')
      expect(kept).toContain('jti:next')
      expect(kept).toHaveLength(99)
    } finally {
      await users.destroy()
    }
  })
})
