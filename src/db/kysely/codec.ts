/**
 * Conversions between JavaScript values and what each database stores. Reads go through a
 * per-type select expression as well, so that the adapter does not depend on how the
 * application configured its driver's type parsers: timestamps and JSON leave MySQL and
 * PostgreSQL as text, in one format, and are parsed here.
 */
import { sql } from 'kysely'
import type { AliasedRawBuilder } from 'kysely'
import { asDate, decodeFieldIn, encodeFieldIn, type FieldStorage } from '../field-codec.ts'
import type { FieldType } from '../fields.ts'
import type { SqlDialect } from './schema.ts'
import { formatSqlTimestamp, parseSqlTimestamp } from '../sql/timestamp.ts'

/**
 * A boolean as the database takes it: SQLite's driver binds no booleans and MySQL stores
 * TINYINT(1), so both get 0/1.
 *
 * @example
 * ```ts
 * encodeBoolean('sqlite', true) // 1
 * ```
 */
export function encodeBoolean(dialect: SqlDialect, value: boolean): boolean | number {
  return dialect === 'postgres' ? value : value ? 1 : 0
}

/**
 * A stored boolean (a boolean, 0/1, a bigint or PostgreSQL's text form) as a JavaScript boolean.
 *
 * @example
 * ```ts
 * decodeBoolean(0) // false
 * ```
 */
export function decodeBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value
  if (typeof value === 'number') return value !== 0
  if (typeof value === 'bigint') return value !== 0n
  return value === '1' || value === 't' || value === 'true'
}

/**
 * An instant as the database takes it: text in FastAPI Users' SQLite format on SQLite and
 * MySQL (UTC, whatever the session time zone), an ISO string on PostgreSQL (timestamptz).
 *
 * @example
 * ```ts
 * encodeTimestamp('sqlite', new Date(0)) // '1970-01-01 00:00:00.000000'
 * ```
 */
export function encodeTimestamp(dialect: SqlDialect, value: Date): string {
  return dialect === 'postgres' ? value.toISOString() : formatSqlTimestamp(value)
}

/**
 * The select expression reading a timestamp column as text or a Date that `parseSqlTimestamp`
 * understands; on MySQL, DATE_FORMAT avoids the driver's time-zone conversion.
 *
 * @example
 * ```ts
 * db.selectFrom('accesstoken').select(selectTimestamp('mysql', 'created_at', 'created_at'))
 * ```
 */
export function selectTimestamp(dialect: SqlDialect, column: string, alias: string): AliasedRawBuilder<unknown, string> {
  if (dialect === 'mysql') {
    return sql`DATE_FORMAT(${sql.ref(column)}, ${sql.lit('%Y-%m-%d %H:%i:%s.%f')})`.as(alias)
  }
  return sql`${sql.ref(column)}`.as(alias)
}

/**
 * The select expression of a custom field column.
 *
 * @example
 * ```ts
 * db.selectFrom('user').select(selectField('postgres', 'json', 'user.prefs', 'prefs'))
 * ```
 */
export function selectField(
  dialect: SqlDialect,
  type: FieldType,
  column: string,
  alias: string,
): AliasedRawBuilder<unknown, string> {
  if (type === 'timestamp') return selectTimestamp(dialect, column, alias)
  if (type === 'json' && dialect === 'postgres') return sql`CAST(${sql.ref(column)} AS TEXT)`.as(alias)
  if (type === 'json' && dialect === 'mysql') return sql`CAST(${sql.ref(column)} AS CHAR)`.as(alias)
  return sql`${sql.ref(column)}`.as(alias)
}

/** SQL: booleans as encodeBoolean gives them, timestamps as encodeTimestamp, JSON as text. */
function sqlStorage(dialect: SqlDialect): FieldStorage {
  return {
    boolean: { encode: (value) => encodeBoolean(dialect, Boolean(value)), decode: decodeBoolean },
    timestamp: { encode: (value) => encodeTimestamp(dialect, asDate(value)), decode: parseSqlTimestamp },
    json: { encode: (value) => JSON.stringify(value), decode: (value) => (typeof value === 'string' ? JSON.parse(value) : value) },
  }
}

const STORAGE: Readonly<Record<SqlDialect, FieldStorage>> = {
  sqlite: sqlStorage('sqlite'),
  postgres: sqlStorage('postgres'),
  mysql: sqlStorage('mysql'),
}

/**
 * A custom field's JavaScript value as the database takes it. `null` and `undefined` are NULL.
 *
 * @example
 * ```ts
 * encodeField('mysql', 'json', { theme: 'dark' }) // '{"theme":"dark"}'
 * ```
 */
export function encodeField(dialect: SqlDialect, type: FieldType, value: unknown): unknown {
  return encodeFieldIn(STORAGE[dialect], type, value)
}

/**
 * A stored custom field as its JavaScript value: booleans from 0/1, timestamps as Dates,
 * JSON parsed, integers as numbers. The decoding is the same on every SQL database.
 *
 * @example
 * ```ts
 * decodeField('boolean', 1) // true
 * ```
 */
export function decodeField(type: FieldType, value: unknown): unknown {
  return decodeFieldIn(STORAGE.sqlite, type, value)
}
