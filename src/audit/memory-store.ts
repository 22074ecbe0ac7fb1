/** Audit events in this process's memory: for tests and single-process development only. */
import type { AuditEvent } from './events.ts'
import { nextPosition, type AuditPage, type AuditPageQuery, type AuditStore } from './store.ts'

/**
 * @example
 * const users = fastifyUsers({ ...options, audit: { store: new MemoryAuditStore() } })
 */
export class MemoryAuditStore implements AuditStore {
  readonly #events: AuditEvent[] = []

  async append(events: readonly AuditEvent[]): Promise<void> {
    for (const event of events) if (!this.#events.some((stored) => stored.id === event.id)) this.#events.push(structuredClone(event))
  }

  async listByUser(userId: string, query: AuditPageQuery): Promise<AuditPage> {
    const after = query.after
    const matching = this.#events
      .filter((event) => event.user_id === userId)
      .filter((event) => after === null || compare(event, after) < 0)
      .sort((a, b) => compare(b, a))
      .slice(0, query.limit + 1)
    return { events: matching.slice(0, query.limit).map((event) => structuredClone(event)), next: nextPosition(matching, query.limit) }
  }

  async deleteBefore(time: Date): Promise<number> {
    const before = this.#events.length
    const kept = this.#events.filter((event) => event.occurred_at.getTime() >= time.getTime())
    this.#events.splice(0, this.#events.length, ...kept)
    return before - kept.length
  }
}

function compare(a: { occurred_at: Date; id: string }, b: { occurred_at: Date; id: string }): number {
  const byTime = a.occurred_at.getTime() - b.occurred_at.getTime()
  return byTime !== 0 ? byTime : a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}
