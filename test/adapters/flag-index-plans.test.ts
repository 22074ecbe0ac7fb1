/**
 * Migration 15's flag indexes in use on PostgreSQL and MariaDB, where the planner decides from
 * statistics (SQLite's plans: sqlite.test.ts): 20,000 users, 20 superusers and 20 inactive
 * ones, analyzed; a page of either rare value, from a cursor, in both sorts and orders, reads
 * the flag's index of its sort and sorts nothing.
 */
import { Kysely, MysqlDialect, PostgresDialect, sql, type CompiledQuery } from 'kysely'
import { createPool } from 'mysql2'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { KyselyUserDatabase, migrate, type SqlDialect } from '../../src/db/kysely/index.ts'
import { requireMysql, requirePostgres } from '../support/services.ts'
import { mysqlTestDatabase, postgresTestDatabase, type TestDatabaseFactory } from './databases.ts'

const USERS = 20_000
/** One user in this many is a superuser, and another one inactive. */
const RARE_EVERY = 1000

const postgresUrl = await requirePostgres()
const mysqlUrl = await requireMysql()

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function logged(dialect: SqlDialect, url: string, queries: CompiledQuery[]): Kysely<any> {
  const log = (event: { query: CompiledQuery }) => void queries.push(event.query)
  return dialect === 'postgres'
    ? new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }), log })
    : new Kysely({ dialect: new MysqlDialect({ pool: createPool({ uri: url, connectionLimit: 1 }) }), log })
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function seed(db: Kysely<any>, dialect: SqlDialect): Promise<void> {
  if (dialect === 'postgres') {
    await sql`INSERT INTO "user" (id, email, hashed_password, is_active, is_superuser, is_verified, created_at)
      SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, 'user' || i || '@example.com', 'h',
             i % ${RARE_EVERY} <> 1, i % ${RARE_EVERY} = 0, true, to_timestamp(1700000000 + i)
      FROM generate_series(1, ${USERS}) AS i`.execute(db)
    await sql`ANALYZE "user"`.execute(db)
  } else {
    await sql`INSERT INTO \`user\` (id, email, hashed_password, is_active, is_superuser, is_verified, created_at)
      SELECT CONCAT('00000000-0000-4000-8000-', LPAD(LOWER(HEX(seq)), 12, '0')), CONCAT('user', seq, '@example.com'), 'h',
             seq % ${RARE_EVERY} <> 1, seq % ${RARE_EVERY} = 0, 1, FROM_UNIXTIME(1700000000 + seq)
      FROM ${sql.raw(`seq_1_to_${USERS}`)}`.execute(db)
    await sql`ANALYZE TABLE \`user\``.execute(db)
  }
}

/** The plan's words that matter: the index each step reads, and whether it sorts. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function plan(db: Kysely<any>, dialect: SqlDialect, query: CompiledQuery): Promise<string> {
  const { rows } = await db.executeQuery<Record<string, unknown>>({ ...query, sql: `EXPLAIN ${query.sql}` })
  return dialect === 'postgres'
    ? rows.map((row) => String(row['QUERY PLAN'])).join('\n')
    : rows.map((row) => `key=${String(row['key'])} ${String(row['Extra'])}`).join('\n')
}

function planSuite(dialect: SqlDialect, factory: TestDatabaseFactory): void {
  it('reads a page of a rare flag value on its index of the sort, in both sorts and orders, from a cursor, without sorting', async () => {
    const database = await factory()
    const queries: CompiledQuery[] = []
    const db = logged(dialect, database.url, queries)
    try {
      await migrate(db, dialect)
      await seed(db, dialect)
      const users = new KyselyUserDatabase(db, dialect)
      for (const [flag, value] of [['is_superuser', true], ['is_active', false]] as const) {
        for (const sort of ['email', 'created_at'] as const) {
          for (const order of ['asc', 'desc'] as const) {
            const first = await users.listUsers({ sort, order, limit: 5, [flag]: value })
            queries.length = 0
            const second = await users.listUsers({ sort, order, limit: 5, [flag]: value, after: first.next })
            expect(second.entries).toHaveLength(5)
            expect(second.entries.every((entry) => entry.user[flag] === value)).toBe(true)
            const read = [...queries]
            expect(read.length).toBeGreaterThan(0)
            for (const query of read) {
              const steps = await plan(db, dialect, query)
              if (dialect === 'postgres') {
                expect(steps).toMatch(new RegExp(`Index Scan (Backward )?using ix_user_${flag}_${sort} on "user"`))
                expect(steps).not.toMatch(/\bSort\b/)
              } else {
                expect(steps).toContain(`key=ix_user_${flag}_${sort} `)
                expect(steps).not.toContain('filesort')
              }
            }
          }
        }
      }
    } finally {
      await db.destroy()
      await database.drop()
    }
  })
}

describe.skipIf(postgresUrl === null)('postgres: flag filter plans', () => planSuite('postgres', postgresTestDatabase(postgresUrl ?? '')))
describe.skipIf(mysqlUrl === null)('mysql: flag filter plans', () => planSuite('mysql', mysqlTestDatabase(mysqlUrl ?? '')))
