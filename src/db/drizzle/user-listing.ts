/**
 * `listUsers` on the application's Drizzle tables (src/db/user-listing.ts), the same keyset
 * pages as the Kysely adapter's: on the email key's unique index, or on `ix_user_created_at`
 * (`(created_at, id)`, which the column helpers declare). A table without the `created_at`
 * column lists by email only. A page of one role's holders reads the role table, when the
 * application passes it, on its indexes of the same keys, joined to the user rows; without it,
 * the page walks the list and reads each user's `roles` text. A flag's equality seeks on the
 * flag's indexes of the same keys (`ix_user_<flag>_email`, `ix_user_<flag>_created_at`), which
 * the column helpers declare.
 */
import { and, eq, gt, gte, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm'
import type { Column, SQL } from 'drizzle-orm'
import { foldEmail } from '../../email.ts'
import type { UserRecord } from '../../user.ts'
import { likeLiteral } from '../sql/like-pattern.ts'
import { creationTimeSegments, readSegments } from '../user-listing.ts'
import type { CreationTimeSegment, UserListFilter, UserListPage, UserListPosition, UserListQuery } from '../user-listing.ts'
import { foldUsername } from '../../username/rules.ts'
import { emailKey, usernameKey } from './dialect.ts'
import type { Dialect, QueryBuilder } from './dialect.ts'
import { DrizzleSchemaError, run } from './errors.ts'
import type { UserRoleTable } from './tables.ts'
import type { UserColumns } from './user-columns.ts'

const FLAGS = ['is_active', 'is_verified', 'is_superuser'] as const

/** The keys a page seeks on and orders by: the user table's, or the role table's copies of them. */
interface SortKeys {
  email: SQL
  createdAt: Column | null
  id: Column
}

/**
 * A page of users.
 *
 * @example
 * ```ts
 * const page = await listUsers(db, dialect, columns, null, { sort: 'email', order: 'asc', limit: 50 })
 * ```
 */
export async function listUsers<U extends UserRecord>(
  db: QueryBuilder,
  dialect: Dialect,
  columns: UserColumns,
  roleTable: UserRoleTable | null,
  query: UserListQuery,
): Promise<UserListPage<U>> {
  const { table, all } = columns
  const needsTime = query.sort === 'created_at' || query.createdAfter !== undefined || query.createdBefore !== undefined
  const createdAt = columns.createdAt
  if (needsTime && createdAt === null) throw missingColumn('created_at')
  if (query.role !== undefined && columns.roles === null) throw missingColumn('roles')
  if ((query.usernamePrefix !== undefined || query.usernameContains !== undefined) && columns.username === null) throw missingColumn('username')
  const byRole = query.role !== undefined && roleTable !== null ? { table: roleTable, role: query.role } : null
  const keys: SortKeys =
    byRole === null
      ? { email: emailKey(dialect, table.email), createdAt, id: table.id }
      : { email: sql`${byRole.table.email_key}`, createdAt: byRole.table.created_at, id: byRole.table.user_id }
  const from = <F extends Record<string, Column>>(fields: F) =>
    byRole === null
      ? db.select(fields).from(table)
      : db.select(fields).from(byRole.table).innerJoin(table, eq(table.id, byRole.table.user_id))
  const desc = query.order === 'desc'
  const direction = sql.raw(desc ? 'desc' : 'asc')
  const filter = and(byRole === null ? undefined : eq(byRole.table.role, byRole.role), filterCondition(dialect, columns, byRole === null, query))
  const read = (condition: SQL | undefined, order: SQL[], count: number) => run(from(all).where(and(filter, condition)).orderBy(...order).limit(count))
  let found: Array<Record<string, unknown>>
  if (query.sort === 'email') {
    const after = query.after ? (desc ? lt : gt)(keys.email, query.after.key ?? '') : undefined
    found = await read(after, [sql`${keys.email} ${direction}`], query.limit + 1)
  } else {
    // Unknown times first in ascending order, last in descending, as the indexes hold them.
    const nulls = sql.raw(dialect.name === 'postgres' ? (desc ? ' nulls last' : ' nulls first') : '')
    const order = [sql`${keys.createdAt} ${direction}${nulls}`, sql`${keys.id} ${direction}`]
    found = await readSegments(creationTimeSegments(query.order, query.after), query.limit, (segment, count) =>
      read(segmentCondition(keys, desc, segment), order, count),
    )
  }
  // One row more than asked tells whether another page follows.
  const page = found.slice(0, query.limit)
  const entries = page.map((row) => ({ user: columns.toRecord<U>(row), created_at: createdAtOf(row) }))
  const last = page.at(-1)
  let next: UserListPosition | null = null
  if (found.length > query.limit && last !== undefined) {
    const tie = String(last['id']).toLowerCase()
    next = query.sort === 'email' ? { key: foldEmail(String(last['email'])), tie } : { key: createdAtOf(last)?.toISOString() ?? null, tie }
  }
  const result: UserListPage<U> = { entries, next }
  if (query.total) {
    const counted = await run(from({ total: sql<number>`count(*)` } as unknown as Record<string, Column>).where(filter))
    result.total = Number(counted[0]?.['total'] ?? 0)
  }
  return result
}

function missingColumn(name: string): DrizzleSchemaError {
  return new DrizzleSchemaError(`the user table has no "${name}" column: spread the current sqliteUserColumns() or pgUserColumns() into it`)
}

function createdAtOf(row: Record<string, unknown>): Date | null {
  const value = row['created_at']
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value : null
}

/** The filter's conditions on the user row; the role's too unless the role table answers it (`roleInText`). */
function filterCondition(dialect: Dialect, columns: UserColumns, roleInText: boolean, filter: UserListFilter): SQL | undefined {
  const { table } = columns
  const key = emailKey(dialect, table.email)
  const conditions: Array<SQL | undefined> = []
  if (filter.emailPrefix !== undefined) {
    conditions.push(sql`${key} like ${`${likeLiteral(foldEmail(filter.emailPrefix))}%`} escape '!'`)
  }
  if (filter.emailContains !== undefined) {
    conditions.push(sql`${key} like ${`%${likeLiteral(foldEmail(filter.emailContains))}%`} escape '!'`)
  }
  for (const flag of FLAGS) {
    const value = filter[flag]
    if (value !== undefined) conditions.push(eq(table[flag], value))
  }
  const createdAt = columns.createdAt
  if (createdAt !== null && filter.createdAfter !== undefined) conditions.push(gte(createdAt, filter.createdAfter))
  if (createdAt !== null && filter.createdBefore !== undefined) conditions.push(lt(createdAt, filter.createdBefore))
  const username = columns.username
  if (username !== null && filter.usernamePrefix !== undefined) {
    conditions.push(sql`${usernameKey(dialect, username)} like ${`${likeLiteral(foldUsername(filter.usernamePrefix))}%`} escape '!'`)
  }
  if (username !== null && filter.usernameContains !== undefined) {
    conditions.push(sql`${usernameKey(dialect, username)} like ${`%${likeLiteral(foldUsername(filter.usernameContains))}%`} escape '!'`)
  }
  if (roleInText && columns.roles !== null && filter.role !== undefined) {
    // The quoted name in the JSON array, byte by byte (SQLite's LIKE ignores letter case), as the Kysely adapter does.
    const position = dialect.name === 'postgres' ? sql`strpos(${columns.roles}, ${JSON.stringify(filter.role)})` : sql`instr(${columns.roles}, ${JSON.stringify(filter.role)})`
    conditions.push(sql`${position} > 0`)
  }
  return and(...conditions)
}

/**
 * The rows of one segment. From a position, `created_at <= k AND (created_at < k OR id < t)`
 * (descending; the other way ascending) seeks to `k` on the index and reads on from there.
 */
function segmentCondition(keys: SortKeys, desc: boolean, segment: CreationTimeSegment): SQL | undefined {
  const createdAt = keys.createdAt!
  const id = keys.id
  const beyond = desc ? lt : gt
  switch (segment.kind) {
    case 'all':
      return undefined
    case 'unknown':
      return and(isNull(createdAt), segment.afterId === undefined ? undefined : beyond(id, segment.afterId))
    case 'known':
      if (segment.from === undefined) return isNotNull(createdAt)
      return and(
        (desc ? lte : gte)(createdAt, segment.from.at),
        or(beyond(createdAt, segment.from.at), beyond(id, segment.from.id)),
      )
  }
}
