/**
 * better-sqlite3 for Kysely, with prepared statements reused. Kysely's SQLite driver prepares
 * every query anew, and preparing cost about 15% of an authenticated request (bench/): the same
 * few statements (the user lookup, the revocation check) run on every request. Statements are
 * kept by SQL text, at most `max` of them, the oldest dropped first. Reuse is safe because
 * better-sqlite3 runs each statement to completion synchronously; Kysely streams rows only
 * through `iterate`, which this adapter never uses.
 */
import type { Database, Statement } from 'better-sqlite3'
import type { SqliteDatabase } from 'kysely'

/**
 * Wraps a better-sqlite3 connection for Kysely's `SqliteDialect`.
 *
 * @example
 * const db = new Kysely({ dialect: new SqliteDialect({ database: reusingStatements(new Database('users.db')) }) })
 */
export function reusingStatements(database: Database, max = 256): SqliteDatabase {
  const statements = new Map<string, Statement>()
  return {
    close: () => database.close(),
    prepare(sql: string): Statement {
      let statement = statements.get(sql)
      if (statement === undefined) {
        statement = database.prepare(sql)
        if (statements.size >= max) statements.delete(statements.keys().next().value!)
        statements.set(sql, statement)
      }
      return statement
    },
  }
}
