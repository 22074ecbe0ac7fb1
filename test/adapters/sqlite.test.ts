/**
 * The adapter suite on SQLite (a temp file per store), and what is SQLite's own: FastAPI
 * Users' timestamp text, foreign keys and WAL, the role table's and the flags' indexes in use; and the record
 * types of declared fields.
 */
import { dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import { Kysely, SqliteDialect, sql, type CompiledQuery } from 'kysely'
import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  KyselyUserDatabase,
  migrate,
  sqliteUserDatabase,
  type FieldDefinitions,
} from '../../src/db/kysely/index.ts'
import type { UserRecord } from '../../src/user.ts'
import { freshStore, sqliteTestDatabase } from './databases.ts'
import { kyselyDriverErrorSuite } from './kysely-errors-suite.ts'
import { kyselyMigrationSuite } from './kysely-suite.ts'
import { adapterSuite, newUser } from './suite.ts'
import { expectFlagIndexSeek, expectRoleTableSeek, plansOfNextPage, type LoggedPlans } from './sqlite-page-plans.ts'

adapterSuite('sqlite', freshStore(sqliteTestDatabase))
kyselyMigrationSuite('sqlite', sqliteTestDatabase)
kyselyDriverErrorSuite('sqlite', sqliteTestDatabase)

describe('sqlite: storage details', () => {
  it('stores created_at as FastAPI Users does and reads its rows back', async () => {
    const database = await sqliteTestDatabase()
    const store = await database.open()
    try {
      const user = await store.users.create(newUser('time@example.com'))
      await store.accessTokens.create({ token: 'mine', user_id: user.id, created_at: new Date('2024-05-06T07:08:09.123Z') })
      const stored = await database.raw.selectFrom('accesstoken').select('created_at').where('token', '=', 'mine').executeTakeFirst()
      expect(stored?.created_at).toBe('2024-05-06 07:08:09.123000')
      // A row FastAPI Users wrote, with microseconds.
      const recent = new Date(Date.now() - 1000)
      const text = recent.toISOString().replace('T', ' ').replace('Z', '456')
      await database.raw.insertInto('accesstoken').values({ token: 'theirs', user_id: user.id, created_at: text }).execute()
      const found = await store.accessTokens.getByToken('theirs', 60)
      expect(found?.created_at.getTime()).toBe(recent.getTime())
    } finally {
      await store.destroy()
      await database.drop()
    }
  })

  it('turns on foreign keys and the WAL journal', async () => {
    const database = await sqliteTestDatabase()
    const store = await database.open()
    try {
      const { rows: fk } = await sql<{ foreign_keys: number }>`PRAGMA foreign_keys`.execute(store.db)
      expect(fk[0]?.foreign_keys).toBe(1)
      const { rows: journal } = await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(store.db)
      expect(journal[0]?.journal_mode).toBe('wal')
    } finally {
      await store.destroy()
      await database.drop()
    }
  })
})

describe('sqlite: query plans', () => {
  it('reads a page of one role by seeking on the role table, in both sorts, from a cursor too, without sorting', async () => {
    await withLoggedQueries(async ({ users, logged }) => {
      for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) await users.setRoles(await users.create(newUser(email)), ['editor'])
      await users.create(newUser('other@example.com'))
      for (const sort of ['email', 'created_at'] as const) {
        for (const order of ['asc', 'desc'] as const) {
          const { plans } = await plansOfNextPage(users, { sort, order, role: 'editor' }, logged)
          for (const plan of plans) expectRoleTableSeek(plan, sort)
        }
      }
    })
  })
})

describe('sqlite: flag filter plans', () => {
  it('reads a page of one flag value by seeking on its index (migration 15), in both sorts, from a cursor too, without sorting, after ANALYZE too', async () => {
    await withLoggedQueries(async ({ db, users, logged }) => {
      for (let n = 0; n < 40; n++) {
        const rare = n % 10 === 0
        await users.create(newUser(`user${n}@example.com`, { is_superuser: rare, is_active: !rare, is_verified: n % 2 === 0 }))
      }
      for (const analyzed of [false, true]) {
        if (analyzed) await sql`ANALYZE`.execute(db)
        for (const flag of ['is_superuser', 'is_active', 'is_verified'] as const) {
          for (const value of [true, false]) {
            for (const sort of ['email', 'created_at'] as const) {
              for (const order of ['asc', 'desc'] as const) {
                const { page, plans } = await plansOfNextPage(users, { sort, order, [flag]: value }, logged)
                expect(page.entries[0]?.user[flag]).toBe(value)
                for (const plan of plans) expectFlagIndexSeek(plan, flag, sort)
              }
            }
          }
        }
      }
    })
  })
})

/** Runs `test` on a migrated SQLite file whose queries' plans `logged` gives. */
async function withLoggedQueries(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  test: (scope: { db: Kysely<any>; users: KyselyUserDatabase; logged: LoggedPlans }) => Promise<void>,
): Promise<void> {
  const database = await sqliteTestDatabase()
  const client = new Database(database.url.slice('sqlite://'.length))
  const queries: CompiledQuery[] = []
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: client }), log: (event) => void queries.push(event.query) })
  const logged: LoggedPlans = {
    clear: () => void (queries.length = 0),
    plans: () => queries.map((query) => JSON.stringify(client.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...query.parameters))),
  }
  try {
    await migrate(db, 'sqlite')
    await test({ db, users: new KyselyUserDatabase(db, 'sqlite'), logged })
  } finally {
    await db.destroy()
    await database.drop()
  }
}

describe('sqlite: record types', () => {
  it('types the custom fields declared in the call', async () => {
    const database = await sqliteTestDatabase()
    const store = await sqliteUserDatabase({
      filename: join(dirname(database.url.slice('sqlite://'.length)), 'typed.db'),
      fields: { vip: { type: 'boolean', nullable: false, default: false }, nickname: { type: 'text' } },
    })
    try {
      const user = await store.users.create(newUser('typed@example.com'))
      expectTypeOf(user.vip).toEqualTypeOf<boolean>()
      expectTypeOf(user.nickname).toEqualTypeOf<string | null>()
      expect(user).toMatchObject({ vip: false, nickname: null })
      const wide: FieldDefinitions = { nickname: { type: 'text' } }
      const untyped = await sqliteUserDatabase({ filename: ':memory:', fields: wide })
      expectTypeOf(untyped.users).toEqualTypeOf<KyselyUserDatabase<UserRecord>>()
      await untyped.destroy()
    } finally {
      await store.destroy()
      await database.drop()
    }
  })
})
