/**
 * FastAPI Users' `user` table as SQLAlchemy creates it in each database (CONTRACT §16.2), for
 * tests that open a database FastAPI Users made, and a way to snapshot a table's columns to
 * show that opening it changed nothing but additions.
 */
import { sql, type Kysely } from 'kysely'
import type { SqlDialect } from '../../src/db/kysely/index.ts'

export interface LegacyUser {
  id: string
  email: string
  hashed_password: string
  is_active: boolean
  is_superuser: boolean
  is_verified: boolean
  first_name?: string | null
}

/**
 * Creates the `user` table of fastapi-users-db-sqlalchemy, with an application column
 * `first_name VARCHAR(50)`. On MySQL the table takes the server's default collation (case- and
 * accent-insensitive), as a FastAPI Users deployment's does, unless `mysqlCollation` says
 * otherwise.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function createLegacyUserTable(db: Kysely<any>, dialect: SqlDialect, mysqlCollation?: string): Promise<void> {
  const id = dialect === 'postgres' ? 'UUID' : 'CHAR(36)'
  const table = dialect === 'mysql' ? '`user`' : dialect === 'sqlite' ? 'user' : '"user"'
  const tail = dialect === 'mysql' && mysqlCollation ? ` DEFAULT CHARSET=utf8mb4 COLLATE=${mysqlCollation}` : ''
  await sql
    .raw(
      `CREATE TABLE ${table} (
	email VARCHAR(320) NOT NULL, 
	hashed_password VARCHAR(1024) NOT NULL, 
	is_active BOOLEAN NOT NULL, 
	is_superuser BOOLEAN NOT NULL, 
	is_verified BOOLEAN NOT NULL, 
	id ${id} NOT NULL, 
	first_name VARCHAR(50), 
	PRIMARY KEY (id)
)${tail}`,
    )
    .execute(db)
  await sql.raw(`CREATE UNIQUE INDEX ix_user_email ON ${table} (email)`).execute(db)
}

/** Inserts users as FastAPI Users stores them (booleans as 0/1 outside PostgreSQL). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function insertLegacyUsers(db: Kysely<any>, dialect: SqlDialect, users: LegacyUser[]): Promise<void> {
  const flag = (value: boolean): boolean | number => (dialect === 'postgres' ? value : value ? 1 : 0)
  for (const user of users) {
    await db
      .insertInto('user')
      .values({
        ...user,
        is_active: flag(user.is_active),
        is_superuser: flag(user.is_superuser),
        is_verified: flag(user.is_verified),
      })
      .execute()
  }
}

/** Each column of a table with its type, nullability and (MySQL) collation, by name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function describeColumns(db: Kysely<any>, dialect: SqlDialect, table: string): Promise<Record<string, string>> {
  let rows: Array<{ name: string; description: string }>
  switch (dialect) {
    case 'sqlite':
      ;({ rows } = await sql<{ name: string; description: string }>`SELECT name,
        type || ' notnull=' || "notnull" || ' pk=' || pk || ' default=' || coalesce(dflt_value, '') AS description
        FROM pragma_table_info(${table})`.execute(db))
      break
    case 'postgres':
      ;({ rows } = await sql<{ name: string; description: string }>`SELECT column_name AS name,
        data_type || '(' || coalesce(character_maximum_length::text, '') || ') nullable=' || is_nullable
        || ' default=' || coalesce(column_default, '') AS description
        FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ${table}`.execute(db))
      break
    case 'mysql':
      ;({ rows } = await sql<{ name: string; description: string }>`SELECT column_name AS name,
        CONCAT(column_type, ' nullable=', is_nullable, ' collation=', COALESCE(collation_name, ''),
          ' default=', COALESCE(column_default, '')) AS description
        FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ${table}`.execute(db))
      break
  }
  return Object.fromEntries(rows.map((row) => [row.name.toLowerCase(), row.description]))
}

/** The names of a table's indexes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function indexNames(db: Kysely<any>, dialect: SqlDialect, table: string): Promise<string[]> {
  let rows: Array<{ name: string }>
  switch (dialect) {
    case 'sqlite':
      ;({ rows } = await sql<{ name: string }>`SELECT name FROM sqlite_master
        WHERE type = 'index' AND tbl_name = ${table} AND sql IS NOT NULL`.execute(db))
      break
    case 'postgres':
      ;({ rows } = await sql<{ name: string }>`SELECT indexname AS name FROM pg_indexes
        WHERE schemaname = current_schema() AND tablename = ${table}`.execute(db))
      break
    case 'mysql':
      ;({ rows } = await sql<{ name: string }>`SELECT DISTINCT index_name AS name FROM information_schema.statistics
        WHERE table_schema = DATABASE() AND table_name = ${table}`.execute(db))
      break
  }
  return rows.map((row) => row.name).sort()
}

/** The names of the tables of the database (PostgreSQL: of the current schema). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function tableNames(db: Kysely<any>, dialect: SqlDialect): Promise<string[]> {
  const query = {
    sqlite: sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
    postgres: sql<{ name: string }>`SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()`,
    mysql: sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()`,
  }[dialect]
  const { rows } = await query.execute(db)
  return rows.map((row) => row.name).sort()
}
