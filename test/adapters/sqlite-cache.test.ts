/**
 * The SQLite connection's page cache and memory map (src/db/sql/sqlite-cache.ts): the defaults
 * on a file, the options that change them (through `sqliteUserDatabase`, `openUserDatabase`,
 * and `setSqliteCache` for a connection the application opens, as with Drizzle), `:memory:`
 * databases left unmapped, and sizes refused before anything is opened. Read back with
 * `PRAGMA cache_size` / `PRAGMA mmap_size`.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { sql, type Kysely } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { setSqliteCache } from '../../src/db/drizzle/index.ts'
import { openUserDatabase, sqliteUserDatabase, type UserTables } from '../../src/db/kysely/index.ts'

const MiB = 1024 * 1024

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fastify-users-sqlite-cache-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function pragmas(db: Kysely<UserTables>): Promise<{ cacheSize: number; mmapSize: number | null }> {
  const { rows: cache } = await sql<{ cache_size: number }>`PRAGMA cache_size`.execute(db)
  const { rows: mmap } = await sql<{ mmap_size: number }>`PRAGMA mmap_size`.execute(db)
  // A database without a file answers no row for mmap_size.
  return { cacheSize: cache[0]!.cache_size, mmapSize: mmap[0]?.mmap_size ?? null }
}

describe('sqliteUserDatabase: page cache and memory map', () => {
  it('maps 1 GiB of a file database by default, where better-sqlite3 maps none, and leaves the page cache at its 16,000 KiB', async () => {
    const bare = new Database(join(dir, 'bare.db'))
    expect(bare.pragma('cache_size', { simple: true })).toBe(-16000)
    expect(bare.pragma('mmap_size', { simple: true })).toBe(0)
    bare.close()

    const store = await sqliteUserDatabase({ filename: join(dir, 'users.db') })
    try {
      // A negative cache_size counts KiB.
      expect(await pragmas(store.db)).toEqual({ cacheSize: -16000, mmapSize: 1024 * MiB })
    } finally {
      await store.destroy()
    }
  })

  it('takes other sizes, 0 turning the map off', async () => {
    const store = await sqliteUserDatabase({ filename: join(dir, 'users.db'), cacheSizeKiB: 8 * 1024, mmapSizeBytes: 0 })
    try {
      expect(await pragmas(store.db)).toEqual({ cacheSize: -8 * 1024, mmapSize: 0 })
    } finally {
      await store.destroy()
    }
  })

  it('passes the sizes on from a sqlite:// URL', async () => {
    const store = await openUserDatabase(`sqlite://${join(dir, 'users.db')}`, { cacheSizeKiB: 16 * 1024, mmapSizeBytes: 32 * MiB })
    try {
      expect(await pragmas(store.db)).toEqual({ cacheSize: -16 * 1024, mmapSize: 32 * MiB })
    } finally {
      await store.destroy()
    }
  })

  it('sizes the cache of a :memory: database, which has no file to map', async () => {
    const store = await sqliteUserDatabase({ filename: ':memory:', cacheSizeKiB: 4 * 1024, mmapSizeBytes: 64 * MiB })
    try {
      expect(await pragmas(store.db)).toEqual({ cacheSize: -4 * 1024, mmapSize: null })
    } finally {
      await store.destroy()
    }
  })

  it.each([
    ['cacheSizeKiB', { cacheSizeKiB: -1 }],
    ['cacheSizeKiB', { cacheSizeKiB: 1.5 }],
    ['mmapSizeBytes', { mmapSizeBytes: Number.NaN }],
    ['mmapSizeBytes', { mmapSizeBytes: -4096 }],
  ])('refuses %s %j before opening the file', async (name, sizes) => {
    const filename = join(dir, 'never.db')
    await expect(sqliteUserDatabase({ filename, ...sizes })).rejects.toThrow(new TypeError(`${name} must be a whole number ≥ 0`))
    expect(existsSync(filename)).toBe(false)
  })
})

describe('setSqliteCache: a connection the application opens (Drizzle)', () => {
  it('sets the same defaults, and the sizes given', () => {
    const client = new Database(join(dir, 'drizzle.db'))
    try {
      setSqliteCache(client)
      expect(client.pragma('cache_size', { simple: true })).toBe(-16000)
      expect(client.pragma('mmap_size', { simple: true })).toBe(1024 * MiB)
      setSqliteCache(client, { cacheSizeKiB: 64 * 1024, mmapSizeBytes: 0 })
      expect(client.pragma('cache_size', { simple: true })).toBe(-64 * 1024)
      expect(client.pragma('mmap_size', { simple: true })).toBe(0)
    } finally {
      client.close()
    }
  })

  it('sizes the cache of a :memory: connection, which has no file to map', () => {
    const client = new Database(':memory:')
    try {
      setSqliteCache(client, { cacheSizeKiB: 4 * 1024, mmapSizeBytes: 64 * MiB })
      expect(client.pragma('cache_size', { simple: true })).toBe(-4 * 1024)
      expect(client.pragma('mmap_size')).toEqual([])
    } finally {
      client.close()
    }
  })
})
