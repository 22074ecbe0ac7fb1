/**
 * The mapping between a `user` row and a user record: the select list (base columns, then the
 * application's columns, each read through its codec) and the conversion of values in both
 * directions. Keys of a record come in FastAPI Users' order, then `hashed_password`, then the
 * custom fields in their declared order, then `username` for a user who has one (migration 12;
 * a user without one has no such key, so that records stay FastAPI Users' without usernames).
 */
import type { AliasedRawBuilder } from 'kysely'
import { sql } from 'kysely'
import type { UserRecord } from '../../user.ts'
import { decodeBoolean, decodeField, encodeBoolean, encodeField, selectField } from './codec.ts'
import type { FieldDefinition, FieldDefinitions } from '../fields.ts'
import type { SqlDialect } from './schema.ts'

const BOOLEAN_COLUMNS = ['is_active', 'is_superuser', 'is_verified'] as const
const TEXT_COLUMNS = ['email', 'hashed_password'] as const

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * A UUID in its stored form (lower case), or `null` when `id` is not a UUID: such an id names
 * no row, and PostgreSQL would reject it in a query instead of finding nothing.
 *
 * @example
 * ```ts
 * normalizeUuid('2EFEF7D5-F3AC-4129-9FC2-49B83D1A2E29') // '2efef7d5-f3ac-4129-9fc2-49b83d1a2e29'
 * normalizeUuid('42') // null
 * ```
 */
export function normalizeUuid(id: unknown): string | null {
  return typeof id === 'string' && UUID.test(id) ? id.toLowerCase() : null
}

/** Reads and writes user rows of one database with one set of custom fields. */
export class UserRowMapper {
  readonly #dialect: SqlDialect
  readonly #fields: ReadonlyArray<[string, FieldDefinition]>

  constructor(dialect: SqlDialect, fields: FieldDefinitions) {
    this.#dialect = dialect
    this.#fields = Object.entries(fields)
  }

  /** The select list of a user, its columns qualified by the `user` table (for joins). */
  selection(): Array<AliasedRawBuilder<unknown, string>> {
    const columns: Array<AliasedRawBuilder<unknown, string>> = []
    for (const name of ['id', ...TEXT_COLUMNS, ...BOOLEAN_COLUMNS, 'username']) {
      columns.push(sql`${sql.ref(`user.${name}`)}`.as(name))
    }
    for (const [name, field] of this.#fields) {
      columns.push(selectField(this.#dialect, field.type, `user.${name}`, name))
    }
    return columns
  }

  /** A selected row as a user record. */
  toRecord<U extends UserRecord>(row: Record<string, unknown>): U {
    const record: UserRecord = {
      id: String(row['id']).toLowerCase(),
      email: String(row['email']),
      is_active: decodeBoolean(row['is_active']),
      is_superuser: decodeBoolean(row['is_superuser']),
      is_verified: decodeBoolean(row['is_verified']),
      hashed_password: String(row['hashed_password']),
    }
    for (const [name, field] of this.#fields) {
      record[name] = decodeField(field.type, row[name])
    }
    if (typeof row['username'] === 'string') record['username'] = row['username']
    return record as U
  }

  /**
   * The column values to write for the keys of `data` that name a column; other keys, and keys
   * whose value is `undefined`, are left out (so a partial update writes only what it names).
   */
  toRow(data: Record<string, unknown>): Record<string, unknown> {
    const row: Record<string, unknown> = {}
    for (const name of TEXT_COLUMNS) {
      if (data[name] !== undefined) row[name] = data[name]
    }
    for (const name of BOOLEAN_COLUMNS) {
      const value = data[name]
      // A null reaches the NOT NULL column and is refused there, rather than becoming a
      // silent `false` (a deactivation nobody asked for).
      if (value !== undefined) row[name] = value === null ? null : encodeBoolean(this.#dialect, Boolean(value))
    }
    for (const [name, field] of this.#fields) {
      if (data[name] !== undefined) row[name] = encodeField(this.#dialect, field.type, data[name])
    }
    if (data['username'] !== undefined) row['username'] = data['username']
    return row
  }
}
