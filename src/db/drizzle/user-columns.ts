/**
 * The mapping between the application's Drizzle `user` table and user records. The base fields
 * are the table's columns under FastAPI Users' names (the keys `sqliteUserColumns()` and
 * `pgUserColumns()` give); every other column of the table is a custom field, a key of the
 * record named as the table's property, its value converted by the column as Drizzle does.
 * Keys of a record come in FastAPI Users' order, then `hashed_password`, then the custom fields
 * in their declared order.
 */
import { getTableColumns } from 'drizzle-orm'
import type { Column } from 'drizzle-orm'
import type { UserRecord } from '../../user.ts'
import type { Row } from './dialect.ts'
import { DrizzleSchemaError } from './errors.ts'
import { BASE_USER_KEYS } from './tables.ts'
import type { UserTable } from './tables.ts'

/** Keys the users system gives a meaning of its own, so no custom field may take them. */
const RESERVED = new Set(['password', 'oauth_accounts'])

/** The columns of the creation time, the roles and the ban (the helpers declare them), kept out of the record. */
const CREATED_AT = 'created_at'
const ROLES = 'roles'
const BAN = 'ban'
/** The username's column (issue 16): in the record for a user who has one, as in the other adapters. */
const USERNAME = 'username'

/**
 * Reads and writes the rows of one user table.
 *
 * @example
 * ```ts
 * const columns = new UserColumns(user)
 * const record = columns.toRecord(row)
 * ```
 */
export class UserColumns {
  readonly table: UserTable
  /** Every column, by property, for select lists and `returning()`. */
  readonly all: Record<string, Column>
  /** The creation time's column, when the table has one (tables from older helpers do not). */
  readonly createdAt: Column | null
  /** The roles' column, when the table has one. */
  readonly roles: Column | null
  /** The ban's column, when the table has one. */
  readonly ban: Column | null
  /** The username's column, when the table has one. */
  readonly username: Column | null
  readonly #custom: readonly string[]

  constructor(table: UserTable) {
    this.table = table
    this.all = getTableColumns(table)
    for (const key of BASE_USER_KEYS) {
      if (!(key in this.all)) {
        throw new DrizzleSchemaError(`the user table has no "${key}" column: spread sqliteUserColumns() or pgUserColumns() into it`)
      }
    }
    this.createdAt = this.all[CREATED_AT] ?? null
    this.roles = this.all[ROLES] ?? null
    this.ban = this.all[BAN] ?? null
    this.username = this.all[USERNAME] ?? null
    const base = new Set<string>([...BASE_USER_KEYS, CREATED_AT, ROLES, BAN, USERNAME])
    this.#custom = Object.keys(this.all).filter((key) => !base.has(key))
    for (const key of this.#custom) {
      if (RESERVED.has(key)) throw new DrizzleSchemaError(`the user table may not have a "${key}" column: the name is taken by the users system`)
    }
  }

  /** A selected row as a user record. */
  toRecord<U extends UserRecord>(row: Row): U {
    const record: UserRecord = {
      id: String(row['id']).toLowerCase(),
      email: String(row['email']),
      // The helpers' columns give booleans; a table pulled from a database may give 0/1.
      is_active: Boolean(row['is_active']),
      is_superuser: Boolean(row['is_superuser']),
      is_verified: Boolean(row['is_verified']),
      hashed_password: String(row['hashed_password']),
    }
    for (const key of this.#custom) record[key] = row[key] ?? null
    if (typeof row[USERNAME] === 'string') record[USERNAME] = row[USERNAME]
    return record as U
  }

  /**
   * The values to write for the keys of `data` that name a column other than `id`; keys whose
   * value is `undefined` are left out, so that a partial update writes only what it names.
   */
  toRow(data: Record<string, unknown>): Row {
    const row: Row = {}
    for (const key of Object.keys(this.all)) {
      if (key === 'id' || key === CREATED_AT || key === ROLES || key === BAN || data[key] === undefined) continue
      row[key] = data[key]
    }
    return row
  }
}
