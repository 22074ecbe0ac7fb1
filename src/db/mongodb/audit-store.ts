/**
 * Audit events (src/audit/store.ts) in MongoDB, collection `fastify_users_audit_event`: one
 * document per event, `_id` its id, `occurred_at` a Date, `data` a subdocument. `migrate()`
 * indexes `{user_id, occurred_at, _id}` for a user's pages (keyset pagination, newest first)
 * and `occurred_at` for the retention's deletes.
 */
import type { Collection, Db, Filter } from 'mongodb'
import type { AuditEvent } from '../../audit/events.ts'
import { nextPosition, type AuditPage, type AuditPageQuery, type AuditStore } from '../../audit/store.ts'

export const AUDIT_COLLECTION = 'fastify_users_audit_event'

interface AuditDocument {
  _id: string
  type: string
  user_id: string | null
  actor_id: string | null
  occurred_at: Date
  ip: string | null
  user_agent: string | null
  data: Record<string, unknown>
}

export interface MongoAuditStoreOptions {
  /** The users database (`store.db` of a MongoDB user store), prepared by `migrate()`. */
  db: Db
}

/**
 * @example
 * const users = fastifyUsers({ ...options, audit: { store: new MongoAuditStore({ db: store.db }) } })
 */
export class MongoAuditStore implements AuditStore {
  readonly #events: Collection<AuditDocument>

  constructor(options: MongoAuditStoreOptions) {
    this.#events = options.db.collection(AUDIT_COLLECTION)
  }

  async append(events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) return
    await this.#events.insertMany(
      events.map(({ id, ...event }) => ({ _id: id, ...event, data: { ...event.data } })),
      { ordered: false },
    )
  }

  async listByUser(userId: string, query: AuditPageQuery): Promise<AuditPage> {
    const after = query.after
    const filter: Filter<AuditDocument> = after === null
      ? { user_id: userId }
      : { user_id: userId, $or: [{ occurred_at: { $lt: after.occurred_at } }, { occurred_at: after.occurred_at, _id: { $lt: after.id } }] }
    const documents = await this.#events.find(filter).sort({ occurred_at: -1, _id: -1 }).limit(query.limit + 1).toArray()
    // Each document was written from an AuditEvent: its type and data belong together.
    const events = documents.map(({ _id, ...document }) => ({ id: _id, ...document }) as AuditEvent)
    return { events: events.slice(0, query.limit), next: nextPosition(events, query.limit) }
  }

  async deleteBefore(time: Date): Promise<number> {
    const result = await this.#events.deleteMany({ occurred_at: { $lt: time } })
    return result.deletedCount
  }
}
