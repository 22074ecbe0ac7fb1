/**
 * The opaque cursor of `GET /users`: the position where a page ended, with the sort it belongs
 * to, as base64url JSON. It is not signed: whoever holds one is a superuser, and a forged
 * position only starts a page elsewhere; a cursor of another sort, or anything unreadable, is
 * refused rather than read as a position it is not.
 */
import { InvalidListQueryError } from './errors.ts'
import type { SortOrder, UserListPosition, UserSortKey } from './db/user-listing.ts'

interface CursorContent {
  s: UserSortKey
  o: SortOrder
  k: string | null
  t: string
}

/**
 * @example
 * ```ts
 * const cursor = encodeUserCursor('email', 'asc', { key: 'a@x.io', tie: 'a@x.io' })
 * decodeUserCursor(cursor, 'email', 'asc') // { key: 'a@x.io', tie: 'a@x.io' }
 * ```
 */
export function encodeUserCursor(sort: UserSortKey, order: SortOrder, position: UserListPosition): string {
  const content: CursorContent = { s: sort, o: order, k: position.key, t: position.tie }
  return Buffer.from(JSON.stringify(content)).toString('base64url')
}

/** @throws InvalidListQueryError for a cursor that is not one of this sort and order. */
export function decodeUserCursor(cursor: string, sort: UserSortKey, order: SortOrder): UserListPosition {
  let content: unknown
  try {
    content = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw new InvalidListQueryError('cursor')
  }
  const { s, o, k, t } = (content ?? {}) as Partial<CursorContent>
  if (s !== sort || o !== order || (k !== null && typeof k !== 'string') || typeof t !== 'string') throw new InvalidListQueryError('cursor')
  return { key: k, tie: t }
}
