/**
 * The adapter suite on Drizzle over SQLite: each store on a temp file whose tables come from the
 * DDL drizzle-kit generates for the test's schema (the column helpers plus one column of each
 * portable type). Then what is Drizzle's own: the example's committed migrations (up to date,
 * idempotent, the Kysely adapter's layout), the email index in use, driver errors that do not
 * quote the query's parameters, and the tables the adapter refuses.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { generateSQLiteDrizzleJson, generateSQLiteMigration } from 'drizzle-kit/api'
import { sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { pgTable } from 'drizzle-orm/pg-core'
import { integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { Kysely, SqliteDialect } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  DrizzleSchemaError,
  drizzleUserDatabase,
  pgUserColumns,
  pgUserRoleTable,
  sqliteAccessTokenTable,
  sqliteOAuthAccountTable,
  sqliteUserColumns,
  sqliteUserIndexes,
  sqliteUserRoleTable,
  DrizzleSessionStore,
  DrizzleTwoFactorStore,
  sqliteSessionTable,
  sqliteTwoFactorTable,
  sqliteMagicLinkTable,
  sqliteAuditTable,
  DrizzleAuditStore,
  DrizzleMagicLinkStore,
  DrizzlePasskeyStore,
  sqlitePasskeyTables,
  DrizzleApiKeyStore,
  sqliteApiKeyTable,
} from '../../src/db/drizzle/index.ts'
import { DuplicateEmailError } from '../../src/errors.ts'
import * as exampleSchema from '../../examples/drizzle/schema-sqlite.ts'
import { sqliteTestDatabase } from './databases.ts'
import { expectRolePagesOfRolesHeldBefore, migrationsBefore, rolesHeldBefore } from './drizzle-migrations.ts'
import { expectFlagIndexSeek, expectRoleTableSeek, plansOfNextPage, type LoggedPlans } from './sqlite-page-plans.ts'
import { describeColumns, indexNames } from './legacy-tables.ts'
import { adapterSuite, newUser, SUITE_FIELDS } from './suite.ts'

const user = sqliteTable(
  'user',
  {
    ...sqliteUserColumns(),
    nickname: text('nickname'),
    age: integer('age'),
    newsletter: integer('newsletter', { mode: 'boolean' }).notNull().default(false),
    score: real('score'),
    birthday: integer('birthday', { mode: 'timestamp_ms' }),
    preferences: text('preferences', { mode: 'json' }),
  },
  sqliteUserIndexes,
)
const schema = { user, oauthAccount: sqliteOAuthAccountTable(user), accessToken: sqliteAccessTokenTable(user), userRole: sqliteUserRoleTable(user), twoFactor: sqliteTwoFactorTable(), magicLink: sqliteMagicLinkTable(), apiKey: sqliteApiKeyTable(), session: sqliteSessionTable(), auditEvent: sqliteAuditTable(), ...sqlitePasskeyTables() }

const EXAMPLE_MIGRATIONS = fileURLToPath(new URL('../../examples/drizzle/drizzle/sqlite', import.meta.url))
const FAKE_HASH = newUser('x').hashed_password

const ddlCache = new Map<Record<string, unknown>, Promise<string[]>>()

/** The statements `drizzle-kit generate` writes for a schema, on an empty database. */
function generateDdl(tables: Record<string, unknown>): Promise<string[]> {
  let ddl = ddlCache.get(tables)
  if (ddl === undefined) {
    ddl = (async () => generateSQLiteMigration(await generateSQLiteDrizzleJson({}), await generateSQLiteDrizzleJson(tables)))()
    ddlCache.set(tables, ddl)
  }
  return ddl
}

interface ScratchFile {
  filename: string
  remove(): Promise<void>
}

async function scratchFile(): Promise<ScratchFile> {
  const dir = await mkdtemp(join(tmpdir(), 'fastify-users-drizzle-'))
  return { filename: join(dir, 'users.db'), remove: () => rm(dir, { recursive: true, force: true }) }
}

/** A file with the tables of `tables`, and a Drizzle database on it that logs its queries (`logged`: their plans). */
async function openDatabase(tables: Record<string, unknown>) {
  const file = await scratchFile()
  const client = new Database(file.filename)
  // Foreign keys stay off, SQLite's default and Drizzle's, so the suite also shows the adapter
  // deleting a user's tokens and accounts itself rather than through the cascades.
  for (const statement of await generateDdl(tables)) client.exec(statement)
  const queries: Array<{ sql: string; params: unknown[] }> = []
  const db = drizzle({ client, logger: { logQuery: (query, params) => void queries.push({ sql: query, params }) } })
  const logged: LoggedPlans = {
    clear: () => void (queries.length = 0),
    plans: () => queries.map((query) => JSON.stringify(client.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...query.params))),
  }
  return {
    db,
    client,
    queries,
    logged,
    close: async () => {
      client.close()
      await file.remove()
    },
  }
}

adapterSuite('drizzle sqlite', async ({ fields }) => {
  // The suite's custom fields are declared above as Drizzle columns, under the same names.
  expect(Object.keys(fields ?? {})).toEqual(Object.keys(SUITE_FIELDS))
  const database = await openDatabase(schema)
  const { users, accessTokens } = drizzleUserDatabase({ db: database.db, tables: schema })
  const twoFactor = new DrizzleTwoFactorStore({ db: database.db, table: schema.twoFactor })
  const magicLinks = new DrizzleMagicLinkStore({ db: database.db, table: schema.magicLink })
  const passkeys = new DrizzlePasskeyStore({ db: database.db, tables: schema })
  const apiKeys = new DrizzleApiKeyStore({ db: database.db, table: schema.apiKey })
  const sessions = new DrizzleSessionStore({ db: database.db, table: schema.session })
  const audit = new DrizzleAuditStore({ db: database.db, table: schema.auditEvent })
  return { users, accessTokens, twoFactor, magicLinks, passkeys, apiKeys, sessions, audit, destroy: database.close }
})

describe('drizzle sqlite: the example migrations', () => {
  let file: ScratchFile
  beforeEach(async () => {
    file = await scratchFile()
  })
  afterEach(async () => {
    await file.remove()
  })

  it('are up to date with the example schema', async () => {
    const meta = join(EXAMPLE_MIGRATIONS, 'meta')
    const snapshots = (await readdir(meta)).filter((name) => name.endsWith('_snapshot.json')).sort()
    const latest = JSON.parse(await readFile(join(meta, snapshots.at(-1) ?? ''), 'utf8'))
    expect(await generateSQLiteMigration(latest, await generateSQLiteDrizzleJson(exampleSchema))).toEqual([])
  })

  it('apply once, and the store works on them', async () => {
    const client = new Database(file.filename)
    const db = drizzle({ client })
    migrate(db, { migrationsFolder: EXAMPLE_MIGRATIONS })
    const { users } = drizzleUserDatabase({ db, tables: exampleSchema })
    const created = await users.create(newUser('King.Arthur@camelot.bt'))
    migrate(db, { migrationsFolder: EXAMPLE_MIGRATIONS })
    expect(await users.getByEmail('KING.ARTHUR@camelot.bt')).toEqual(created)
    client.close()
  })

  it('fill the role table from the roles users held before it', async () => {
    const before = await migrationsBefore(EXAMPLE_MIGRATIONS, '0003_user_roles')
    const client = new Database(file.filename)
    try {
      const db = drizzle({ client })
      migrate(db, { migrationsFolder: before.folder })
      const earlier = drizzleUserDatabase({ db, tables: { user: exampleSchema.user } }).users
      for (const [email, roles] of rolesHeldBefore({ unparsable: true })) {
        const created = await earlier.create(newUser(email))
        db.update(exampleSchema.user).set({ roles }).where(sql`${exampleSchema.user.id} = ${created.id}`).run()
      }
      migrate(db, { migrationsFolder: EXAMPLE_MIGRATIONS })
      await expectRolePagesOfRolesHeldBefore(drizzleUserDatabase({ db, tables: exampleSchema }).users)
      expect(client.prepare('SELECT COUNT(*) AS n FROM fastify_users_user_role').get()).toEqual({ n: 5 })
    } finally {
      client.close()
      await before.remove()
    }
  })

  it("create the Kysely adapter's layout, FastAPI Users' with its additions", async () => {
    const client = new Database(file.filename)
    migrate(drizzle({ client }), { migrationsFolder: EXAMPLE_MIGRATIONS })
    client.close()
    const drizzleRaw = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(file.filename) }) })
    const kysely = await sqliteTestDatabase()
    const store = await kysely.open()
    try {
      for (const table of ['user', 'oauth_account', 'accesstoken', 'fastify_users_user_role']) {
        // Drizzle writes `text` and `integer` where SQLAlchemy writes TEXT and INTEGER.
        const columns = upperCased(await describeColumns(drizzleRaw, 'sqlite', table))
        expect(columns).toEqual(upperCased(await describeColumns(kysely.raw, 'sqlite', table)))
        expect(await indexNames(drizzleRaw, 'sqlite', table)).toEqual(await indexNames(kysely.raw, 'sqlite', table))
      }
    } finally {
      await store.destroy()
      await kysely.drop()
      await drizzleRaw.destroy()
    }
  })
})

function upperCased(columns: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(columns).map(([name, description]) => [name, description.toUpperCase()]))
}

describe('drizzle sqlite: adapter details', () => {
  it('looks emails up through the case-insensitive unique index', async () => {
    const database = await openDatabase(schema)
    try {
      const { users } = drizzleUserDatabase({ db: database.db, tables: schema })
      await users.create(newUser('Lookup@example.com'))
      database.queries.length = 0
      expect(await users.getByEmail('LOOKUP@example.com')).not.toBeNull()
      const lookup = database.queries[0]
      expect(lookup).toBeDefined()
      const plan = database.client.prepare(`EXPLAIN QUERY PLAN ${lookup?.sql}`).all(...(lookup?.params ?? []))
      expect(JSON.stringify(plan)).toContain('ux_user_email_ci')
    } finally {
      await database.close()
    }
  })

  it('reads a page of one role by seeking on the role table, in both sorts, from a cursor too, without sorting', async () => {
    const database = await openDatabase(schema)
    try {
      const { users } = drizzleUserDatabase({ db: database.db, tables: schema })
      for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) await users.setRoles(await users.create(newUser(email)), ['editor'])
      await users.create(newUser('other@example.com'))
      for (const sort of ['email', 'created_at'] as const) {
        for (const order of ['asc', 'desc'] as const) {
          const { plans } = await plansOfNextPage(users, { sort, order, role: 'editor' }, database.logged)
          for (const plan of plans) expectRoleTableSeek(plan, sort)
        }
      }
    } finally {
      await database.close()
    }
  })

  it('reads a page of one flag value by seeking on its index, in both sorts, from a cursor too, without sorting', async () => {
    const database = await openDatabase(schema)
    try {
      const { users } = drizzleUserDatabase({ db: database.db, tables: schema })
      for (let n = 0; n < 20; n++) {
        const rare = n % 10 === 0
        await users.create(newUser(`user${n}@example.com`, { is_superuser: rare, is_active: !rare, is_verified: n % 2 === 0 }))
      }
      for (const flag of ['is_superuser', 'is_active', 'is_verified'] as const) {
        for (const value of [true, false]) {
          for (const sort of ['email', 'created_at'] as const) {
            for (const order of ['asc', 'desc'] as const) {
              const { page, plans } = await plansOfNextPage(users, { sort, order, [flag]: value }, database.logged)
              expect(page.entries[0]?.user[flag]).toBe(value)
              for (const plan of plans) expectFlagIndexSeek(plan, flag, sort)
            }
          }
        }
      }
    } finally {
      await database.close()
    }
  })

  it('filters by role without the role table, reading the roles column', async () => {
    const { userRole: _none, ...withoutRoles } = schema
    const database = await openDatabase(withoutRoles)
    try {
      const { users } = drizzleUserDatabase({ db: database.db, tables: withoutRoles })
      await users.setRoles(await users.create(newUser('editor@example.com')), ['editor'])
      await users.setRoles(await users.create(newUser('admin@example.com')), ['admin'])
      const page = await users.listUsers({ sort: 'created_at', order: 'desc', limit: 10, role: 'editor', total: true })
      expect(page.entries.map((entry) => entry.user.email)).toEqual(['editor@example.com'])
      expect(page.total).toBe(1)
      expect(await users.getRoles((await users.getByEmail('admin@example.com'))!)).toEqual(['admin'])
    } finally {
      await database.close()
    }
  })

  it("passes on the driver's errors, which do not quote the query's parameters", async () => {
    const database = await openDatabase(schema)
    try {
      const { users } = drizzleUserDatabase({ db: database.db, tables: schema })
      const error = await users.create({ ...newUser('nulls@example.com'), newsletter: null }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(Database.SqliteError)
      expect((error as { code: string }).code).toBe('SQLITE_CONSTRAINT_NOTNULL')
      expect(String((error as Error).message)).not.toContain(FAKE_HASH)
      expect(String((error as Error).stack)).not.toContain(FAKE_HASH)
    } finally {
      await database.close()
    }
  })

  it("keeps a violation of the application's own unique column a driver error", async () => {
    const withHandle = sqliteTable('user', { ...sqliteUserColumns(), handle: text('handle') }, (table) => [
      ...sqliteUserIndexes(table),
      uniqueIndex('ux_user_handle').on(table.handle),
    ])
    const database = await openDatabase({ user: withHandle })
    try {
      const { users } = drizzleUserDatabase({ db: database.db, tables: { user: withHandle } })
      const first = await users.create(newUser('first@example.com', { handle: 'arthur' }))
      // The table's own columns type the record.
      const handle: string | null = first.handle
      expect(handle).toBe('arthur')
      const clash = await users.create(newUser('second@example.com', { handle: 'arthur' })).catch((e: unknown) => e)
      expect(clash).toBeInstanceOf(Database.SqliteError)
      await expect(users.create(newUser('FIRST@example.com', { handle: 'lancelot' }))).rejects.toBeInstanceOf(DuplicateEmailError)
    } finally {
      await database.close()
    }
  })

  it('works with the user table alone: no access tokens, OAuth refused, users deleted', async () => {
    const database = await openDatabase({ user })
    try {
      const store = drizzleUserDatabase({ db: database.db, tables: { user } })
      expect(store.accessTokens).toBeNull()
      const created = await store.users.create(newUser('alone@example.com'))
      await expect(store.users.listOAuthAccounts(created)).rejects.toBeInstanceOf(DrizzleSchemaError)
      await expect(store.users.getByOAuthAccount('google', '1')).rejects.toBeInstanceOf(DrizzleSchemaError)
      await store.users.delete(created)
      expect(await store.users.get(created.id)).toBeNull()
    } finally {
      await database.close()
    }
  })

  it('lists by email only on a table of older helpers, without created_at', async () => {
    const { created_at: _none, ...older } = sqliteUserColumns()
    const olderUser = sqliteTable('user', older, (table) => [uniqueIndex('ux_user_email_ci').on(sql`lower(${table.email})`)])
    const database = await openDatabase({ user: olderUser })
    try {
      const { users } = drizzleUserDatabase({ db: database.db, tables: { user: olderUser } })
      const created = await users.create(newUser('older@example.com'))
      const page = await users.listUsers({ sort: 'email', order: 'asc', limit: 10 })
      expect(page.entries).toEqual([{ user: created, created_at: null }])
      await expect(users.listUsers({ sort: 'created_at', order: 'asc', limit: 10 })).rejects.toBeInstanceOf(DrizzleSchemaError)
    } finally {
      await database.close()
    }
  })

  it('refuses tables it cannot use', () => {
    const db = drizzle({ client: new Database(':memory:') })
    const { is_verified: _dropped, ...incomplete } = sqliteUserColumns()
    const refused = [
      { user: sqliteTable('user', incomplete) },
      { user: sqliteTable('user', { ...sqliteUserColumns(), password: text('password') }) },
      { user: pgTable('user', pgUserColumns()) },
      { user, oauthAccount: sqliteTable('oauth_account', { id: text('id') }) },
      { user, userRole: sqliteTable('fastify_users_user_role', { role: text('role') }) },
      { user, userRole: pgUserRoleTable(pgTable('user', pgUserColumns())) },
    ]
    for (const tables of refused) {
      expect(() => drizzleUserDatabase({ db, tables: tables as never })).toThrow(DrizzleSchemaError)
    }
    db.$client.close()
  })
})
