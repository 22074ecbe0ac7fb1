/**
 * What the migrations need to know about an existing database. Each question is answered for
 * the table that an unqualified name resolves to, the one the adapter's queries will use: on
 * PostgreSQL through `to_regclass` (which follows `search_path`), on MySQL in the current
 * database. Kysely's own introspection lists every schema, which misleads when several schemas
 * hold a `user` table.
 */
import { sql } from 'kysely'
import type { AnyKysely, SqlDialect } from './schema.ts'

/**
 * Whether a table exists.
 *
 * @example
 * ```ts
 * if (!(await tableExists(db, 'postgres', 'accesstoken'))) { ... }
 * ```
 */
export async function tableExists(db: AnyKysely, dialect: SqlDialect, table: string): Promise<boolean> {
  switch (dialect) {
    case 'sqlite': {
      const { rows } = await sql`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ${table}`.execute(db)
      return rows.length > 0
    }
    case 'postgres': {
      const { rows } = await sql<{ oid: unknown }>`SELECT to_regclass(${quoteIdent(table)}) AS oid`.execute(db)
      return rows[0]?.oid != null
    }
    case 'mysql': {
      const { rows } = await sql`SELECT 1 FROM information_schema.tables
        WHERE table_schema = DATABASE() AND table_name = ${table}`.execute(db)
      return rows.length > 0
    }
  }
}

/**
 * The column names of a table, lower-cased (empty when the table does not exist).
 *
 * @example
 * ```ts
 * const columns = await columnNames(db, 'sqlite', 'user') // Set { 'email', ... }
 * ```
 */
export async function columnNames(db: AnyKysely, dialect: SqlDialect, table: string): Promise<Set<string>> {
  let rows: Array<{ name: string }>
  switch (dialect) {
    case 'sqlite':
      ;({ rows } = await sql<{ name: string }>`SELECT name FROM pragma_table_info(${table})`.execute(db))
      break
    case 'postgres':
      ;({ rows } = await sql<{ name: string }>`SELECT attname AS name FROM pg_attribute
        WHERE attrelid = to_regclass(${quoteIdent(table)}) AND attnum > 0 AND NOT attisdropped`.execute(db))
      break
    case 'mysql':
      ;({ rows } = await sql<{ name: string }>`SELECT column_name AS name FROM information_schema.columns
        WHERE table_schema = DATABASE() AND table_name = ${table}`.execute(db))
      break
  }
  return new Set(rows.map((row) => row.name.toLowerCase()))
}

/**
 * Whether an index of this name exists (on PostgreSQL, in the schema `search_path` finds first).
 *
 * @example
 * ```ts
 * await indexExists(db, 'mysql', 'user', 'ux_user_email_ci')
 * ```
 */
export async function indexExists(db: AnyKysely, dialect: SqlDialect, table: string, index: string): Promise<boolean> {
  switch (dialect) {
    case 'sqlite': {
      const { rows } = await sql`SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ${index}`.execute(db)
      return rows.length > 0
    }
    case 'postgres': {
      const { rows } = await sql`SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE i.indrelid = to_regclass(${quoteIdent(table)}) AND c.relname = ${index}`.execute(db)
      return rows.length > 0
    }
    case 'mysql': {
      const { rows } = await sql`SELECT 1 FROM information_schema.statistics
        WHERE table_schema = DATABASE() AND table_name = ${table} AND index_name = ${index}`.execute(db)
      return rows.length > 0
    }
  }
}

/**
 * MySQL: the character set and collation of `user.id`, which a foreign key column must repeat
 * exactly or MySQL refuses the constraint (errno 150). A FastAPI Users table carries whatever
 * default the server had when it was created.
 *
 * @example
 * ```ts
 * const { charset, collation } = await mysqlUserIdCollation(db)
 * ```
 */
export async function mysqlUserIdCollation(db: AnyKysely): Promise<{ charset: string; collation: string }> {
  const { rows } = await sql<{ charset: string; collation: string }>`SELECT
      character_set_name AS charset, collation_name AS collation FROM information_schema.columns
      WHERE table_schema = DATABASE() AND table_name = 'user' AND column_name = 'id'`.execute(db)
  const row = rows[0]
  return { charset: row?.charset ?? 'utf8mb4', collation: row?.collation ?? 'utf8mb4_bin' }
}

/** A double-quoted PostgreSQL identifier, for `to_regclass`, which parses its argument. */
function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}
