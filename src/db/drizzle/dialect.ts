/**
 * What differs between Drizzle's SQLite and PostgreSQL databases, in one place. Both have the
 * same query-builder methods, so the adapter is written once against `QueryBuilder`, the part
 * of that surface it uses; the two differ in the email's key expression (the one the unique
 * index holds, see columns-*.ts) and in transactions, which better-sqlite3 runs synchronously.
 */
import { is, sql } from 'drizzle-orm'
import type { Column, SQL, Table } from 'drizzle-orm'
import { PgDatabase, PgTable } from 'drizzle-orm/pg-core'
import { BaseSQLiteDatabase, SQLiteTable } from 'drizzle-orm/sqlite-core'
import { DrizzleSchemaError, driverError } from './errors.ts'

/** A Drizzle database on SQLite (any driver) or PostgreSQL (any driver). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DrizzleDatabase = BaseSQLiteDatabase<any, any, any> | PgDatabase<any, any, any>

export type Row = Record<string, unknown>

/** A query that can be awaited for its rows. */
export interface SelectQuery extends PromiseLike<Row[]> {
  where(condition: SQL | undefined): SelectQuery
  innerJoin(table: Table, on: SQL): SelectQuery
  orderBy(...order: Array<Column | SQL>): SelectQuery
  limit(count: number): SelectQuery
}

/** An INSERT, UPDATE or DELETE. `run()` executes it at once on a synchronous SQLite driver. */
export interface WriteQuery extends PromiseLike<unknown> {
  returning(fields?: Record<string, Column>): PromiseLike<Row[]>
  run(): unknown
}

/** The part of Drizzle's query builder the adapter uses, common to both dialects. */
export interface QueryBuilder {
  select(fields: Record<string, Column>): { from(table: Table): SelectQuery }
  insert(table: Table): { values(row: Row): WriteQuery; select(query: SQL): WriteQuery }
  update(table: Table): { set(row: Row): { where(condition: SQL | undefined): WriteQuery } }
  delete(table: Table): { where(condition: SQL): WriteQuery }
  transaction(body: (tx: QueryBuilder) => unknown): unknown
}

export interface Dialect {
  name: 'sqlite' | 'postgres'
  /**
   * Whether transactions run synchronously: better-sqlite3's do, and refuse a callback that
   * returns a promise. Other SQLite drivers (libsql and the like) are asynchronous.
   */
  sync: boolean
}

/**
 * The dialect of a Drizzle database, refusing the ones the adapter does not support.
 *
 * @example
 * ```ts
 * dialectOf(drizzle(new Database('users.db'))) // { name: 'sqlite', sync: true }
 * ```
 */
export function dialectOf(db: DrizzleDatabase): Dialect {
  if (is(db, PgDatabase)) return { name: 'postgres', sync: false }
  // Drizzle's own (private) flag, rather than `is(db, BetterSQLite3Database)`: importing that class loads
  // better-sqlite3, which an application on PostgreSQL need not install.
  if (is(db, BaseSQLiteDatabase)) return { name: 'sqlite', sync: Reflect.get(db, 'resultKind') === 'sync' }
  throw new DrizzleSchemaError('the Drizzle adapter supports SQLite and PostgreSQL databases')
}

/**
 * Refuses a table declared for another database than `dialect`'s.
 *
 * @example
 * ```ts
 * checkTable(user, 'user', { name: 'postgres', sync: false })
 * ```
 */
export function checkTable(table: Table, role: string, dialect: Dialect): void {
  const matches = dialect.name === 'postgres' ? is(table, PgTable) : is(table, SQLiteTable)
  if (!matches) {
    const helper = dialect.name === 'postgres' ? 'pgTable' : 'sqliteTable'
    throw new DrizzleSchemaError(`tables.${role} must be declared with ${helper} for a ${dialect.name} database`)
  }
}

/**
 * The folded email of a `user` row, as the `ux_user_email_ci` index computes it, so that a
 * lookup by email uses the index.
 *
 * @example
 * ```ts
 * db.select(columns).from(user).where(eq(emailKey(dialect, user.email), foldEmail(email)))
 * ```
 */
export function emailKey(dialect: Dialect, email: Column): SQL {
  return dialect.name === 'postgres' ? sql`lower(${email} COLLATE "C")` : sql`lower(${email})`
}

/**
 * The folded username, as the `ux_user_username_ci` index of the column helpers holds it: the
 * same folding as the email's.
 *
 * @example
 * db.select(columns).from(user).where(eq(usernameKey(dialect, user.username), foldUsername(username)))
 */
export function usernameKey(dialect: Dialect, username: Column): SQL {
  return emailKey(dialect, username)
}

/**
 * Runs the writes `build` returns in one transaction, in order: inside the synchronous
 * transaction of better-sqlite3 (which refuses a callback returning a promise), or awaited one
 * after the other on an asynchronous driver.
 *
 * @example
 * ```ts
 * await atomically(db, dialect, (tx) => [tx.delete(accessToken).where(eq(accessToken.user_id, id))])
 * ```
 */
export async function atomically(db: QueryBuilder, dialect: Dialect, build: (tx: QueryBuilder) => WriteQuery[]): Promise<void> {
  try {
    if (dialect.sync) {
      db.transaction((tx) => {
        for (const query of build(tx)) query.run()
      })
      return
    }
    await db.transaction(async (tx) => {
      for (const query of build(tx)) await query
    })
  } catch (error) {
    throw driverError(error)
  }
}
