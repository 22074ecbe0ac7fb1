/**
 * The opaque cursor of `GET /users/{id}/events`: the position where a page ended, as base64url
 * JSON. Not signed, as the user list's cursor (src/user-list-cursor.ts): only superusers hold
 * one, and a forged position only starts a page elsewhere; anything unreadable is refused.
 */
import { InvalidListQueryError } from '../errors.ts'
import type { AuditPosition } from './store.ts'

/**
 * @example
 * ```ts
 * const cursor = encodeAuditCursor({ occurred_at: new Date(0), id: 'x' })
 * decodeAuditCursor(cursor) // { occurred_at: new Date(0), id: 'x' }
 * ```
 */
export function encodeAuditCursor(position: AuditPosition): string {
  return Buffer.from(JSON.stringify({ t: position.occurred_at.getTime(), i: position.id })).toString('base64url')
}

/** @throws InvalidListQueryError for anything that is not a cursor of this route. */
export function decodeAuditCursor(cursor: string): AuditPosition {
  let content: unknown
  try {
    content = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw new InvalidListQueryError('cursor')
  }
  const { t, i } = (content ?? {}) as { t?: unknown; i?: unknown }
  if (typeof t !== 'number' || !Number.isSafeInteger(t) || typeof i !== 'string' || i.length === 0 || i.length > 64) {
    throw new InvalidListQueryError('cursor')
  }
  return { occurred_at: new Date(t), id: i }
}
