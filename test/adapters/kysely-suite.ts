/**
 * What the Kysely adapter adds to the shared suite, run on each SQL database: migrations that
 * open FastAPI Users' databases as they are, refuse emails colliding in case, add custom
 * columns, run concurrently, and the adoption of an application's own Kysely instance.
 */
import { randomUUID } from 'node:crypto'
import { CamelCasePlugin, sql } from 'kysely'
import type { UserListPosition } from '../../src/db/user-listing.ts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  EmailCaseCollisionError,
  FieldDefinitionError,
  KyselyRefreshTokenStore,
  kyselyUserDatabase,
  migrate,
  type FieldDefinitions,
} from '../../src/db/kysely/index.ts'
import { MIGRATIONS } from '../../src/db/kysely/migrate.ts'
import { UserManager } from '../../src/manager.ts'
import { fastapiUsersHash } from '../support/fastapi-users-db.ts'
import type { TestDatabase, TestDatabaseFactory } from './databases.ts'
import { createLegacyUserTable, describeColumns, indexNames, insertLegacyUsers, tableNames } from './legacy-tables.ts'
import { newUser } from './suite.ts'

const ADMIN = { id: '2efef7d5-f3ac-4129-9fc2-49b83d1a2e29', email: 'admin@example.com', hashed_password: '$2b$12$x', is_active: true, is_superuser: true, is_verified: true, first_name: 'Ada' }
const MIXED = { id: '42fd20ad-199c-40a9-947e-eb3ce978a786', email: 'Mixed.Case@example.com', hashed_password: '$argon2id$x', is_active: true, is_superuser: false, is_verified: false, first_name: null }
/** Migration 15's indexes on `user`, a flag's in each sort. */
const FLAG_INDEXES = ['is_active', 'is_verified', 'is_superuser'].flatMap((flag) => [`ix_user_${flag}_email`, `ix_user_${flag}_created_at`])
const INACTIVE = { id: 'ab152f20-e900-4ab1-8d77-023de6545e86', email: 'inactive-user@example.com', hashed_password: '$2b$12$y', is_active: false, is_superuser: false, is_verified: false }

export function kyselyMigrationSuite(name: string, factory: TestDatabaseFactory): void {
  describe(`${name}: migrations`, () => {
    let database: TestDatabase
    beforeEach(async () => {
      database = await factory()
    })
    afterEach(async () => {
      await database.drop()
    })

    it('creates the tables once, records the migrations, and reopens with the data intact', async () => {
      const versions = async (): Promise<number[]> => {
        const rows = await database.raw.selectFrom('fastify_users_migrations').selectAll().orderBy('version').execute()
        return rows.map((row) => Number(row.version))
      }
      const first = await database.open()
      const user = await first.users.create(newUser('keep@example.com'))
      await first.destroy()
      const applied = await versions()
      expect(applied.slice(0, 2)).toEqual([1, 2])
      expect(applied).toEqual(MIGRATIONS.map((migration) => migration.version))
      const second = await database.open()
      expect(await second.users.get(user.id)).toEqual(user)
      await second.destroy()
      expect(await versions()).toEqual(applied)
      expect(await tableNames(database.raw, database.dialect)).toEqual(
        expect.arrayContaining(['accesstoken', 'fastify_users_migrations', 'oauth_account', 'user']),
      )
    })

    it('upgrades refresh tokens written before migration 5, which then name no access token', async () => {
      const { raw } = database
      await (await database.open()).destroy()
      await sql.raw('ALTER TABLE fastify_users_refresh_token DROP COLUMN access_token_key').execute(raw)
      await raw.deleteFrom('fastify_users_migrations').where('version', '>=', 5).execute()
      const now = Math.floor(Date.now() / 1000)
      await raw.insertInto('fastify_users_refresh_token').values({
        token_hash: 'h'.repeat(43), family_id: 'f'.repeat(43), user_id: ADMIN.id, access_token_hash: 'a'.repeat(43),
        created_at: now, expires_at: now + 60, used_at: null,
      }).execute()
      const store = await database.open()
      const refresh = new KyselyRefreshTokenStore({ db: store.db })
      expect(await refresh.find('h'.repeat(43))).toMatchObject({ userId: ADMIN.id, accessTokenKey: null })
      expect(await refresh.deleteFamily('f'.repeat(43))).toEqual([{ userId: ADMIN.id, accessTokenKey: null }])
      await store.destroy()
    })

    it('adds the flag indexes that a migration 15 stopped half-way left missing, keeping the others', async () => {
      const { raw, dialect } = database
      await (await database.open()).destroy()
      const table = dialect === 'mysql' ? '`user`' : '"user"'
      for (const index of ['ix_user_is_verified_email', 'ix_user_is_superuser_created_at']) {
        await sql.raw(dialect === 'mysql' ? `DROP INDEX ${index} ON ${table}` : `DROP INDEX ${index}`).execute(raw)
      }
      await raw.deleteFrom('fastify_users_migrations').where('version', '=', 15).execute()
      expect(await indexNames(raw, dialect, 'user')).not.toContain('ix_user_is_verified_email')
      await (await database.open()).destroy()
      expect(await indexNames(raw, dialect, 'user')).toEqual(expect.arrayContaining(FLAG_INDEXES))
    })

    it('fills the role table from the roles stored before migration 14, in batches, as getRoles reads them', async () => {
      const { raw, dialect } = database
      await (await database.open()).destroy()
      await sql.raw('DROP TABLE fastify_users_user_role').execute(raw)
      await raw.deleteFrom('fastify_users_migrations').where('version', '>=', 14).execute()
      // Roles as the versions before wrote them, and texts getRoles reads as none or fewer.
      const stored: Array<[string, string | null]> = [
        ['a@x.io', '["admin","editor"]'],
        ['B@x.io', '["admin"]'],
        ['c@x.io', 'not json'],
        ['d@x.io', '{"admin":true}'],
        ['e@x.io', '["editor",3,"admin","admin"]'],
        ['f@x.io', null],
      ]
      // More users than one batch reads, a reader in every seven.
      const many = Array.from({ length: 1100 }, (_, i) => [`u${String(i).padStart(4, '0')}@y.io`, i % 7 === 0 ? '["reader"]' : null] as [string, string | null])
      const flag = (value: boolean) => (dialect === 'postgres' ? value : Number(value))
      const rows = [...stored, ...many].map(([email, roles]) => ({
        id: randomUUID(), email, hashed_password: 'x', is_active: flag(true), is_superuser: flag(false), is_verified: flag(false), roles,
      }))
      await raw.insertInto('user').values(rows).execute()
      const store = await database.open()
      const emails = async (role: string) => (await store.users.listUsers({ sort: 'email', order: 'asc', limit: 10, role })).entries.map((entry) => entry.user.email)
      expect(await emails('admin')).toEqual(['a@x.io', 'B@x.io', 'e@x.io'])
      expect(await emails('editor')).toEqual(['a@x.io', 'e@x.io'])
      const readers = await store.users.listUsers({ sort: 'created_at', order: 'desc', limit: 2, role: 'reader', total: true })
      expect(readers.total).toBe(many.filter(([, roles]) => roles !== null).length)
      const emailOf = new Map(rows.map((row) => [row.id, row.email]))
      const idsDescending = [...rows.filter((row) => row.roles === '["reader"]').map((row) => row.id)].sort().reverse()
      expect(readers.entries.map((entry) => entry.user.email)).toEqual(idsDescending.slice(0, 2).map((id) => emailOf.get(id)))
      const { rows: counted } = await sql<{ n: unknown }>`SELECT COUNT(*) AS n FROM fastify_users_user_role`.execute(raw)
      expect(Number(counted[0]?.n)).toBe(2 + 1 + 2 + 158)
      await store.destroy()
    })

    it('migrates safely when several processes open the database at once', async () => {
      const stores = await Promise.all([database.open(), database.open(), database.open(), database.open()])
      const user = await stores[0]!.users.create(newUser('once@example.com'))
      expect(await stores[3]!.users.getByEmail('ONCE@example.com')).toEqual(user)
      await Promise.all(stores.map((store) => store.destroy()))
    })

    it("opens a FastAPI Users database as is, adding only what it lacks", async () => {
      const { raw, dialect } = database
      await createLegacyUserTable(raw, dialect)
      await insertLegacyUsers(raw, dialect, [ADMIN, MIXED, INACTIVE])
      const columnsBefore = await describeColumns(raw, dialect, 'user')

      const store = await database.open({ first_name: { type: 'text' } })
      const columnsAfter = await describeColumns(raw, dialect, 'user')
      delete columnsAfter['email_ci'] // MySQL's folded-email column
      delete columnsAfter['username_ci'] // MySQL's folded-username column
      // The creation time, the roles and the ban (migration 6), the username (migration 12): unknown or none for the users already there.
      for (const added of ['created_at', 'roles', 'ban', 'username']) {
        expect(columnsAfter[added]).toMatch(/notnull=0|nullable=YES/)
        delete columnsAfter[added]
      }
      expect(columnsAfter).toEqual(columnsBefore)
      expect(await indexNames(raw, dialect, 'user')).toEqual(
        expect.arrayContaining(['ix_user_email', 'ux_user_email_ci', 'ix_user_created_at', 'ux_user_username_ci', ...FLAG_INDEXES]),
      )
      const listed = await store.users.listUsers({ sort: 'created_at', order: 'asc', limit: 10 })
      expect(listed.entries.map((entry) => entry.created_at)).toEqual([null, null, null])
      // Pages cross from the unknown times to the known ones and back, a user at a time.
      const newer = [await store.users.create(newUser('new1@example.com')), await store.users.create(newUser('new2@example.com'))]
      const walk = async (order: 'asc' | 'desc') => {
        const ids: string[] = []
        let after: UserListPosition | null = null
        do {
          const page = await store.users.listUsers({ sort: 'created_at', order, limit: 1, after })
          ids.push(...page.entries.map((entry) => entry.user.id))
          after = page.next
        } while (after !== null && ids.length < 10)
        return ids
      }
      const legacyIds = [ADMIN.id, MIXED.id, INACTIVE.id].sort()
      const ascending = await walk('asc')
      expect(ascending.slice(0, 3)).toEqual(legacyIds)
      // Two users created in one millisecond are in id order.
      expect([...ascending.slice(3)].sort()).toEqual(newer.map((user) => user.id).sort())
      expect(await walk('desc')).toEqual([...ascending].reverse())

      expect(await store.users.get(ADMIN.id)).toEqual({ ...ADMIN })
      expect(await store.users.get(INACTIVE.id)).toEqual({ ...INACTIVE, first_name: null })
      expect((await store.users.getByEmail('mixed.case@EXAMPLE.com'))?.id).toBe(MIXED.id)
      await expect(store.users.create(newUser('mixed.case@example.com'))).rejects.toThrow('already exists')

      // The added tables work with the existing users, cascade included.
      const token = { token: 'a'.repeat(43), user_id: ADMIN.id, created_at: new Date() }
      await store.accessTokens.create(token)
      await store.users.addOAuthAccount(await store.users.get(ADMIN.id) as never, {
        oauth_name: 'google', access_token: 't', expires_at: null, refresh_token: null, account_id: '1', account_email: 'a@b.c',
      })
      await store.users.setRoles({ ...ADMIN }, ['admin'])
      expect((await store.users.listUsers({ sort: 'email', order: 'asc', limit: 10, role: 'admin' })).entries.map((entry) => entry.user.id)).toEqual([ADMIN.id])
      await store.users.delete({ ...ADMIN })
      expect((await store.users.listUsers({ sort: 'email', order: 'asc', limit: 10, role: 'admin' })).entries).toEqual([])
      expect(await store.accessTokens.getByToken(token.token)).toBeNull()
      expect(await store.users.getByOAuthAccount('google', '1')).toBeNull()
      await store.destroy()
    })

    it('logs in the users of a FastAPI Users database with their old passwords, rehashing them', async () => {
      const { raw, dialect } = database
      await createLegacyUserTable(raw, dialect)
      const people = [
        { id: '42fd20ad-199c-40a9-947e-eb3ce978a786', email: 'bcrypt-user@example.com', password: 'bcrypt-password-1', scheme: 'bcrypt' as const },
        { id: 'd349e398-2c43-4c48-95c4-79ede72114e9', email: 'Argon2.User@example.com', password: 'argon2-password-1', scheme: 'argon2id' as const },
      ]
      const flags = { is_active: true, is_superuser: false, is_verified: false }
      await insertLegacyUsers(raw, dialect, await Promise.all(people.map(async ({ id, email, password, scheme }) => ({
        id, email, hashed_password: await fastapiUsersHash(password, scheme), ...flags,
      }))))
      const store = await database.open()
      const manager = new UserManager({ db: store.users, resetPasswordTokenSecret: 'r'.repeat(32), verificationTokenSecret: 'v'.repeat(32) })
      for (const person of people) {
        expect(await manager.authenticate({ username: person.email, password: `${person.password}x` })).toBeNull()
        const user = await manager.authenticate({ username: person.email.toLowerCase(), password: person.password })
        expect(user?.id).toBe(person.id)
        expect(user?.hashed_password).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
        expect((await store.users.get(person.id))?.hashed_password).toBe(user?.hashed_password)
        expect((await manager.authenticate({ username: person.email, password: person.password }))?.id).toBe(person.id)
      }
      await store.destroy()
    })

    it('refuses a database whose emails collide in letter case, naming them', async () => {
      const { raw, dialect } = database
      // A case-sensitive unique index, as SQLite and PostgreSQL have, lets such rows exist.
      await createLegacyUserTable(raw, dialect, 'utf8mb4_bin')
      await insertLegacyUsers(raw, dialect, [
        ADMIN,
        MIXED,
        { ...MIXED, id: '8252bba2-59e3-4310-b964-47697ab06227', email: 'mixed.case@example.com' },
        { ...MIXED, id: 'c8fd4a2e-7d55-4b5e-9a0e-0a3f1d2b9c11', email: 'MIXED.CASE@EXAMPLE.COM' },
        { ...INACTIVE, email: 'Other@example.com' },
        { ...INACTIVE, id: 'd2b7c0c4-1f3a-4c5d-8e6f-7a8b9c0d1e2f', email: 'other@example.com' },
      ])
      const refusal = database.open()
      await expect(refusal).rejects.toBeInstanceOf(EmailCaseCollisionError)
      const error = (await refusal.catch((e: unknown) => e)) as EmailCaseCollisionError
      expect(error.collisions).toEqual([
        ['MIXED.CASE@EXAMPLE.COM', 'Mixed.Case@example.com', 'mixed.case@example.com'],
        ['Other@example.com', 'other@example.com'],
      ])
      for (const email of error.collisions.flat()) expect(error.message).toContain(email)
      expect(error.message).not.toContain('admin@example.com')
      if (dialect !== 'mysql') {
        // Transactional DDL: the refused migration left the database as it was.
        expect(await tableNames(raw, dialect)).toEqual(['user'])
      }
      await raw.deleteFrom('user').where('email', 'in', ['mixed.case@example.com', 'MIXED.CASE@EXAMPLE.COM', 'other@example.com']).execute()
      const store = await database.open()
      expect((await store.users.getByEmail('MIXED.case@example.com'))?.id).toBe(MIXED.id)
      await store.destroy()
    })

    it('adds declared columns to a table that holds users', async () => {
      const first = await database.open()
      const user = await first.users.create(newUser('squire@example.com'))
      await first.destroy()
      await expect(database.open({ level: { type: 'integer', nullable: false } })).rejects.toBeInstanceOf(FieldDefinitionError)
      const fields = {
        nickname: { type: 'text' },
        vip: { type: 'boolean', nullable: false, default: true },
        motto: { type: 'text', nullable: false, default: "it's \\ fine" },
      } as const satisfies FieldDefinitions
      const store = await database.open(fields)
      const stored = await store.users.get(user.id)
      expect(stored).toMatchObject({ nickname: null, vip: true, motto: "it's \\ fine" })
      // The declared types reach the record type.
      const vip: boolean | undefined = stored?.vip
      expect(vip).toBe(true)
      await store.destroy()
    })

    it('refuses field declarations it cannot honour', async () => {
      const invalid: FieldDefinitions[] = [
        { email: { type: 'text' } },
        { email_ci: { type: 'text' } },
        { 'Bad-Name': { type: 'text' } },
        { blob: { type: 'blob' as never } },
        { flag: { type: 'boolean', default: 'yes' } },
        { count: { type: 'integer', default: 1.5 } },
      ]
      for (const fields of invalid) await expect(database.open(fields)).rejects.toBeInstanceOf(FieldDefinitionError)
    })

    it("adopts the application's Kysely instance, ignoring its plugins, and leaves it open", async () => {
      const appDb = database.raw.withPlugin(new CamelCasePlugin())
      await migrate(appDb, database.dialect)
      await migrate(appDb, database.dialect)
      const store = await kyselyUserDatabase({ db: appDb, dialect: database.dialect, migrate: false })
      const user = await store.users.create(newUser('Camel@example.com', { is_verified: true }))
      expect(await store.users.getByEmail('camel@example.com')).toEqual(user)
      expect(user.hashed_password).toBe(newUser('x').hashed_password)
      await store.destroy()
      const { rows } = await sql`SELECT COUNT(*) AS n FROM ${sql.table('user')}`.execute(database.raw)
      expect(Number((rows[0] as { n: unknown }).n)).toBe(1)
    })
  })
}
