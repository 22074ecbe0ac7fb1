/**
 * Audit events (src/audit/store.ts) through Drizzle, in the table of
 * `sqliteAuditTable()`/`pgAuditTable()`. A user's page is one indexed range scan below the
 * previous page's end, newest first, one row more than the page to know whether another follows.
 */
import { and, desc, eq, lt, or } from 'drizzle-orm'
import type { Column, Table } from 'drizzle-orm'
import type { AuditEvent } from '../../audit/events.ts'
import { auditEventOfRow, auditEventRow } from '../../audit/stored-event.ts'
import { nextPosition, type AuditPage, type AuditPageQuery, type AuditStore } from '../../audit/store.ts'
import type { AuditTable } from './audit-table.ts'
import { checkTable, dialectOf, type DrizzleDatabase, type QueryBuilder } from './dialect.ts'
import { run } from './errors.ts'

export interface DrizzleAuditStoreOptions {
  db: DrizzleDatabase
  /** `sqliteAuditTable()` or `pgAuditTable()`, created by the application's migrations. */
  table: AuditTable
}

type Columns = Record<'id' | 'type' | 'user_id' | 'actor_id' | 'occurred_at' | 'ip' | 'user_agent' | 'data', Column>

/**
 * @example
 * ```ts
 * const users = fastifyUsers({ ...options, audit: { store: new DrizzleAuditStore({ db, table: auditEvent }) } })
 * ```
 */
export class DrizzleAuditStore implements AuditStore {
  readonly #db: QueryBuilder
  readonly #table: Table & Columns

  constructor(options: DrizzleAuditStoreOptions) {
    checkTable(options.table, 'auditEvent', dialectOf(options.db))
    // Both dialects' builders have the methods QueryBuilder names; their own types differ.
    this.#db = options.db as unknown as QueryBuilder
    this.#table = options.table as unknown as Table & Columns
  }

  async append(events: readonly AuditEvent[]): Promise<void> {
    for (const event of events) await run(this.#db.insert(this.#table).values({ ...auditEventRow(event) }))
  }

  async listByUser(userId: string, query: AuditPageQuery): Promise<AuditPage> {
    const t = this.#table
    const after = query.after
    const position = after === null
      ? undefined
      : or(lt(t.occurred_at, after.occurred_at.getTime()), and(eq(t.occurred_at, after.occurred_at.getTime()), lt(t.id, after.id)))
    const columns = { id: t.id, type: t.type, user_id: t.user_id, actor_id: t.actor_id, occurred_at: t.occurred_at, ip: t.ip, user_agent: t.user_agent, data: t.data }
    const rows = await run(
      this.#db.select(columns).from(t).where(and(eq(t.user_id, userId), position)).orderBy(desc(t.occurred_at), desc(t.id)).limit(query.limit + 1),
    )
    const events = rows.map(auditEventOfRow)
    return { events: events.slice(0, query.limit), next: nextPosition(events, query.limit) }
  }

  async deleteBefore(time: Date): Promise<number> {
    const rows = await run(this.#db.delete(this.#table).where(lt(this.#table.occurred_at, time.getTime())).returning({ id: this.#table.id }))
    return rows.length
  }
}
