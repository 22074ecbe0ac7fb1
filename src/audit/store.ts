/**
 * Where audit events are kept, when an application wants them kept (the `audit.store` option):
 * appended in batches after the responses that caused them, read back one user's trail at a
 * time, newest first, page by page (keyset pagination on the time and the id, so a page costs
 * the same wherever it starts), and deleted once older than the retention.
 */
import type { AuditEvent } from './events.ts'

/** Where a page ended: the last event's time and id. */
export interface AuditPosition {
  occurred_at: Date
  id: string
}

export interface AuditPageQuery {
  /** The most events the page holds. */
  limit: number
  /** The position of the previous page's end; `null` for the newest events. */
  after: AuditPosition | null
}

export interface AuditPage {
  /** Newest first. */
  events: AuditEvent[]
  /** Where the next page starts, or `null` on the last page. */
  next: AuditPosition | null
}

export interface AuditStore {
  /** Stores events (ids are unique: each is stored once). */
  append(events: readonly AuditEvent[]): Promise<void>
  /** The events whose `user_id` is `userId`, newest first (`occurred_at`, then `id`, descending). */
  listByUser(userId: string, query: AuditPageQuery): Promise<AuditPage>
  /** Deletes the events that occurred before `time`; answers how many. */
  deleteBefore(time: Date): Promise<number>
}

/** The position of the last event of a page, when the page is full (there may be more). */
export function nextPosition(events: readonly AuditEvent[], limit: number): AuditPosition | null {
  const last = events[limit - 1]
  return events.length > limit && last !== undefined ? { occurred_at: last.occurred_at, id: last.id } : null
}
