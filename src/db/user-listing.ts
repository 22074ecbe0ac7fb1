/**
 * Listing users, page by page: the storage side of `GET /users` (issue 15). A separate,
 * optional interface beside `UserDatabase`: an adapter that lists users implements both, and
 * the list route exists only over one that does.
 *
 * Pages are keyset pages: a page starts after the position where the previous one ended, a
 * position being the sort key of the last user and a unique tie-breaker, so a page costs one
 * index range scan whatever the number of users, and users inserted meanwhile neither repeat
 * nor shift a page. Emails sort by their folded key (ASCII case folding, the key of the unique
 * index), byte by byte, the same in every database. Creation times sort with the unknown ones
 * (`created_at` null: users stored before the column existed, or by FastAPI Users) first in
 * ascending order and last in descending order, on every database.
 */
import type { UserRecord } from '../user.ts'

export type UserSortKey = 'email' | 'created_at'
export type SortOrder = 'asc' | 'desc'

/**
 * Where a page ended, as the adapter that produced it describes it: the sort key's value
 * (`null` for an unknown creation time) and its tie-breaker. Only the adapter reads it.
 */
export interface UserListPosition {
  key: string | null
  tie: string
}

export interface UserListFilter {
  /** Emails starting with this text, compared under ASCII case folding. */
  emailPrefix?: string
  /** Emails containing this text, under ASCII case folding (this one scans). */
  emailContains?: string
  is_active?: boolean
  is_verified?: boolean
  is_superuser?: boolean
  /** Users created at or after this instant (users of unknown creation time are left out). */
  createdAfter?: Date
  /** Users created before this instant (users of unknown creation time are left out). */
  createdBefore?: Date
  /** Users holding this role (the caller checks that the configuration names it). */
  role?: string
  /** Usernames starting with this text, under ASCII case folding (users without one are left out). */
  usernamePrefix?: string
  /** Usernames containing this text, under ASCII case folding (this one scans). */
  usernameContains?: string
}

export interface UserListQuery extends UserListFilter {
  sort: UserSortKey
  order: SortOrder
  /** At most this many users; the caller bounds it. */
  limit: number
  /** Start after this position (from the previous page's `next`). */
  after?: UserListPosition | null
  /** Also count every user the filter matches (one more query, which does scan). */
  total?: boolean
}

export interface UserListEntry<U extends UserRecord = UserRecord> {
  user: U
  /** When the user was created; `null` when unknown. */
  created_at: Date | null
}

export interface UserListPage<U extends UserRecord = UserRecord> {
  entries: Array<UserListEntry<U>>
  /** The position to continue from, or `null` on the last page. */
  next: UserListPosition | null
  /** With `total`, how many users match the filter. */
  total?: number
}

export interface UserListing<U extends UserRecord = UserRecord> {
  /**
   * A page of users, for display: an adapter with a read replica reads it there, so a page may
   * miss the last writes. Never used to decide anything.
   */
  listUsers(query: UserListQuery): Promise<UserListPage<U>>
}

/** Whether a user database also lists users. */
export function isUserListing<U extends UserRecord>(db: object): db is UserListing<U> {
  return typeof (db as Partial<UserListing<U>>).listUsers === 'function'
}


/**
 * A part of a page by creation time that one index range scan reads: the users of unknown
 * time (after an id), or those of known time (from a position). A condition mixing both with
 * OR would make the databases scan instead of seek, so a page that crosses from one part to the
 * other is read in two queries, in the order `creationTimeSegments` gives.
 */
export type CreationTimeSegment =
  | { kind: 'all' }
  | { kind: 'unknown'; afterId?: string }
  | { kind: 'known'; from?: { at: Date; id: string } }

/**
 * The segments a page by creation time reads, in order, until it has its users: unknown times
 * come first ascending and last descending.
 *
 * @example
 * ```ts
 * creationTimeSegments('desc', { key: '2026-01-01T00:00:00.000Z', tie: id })
 * // [{ kind: 'known', from: { at: Date, id } }, { kind: 'unknown' }]
 * ```
 */
export function creationTimeSegments(order: SortOrder, after: UserListPosition | null | undefined): CreationTimeSegment[] {
  if (!after) return [{ kind: 'all' }]
  if (after.key === null) {
    const unknown: CreationTimeSegment = { kind: 'unknown', afterId: after.tie }
    return order === 'asc' ? [unknown, { kind: 'known' }] : [unknown]
  }
  const known: CreationTimeSegment = { kind: 'known', from: { at: new Date(after.key), id: after.tie } }
  return order === 'asc' ? [known] : [known, { kind: 'unknown' }]
}

/**
 * Reads `limit + 1` rows (one more tells whether a page follows) from the segments in order,
 * each query asking only for what the page still lacks.
 */
export async function readSegments<S, R>(segments: S[], limit: number, read: (segment: S, count: number) => Promise<R[]>): Promise<R[]> {
  const rows: R[] = []
  for (const segment of segments) {
    if (rows.length > limit) break
    rows.push(...(await read(segment, limit + 1 - rows.length)))
  }
  return rows
}
