/**
 * Which reads the Kysely adapter sends to its read replica. A stand-in replica holding other
 * rows than the primary (another SQLite file, PostgreSQL schema or MariaDB database) shows where
 * each read went: `getForDisplay` and `listUsers` read the replica, every other read the
 * primary, through the auth cache too. Lag itself is shown on a real streaming replica in
 * test/faults/postgres-replica.test.ts.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cachedUserDatabase, openAuthCache, UserManager, type UserDatabase, type UserRecord } from '../../src/index.ts'
import { isUserListing } from '../../src/db/user-listing.ts'
import { kyselyUserDatabase, openUserDatabase, ReadReplicaUnsupportedError, type KyselyUserStore } from '../../src/db/kysely/index.ts'
import { DatabaseStartupError } from '../../src/db/startup-error.ts'
import { freePort } from '../support/free-port.ts'
import { requireMysql, requirePostgres, scratchMysqlDatabase, scratchPostgresSchema } from '../support/services.ts'
import { newUser } from './suite.ts'

const postgres = await requirePostgres()
const mysql = await requireMysql()

interface Databases {
  primaryUrl: string
  replicaUrl: string
  drop(): Promise<void>
}

/** Opens the pair, writes one user on each side, and checks where every read goes. */
async function expectReadsSplit(databases: Databases): Promise<void> {
  const replicaOnly = await openUserDatabase(databases.replicaUrl)
  let store: KyselyUserStore | undefined
  try {
    const onReplica = await replicaOnly.users.create(newUser('shown@example.com'))
    store = await openUserDatabase(databases.primaryUrl, { readUrl: databases.replicaUrl })
    expect(store.replica).not.toBeNull()
    const onPrimary = await store.users.create(newUser('decides@example.com'))
    const cache = await openAuthCache({ channel: null })
    try {
      for (const users of [store.users, cachedUserDatabase(store.users, cache)] as Array<UserDatabase<UserRecord>>) {
        expect(await users.get(onPrimary.id)).toMatchObject({ email: 'decides@example.com' })
        expect(await users.get(onReplica.id)).toBeNull()
        expect(await users.getByEmail('shown@example.com')).toBeNull()
        expect(await users.getForDisplay!(onReplica.id)).toMatchObject({ email: 'shown@example.com' })
        expect(await users.getForDisplay!(onPrimary.id)).toBeNull()
        expect(isUserListing<UserRecord>(users)).toBe(true)
        if (!isUserListing<UserRecord>(users)) continue
        const page = await users.listUsers({ sort: 'email', order: 'asc', limit: 10 })
        expect(page.entries.map((entry) => entry.user.email)).toEqual(['shown@example.com'])
        // After a write, the written user comes back from the primary.
        expect(await users.update(onPrimary, { is_verified: true })).toMatchObject({ id: onPrimary.id, is_verified: true })
      }
    } finally {
      await cache.close()
    }
  } finally {
    await store?.destroy()
    await replicaOnly.destroy()
    await databases.drop()
  }
}

describe('a Kysely store with a read replica', () => {
  it.skipIf(postgres === null)('PostgreSQL: lists and display lookups read the replica, everything else the primary', async () => {
    const [primary, replica] = [await scratchPostgresSchema(postgres!), await scratchPostgresSchema(postgres!)]
    await expectReadsSplit({
      primaryUrl: primary.url,
      replicaUrl: replica.url,
      drop: async () => void (await Promise.all([primary.drop(), replica.drop()])),
    })
  })

  it.skipIf(mysql === null)('MariaDB: the same, with readUri', async () => {
    const [primary, replica] = [await scratchMysqlDatabase(mysql!), await scratchMysqlDatabase(mysql!)]
    await expectReadsSplit({
      primaryUrl: primary.url,
      replicaUrl: replica.url,
      drop: async () => void (await Promise.all([primary.drop(), replica.drop()])),
    })
  })

  it('kyselyUserDatabase: the application\'s own Kysely instances, the replica\'s included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fastify-users-replica-'))
    const [primary, replica] = [await openUserDatabase(`sqlite://${join(dir, 'a.db')}`), await openUserDatabase(`sqlite://${join(dir, 'b.db')}`)]
    try {
      const shown = await replica.users.create(newUser('shown@example.com'))
      const decides = await primary.users.create(newUser('decides@example.com'))
      const store = await kyselyUserDatabase({ db: primary.db, dialect: 'sqlite', replica: replica.db })
      expect(await store.users.get(decides.id)).toMatchObject({ email: 'decides@example.com' })
      expect(await store.users.get(shown.id)).toBeNull()
      expect(await store.users.getForDisplay(shown.id)).toMatchObject({ email: 'shown@example.com' })
      const page = await store.users.listUsers({ sort: 'email', order: 'asc', limit: 10 })
      expect(page.entries.map((entry) => entry.user.email)).toEqual(['shown@example.com'])
      await store.destroy()
      // Both instances stay the application's: still open.
      expect(await replica.users.get(shown.id)).not.toBeNull()
    } finally {
      await primary.destroy()
      await replica.destroy()
    }
  })

  it('is refused for SQLite and for a replica of another kind of database, before connecting', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fastify-users-replica-')), 'users.db')
    const sqlite = openUserDatabase(`sqlite://${file}`, { readUrl: `sqlite://${file}` })
    await expect(sqlite).rejects.toBeInstanceOf(ReadReplicaUnsupportedError)
    await expect(sqlite).rejects.toThrow('SQLite has no read replicas')
    const mixed = openUserDatabase('postgres://app:s3cret@127.0.0.1:1/users', { readUrl: 'mysql://app:s3cret@127.0.0.1:1/users' })
    await expect(mixed).rejects.toThrow(expect.objectContaining({ code: 'READ_REPLICA_UNSUPPORTED' }))
    await expect(mixed).rejects.not.toThrow(/s3cret/)
  })

  it.skipIf(postgres === null)('stops the start-up in one line when the replica cannot be reached, without its password', async () => {
    const primary = await scratchPostgresSchema(postgres!)
    try {
      const port = await freePort()
      const opening = openUserDatabase(primary.url, { readUrl: `postgres://app:s3cret@127.0.0.1:${port}/users` })
      await expect(opening).rejects.toBeInstanceOf(DatabaseStartupError)
      await expect(opening).rejects.toThrow(`read replica: cannot connect to PostgreSQL at 127.0.0.1:${port}`)
      await expect(opening).rejects.not.toThrow(/s3cret/)
    } finally {
      await primary.drop()
    }
  })

  it('UserManager.getForDisplay falls back to get on a database without a display read', async () => {
    const store = await openUserDatabase(`sqlite://${join(mkdtempSync(join(tmpdir(), 'fastify-users-replica-')), 'users.db')}`)
    try {
      const user = await store.users.create(newUser('plain@example.com'))
      const manager = new UserManager({ db: withoutDisplayRead(store.users), resetPasswordTokenSecret: 'x'.repeat(32), verificationTokenSecret: 'x'.repeat(32) })
      expect(await manager.getForDisplay(user.id.toUpperCase())).toMatchObject({ email: 'plain@example.com' })
      expect(await manager.getForDisplay('not-a-uuid')).toBeNull()
    } finally {
      await store.destroy()
    }
  })
})

/** The database as an adapter without `getForDisplay` sees it (MongoDB, Drizzle). */
function withoutDisplayRead(users: UserDatabase<UserRecord>): UserDatabase<UserRecord> {
  return {
    get: (id) => users.get(id),
    getByEmail: (email) => users.getByEmail(email),
    getByOAuthAccount: (name, id) => users.getByOAuthAccount(name, id),
    create: (data) => users.create(data),
    update: (user, data) => users.update(user, data),
    updatePassword: (user, expected, hashed) => users.updatePassword(user, expected, hashed),
    delete: (user) => users.delete(user),
    listOAuthAccounts: (user) => users.listOAuthAccounts(user),
    addOAuthAccount: (user, account) => users.addOAuthAccount(user, account),
    updateOAuthAccount: (account, data) => users.updateOAuthAccount(account, data),
    removeOAuthAccount: (user, account) => users.removeOAuthAccount(user, account),
  }
}
