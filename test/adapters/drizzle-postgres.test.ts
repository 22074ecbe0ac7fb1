/**
 * The adapter suite on Drizzle over PostgreSQL, in a database of this run's own (drizzle-kit's
 * DDL names the `public` schema in its foreign keys, so a scratch schema on the search path
 * would not isolate it), emptied before each store and given the tables drizzle-kit generates
 * for the test's schema. Then what is Drizzle's own, as on SQLite. Skipped with a warning when
 * no server answers, failed under CI (test/support/services.ts).
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateDrizzleJson, generateMigration } from 'drizzle-kit/api'
import { sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/node-postgres'
import { migrate } from 'drizzle-orm/node-postgres/migrator'
import { boolean, doublePrecision, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import {
  DrizzleSessionStore,
  DrizzleTwoFactorStore,
  drizzleUserDatabase,
  pgAccessTokenTable,
  pgOAuthAccountTable,
  pgSessionTable,
  pgTwoFactorTable,
  pgMagicLinkTable,
  pgAuditTable,
  DrizzleAuditStore,
  DrizzleMagicLinkStore,
  DrizzlePasskeyStore,
  pgPasskeyTables,
  DrizzleApiKeyStore,
  pgApiKeyTable,
  pgUserColumns,
  pgUserIndexes,
  pgUserRoleTable,
} from '../../src/db/drizzle/index.ts'
import * as exampleSchema from '../../examples/drizzle/schema-pg.ts'
import { requirePostgres, uniqueName } from '../support/services.ts'
import { postgresTestDatabase } from './databases.ts'
import { expectNoValues, rejection } from './error-values.ts'
import { expectRolePagesOfRolesHeldBefore, migrationsBefore, rolesHeldBefore } from './drizzle-migrations.ts'
import { describeColumns, indexNames } from './legacy-tables.ts'
import { adapterSuite, newUser, SUITE_FIELDS } from './suite.ts'

const user = pgTable(
  'user',
  {
    ...pgUserColumns(),
    nickname: text('nickname'),
    age: integer('age'),
    newsletter: boolean('newsletter').notNull().default(false),
    score: doublePrecision('score'),
    birthday: timestamp('birthday', { withTimezone: true, mode: 'date' }),
    preferences: jsonb('preferences'),
  },
  pgUserIndexes,
)
const schema = { user, oauthAccount: pgOAuthAccountTable(user), accessToken: pgAccessTokenTable(user), userRole: pgUserRoleTable(user), twoFactor: pgTwoFactorTable(), magicLink: pgMagicLinkTable(), apiKey: pgApiKeyTable(), session: pgSessionTable(), auditEvent: pgAuditTable(), ...pgPasskeyTables() }

const EXAMPLE_MIGRATIONS = fileURLToPath(new URL('../../examples/drizzle/drizzle/pg', import.meta.url))
const HASH_START = newUser('x').hashed_password.slice(0, 40)

const adminUrl = await requirePostgres()
const databaseUrl = adminUrl === null ? null : await createDatabase(adminUrl)

/** A database of this run's own; the URL names it. Dropped after the file's tests. */
async function createDatabase(admin: string): Promise<string> {
  const name = uniqueName('fu_drizzle')
  await withClient(admin, (client) => client.query(`CREATE DATABASE ${name}`))
  afterAll(() => withClient(admin, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)))
  const url = new URL(admin)
  url.pathname = `/${name}`
  return url.toString()
}

async function withClient<T>(url: string, body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await body(client)
  } finally {
    await client.end()
  }
}

/** Empties the run's database, then creates the tables drizzle-kit generates for `tables`. */
async function resetDatabase(url: string, tables: Record<string, unknown> = {}): Promise<void> {
  const statements = await generateMigration(generateDrizzleJson({}), generateDrizzleJson(tables))
  await withClient(url, async (client) => {
    await client.query('DROP SCHEMA IF EXISTS drizzle CASCADE; DROP SCHEMA public CASCADE; CREATE SCHEMA public')
    for (const statement of statements) await client.query(statement)
  })
}

/** A Drizzle database on the run's database that logs its queries. */
function openDrizzle(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 5 })
  const queries: Array<{ sql: string; params: unknown[] }> = []
  const db = drizzle({ client: pool, logger: { logQuery: (query, params) => void queries.push({ sql: query, params }) } })
  return { db, queries, close: () => pool.end() }
}

describe.skipIf(databaseUrl === null)('drizzle postgres', () => {
  const url = databaseUrl ?? ''

  adapterSuite('drizzle postgres', async ({ fields }) => {
    // The suite's custom fields are declared above as Drizzle columns, under the same names.
    expect(Object.keys(fields ?? {})).toEqual(Object.keys(SUITE_FIELDS))
    await resetDatabase(url, schema)
    const database = openDrizzle(url)
    const { users, accessTokens } = drizzleUserDatabase({ db: database.db, tables: schema })
    const twoFactor = new DrizzleTwoFactorStore({ db: database.db, table: schema.twoFactor })
    const magicLinks = new DrizzleMagicLinkStore({ db: database.db, table: schema.magicLink })
    const passkeys = new DrizzlePasskeyStore({ db: database.db, tables: schema })
    const apiKeys = new DrizzleApiKeyStore({ db: database.db, table: schema.apiKey })
    const sessions = new DrizzleSessionStore({ db: database.db, table: schema.session })
    const audit = new DrizzleAuditStore({ db: database.db, table: schema.auditEvent })
    return { users, accessTokens, twoFactor, magicLinks, passkeys, apiKeys, sessions, audit, destroy: database.close }
  })

  describe('the example migrations', () => {
    it('are up to date with the example schema', async () => {
      const meta = join(EXAMPLE_MIGRATIONS, 'meta')
      const snapshots = (await readdir(meta)).filter((name) => name.endsWith('_snapshot.json')).sort()
      const latest = JSON.parse(await readFile(join(meta, snapshots.at(-1) ?? ''), 'utf8'))
      expect(await generateMigration(latest, generateDrizzleJson(exampleSchema))).toEqual([])
    })

    it('apply once, and the store works on them', async () => {
      await resetDatabase(url)
      const database = openDrizzle(url)
      try {
        await migrate(database.db, { migrationsFolder: EXAMPLE_MIGRATIONS })
        const { users } = drizzleUserDatabase({ db: database.db, tables: exampleSchema })
        const created = await users.create(newUser('King.Arthur@camelot.bt'))
        await migrate(database.db, { migrationsFolder: EXAMPLE_MIGRATIONS })
        expect(await users.getByEmail('KING.ARTHUR@camelot.bt')).toEqual(created)
      } finally {
        await database.close()
      }
    })

    it('fill the role table from the roles users held before it', async () => {
      await resetDatabase(url)
      const before = await migrationsBefore(EXAMPLE_MIGRATIONS, '0003_user_roles')
      const database = openDrizzle(url)
      try {
        await migrate(database.db, { migrationsFolder: before.folder })
        const earlier = drizzleUserDatabase({ db: database.db, tables: { user: exampleSchema.user } }).users
        for (const [email, roles] of rolesHeldBefore({ unparsable: false })) {
          const created = await earlier.create(newUser(email))
          await database.db.update(exampleSchema.user).set({ roles }).where(sql`${exampleSchema.user.id} = ${created.id}`)
        }
        await migrate(database.db, { migrationsFolder: EXAMPLE_MIGRATIONS })
        await expectRolePagesOfRolesHeldBefore(drizzleUserDatabase({ db: database.db, tables: exampleSchema }).users)
      } finally {
        await database.close()
        await before.remove()
      }
    })

    it("create the Kysely adapter's layout, FastAPI Users' with its additions", async () => {
      await resetDatabase(url)
      const database = openDrizzle(url)
      await migrate(database.db, { migrationsFolder: EXAMPLE_MIGRATIONS })
      await database.close()
      const drizzleRaw = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }) })
      const kysely = await postgresTestDatabase(adminUrl ?? '')()
      const store = await kysely.open()
      try {
        for (const table of ['user', 'oauth_account', 'accesstoken', 'fastify_users_user_role']) {
          expect(await describeColumns(drizzleRaw, 'postgres', table)).toEqual(await describeColumns(kysely.raw, 'postgres', table))
          expect(await indexNames(drizzleRaw, 'postgres', table)).toEqual(await indexNames(kysely.raw, 'postgres', table))
        }
      } finally {
        await store.destroy()
        await kysely.drop()
        await drizzleRaw.destroy()
      }
    })
  })

  describe('adapter details', () => {
    it('looks emails up through the case-insensitive unique index', async () => {
      await resetDatabase(url, schema)
      const database = openDrizzle(url)
      try {
        const { users } = drizzleUserDatabase({ db: database.db, tables: schema })
        await users.create(newUser('Lookup@example.com'))
        database.queries.length = 0
        expect(await users.getByEmail('LOOKUP@example.com')).not.toBeNull()
        const lookup = database.queries[0]
        expect(lookup).toBeDefined()
        const plan = await withClient(url, async (client) => {
          // A one-row table is cheapest to scan; forbid that to see which index the query can use.
          await client.query('SET enable_seqscan = off')
          return client.query(`EXPLAIN ${lookup?.sql}`, lookup?.params)
        })
        expect(JSON.stringify(plan.rows)).toContain('ux_user_email_ci')
      } finally {
        await database.close()
      }
    })

    it("passes on the driver's errors, without the parameters or the row they quote", async () => {
      await resetDatabase(url, schema)
      const database = openDrizzle(url)
      try {
        const { users } = drizzleUserDatabase({ db: database.db, tables: schema })
        const error = await users.create({ ...newUser('nulls@example.com'), newsletter: null }).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(pg.DatabaseError)
        expect((error as pg.DatabaseError).code).toBe('23502')
        expect((error as pg.DatabaseError).column).toBe('newsletter')
        // PostgreSQL cuts quoted values to 64 bytes, so look for the start of the hash.
        for (const text of [String((error as Error).stack), JSON.stringify(error)]) expect(text).not.toContain(HASH_START)
      } finally {
        await database.close()
      }
    })

    it('refuses a taken access token without the key PostgreSQL quotes in its detail', async () => {
      await resetDatabase(url, schema)
      const database = openDrizzle(url)
      try {
        const { users, accessTokens } = drizzleUserDatabase({ db: database.db, tables: schema })
        const owner = await users.create(newUser('tokens@example.com'))
        const token = 'secret-access-token-not-for-any-log-0123456'
        await accessTokens.create({ token, user_id: owner.id, created_at: new Date() })
        const error = await rejection(accessTokens.create({ token, user_id: owner.id, created_at: new Date() }))
        expect(error).toBeInstanceOf(pg.DatabaseError)
        expect((error as pg.DatabaseError).code).toBe('23505')
        expectNoValues(error, [token])
      } finally {
        await database.close()
      }
    })
  })
})
