/**
 * Adds the application's custom user columns that the table lacks. Unlike the versioned
 * migrations this runs on every open, since the declarations belong to the application and
 * change with it. Existing columns are left as they are (type included): a FastAPI Users app's
 * `first_name VARCHAR(50)` is read as text all the same. Columns are never dropped.
 */
import { sql } from 'kysely'
import { FieldDefinitionError } from '../errors.ts'
import type { FieldDefinition, FieldDefinitions } from '../fields.ts'
import { FIELD_SQL_TYPES } from './fields.ts'
import { columnNames } from './introspect.ts'
import type { AnyKysely, SqlDialect } from './schema.ts'

/**
 * Adds every declared field missing from the `user` table.
 *
 * @example
 * ```ts
 * await addCustomColumns(db, 'sqlite', { nickname: { type: 'text' } })
 * ```
 */
export async function addCustomColumns(db: AnyKysely, dialect: SqlDialect, fields: FieldDefinitions): Promise<void> {
  const existing = await columnNames(db, dialect, 'user')
  const table = dialect === 'mysql' ? '`user`' : '"user"'
  for (const [name, field] of Object.entries(fields)) {
    if (existing.has(name)) continue
    if (field.nullable === false && field.default === undefined && (await hasRows(db, table))) {
      throw new FieldDefinitionError(
        name,
        'a NOT NULL column needs a default to be added to a table that already holds users',
      )
    }
    await sql.raw(`ALTER TABLE ${table} ADD COLUMN ${name} ${columnDefinition(dialect, field)}`).execute(db)
  }
}

function columnDefinition(dialect: SqlDialect, field: FieldDefinition): string {
  let definition = FIELD_SQL_TYPES[dialect][field.type]
  if (field.nullable === false) definition += ' NOT NULL'
  if (field.default === undefined) return definition
  const value = literal(dialect, field.default)
  // MySQL 8 takes a TEXT default only as an expression; MariaDB accepts both forms.
  return `${definition} DEFAULT ${dialect === 'mysql' && field.type === 'text' ? `(${value})` : value}`
}

function literal(dialect: SqlDialect, value: string | number | boolean): string {
  if (typeof value === 'boolean') return dialect === 'postgres' ? String(value) : value ? '1' : '0'
  if (typeof value === 'number') return String(value)
  // Standard SQL string literal; MySQL also treats a backslash as an escape, so double it.
  const escaped = value.replaceAll("'", "''")
  return `'${dialect === 'mysql' ? escaped.replaceAll('\\', '\\\\') : escaped}'`
}

async function hasRows(db: AnyKysely, table: string): Promise<boolean> {
  const { rows } = await sql`SELECT 1 FROM ${sql.raw(table)} LIMIT 1`.execute(db)
  return rows.length > 0
}
