/**
 * Audit events (src/audit/store.ts) in the SQL database the users live in (the table of
 * migration 11). A user's page is one indexed range scan: `(occurred_at, id)` below the
 * previous page's end, newest first, one row more than the page to know whether another follows.
 */
import type { Kysely } from 'kysely'
import type { AuditEvent } from '../../audit/events.ts'
import { auditEventOfRow, auditEventRow } from '../../audit/stored-event.ts'
import { nextPosition, type AuditPage, type AuditPageQuery, type AuditStore } from '../../audit/store.ts'
import { AUDIT_TABLE } from './migrations/011-audit-events.ts'

export interface KyselyAuditStoreOptions {
  /** The users database (`store.db` of a Kysely user store), migrated to version 11 or later. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>
}

/**
 * @example
 * const store = await openUserDatabase(process.env.DATABASE_URL!)
 * const users = fastifyUsers({ ...options, audit: { store: new KyselyAuditStore({ db: store.db }), retentionDays: 365 } })
 */
export class KyselyAuditStore implements AuditStore {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly #db: Kysely<any>

  constructor(options: KyselyAuditStoreOptions) {
    this.#db = options.db.withoutPlugins()
  }

  async append(events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) return
    await this.#db.insertInto(AUDIT_TABLE).values(events.map(auditEventRow)).execute()
  }

  async listByUser(userId: string, query: AuditPageQuery): Promise<AuditPage> {
    const after = query.after
    let select = this.#db.selectFrom(AUDIT_TABLE).selectAll().where('user_id', '=', userId)
    if (after !== null) {
      const at = after.occurred_at.getTime()
      select = select.where((eb) => eb.or([eb('occurred_at', '<', at), eb.and([eb('occurred_at', '=', at), eb('id', '<', after.id)])]))
    }
    const rows = await select.orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(query.limit + 1).execute()
    const events = rows.map(auditEventOfRow)
    return { events: events.slice(0, query.limit), next: nextPosition(events, query.limit) }
  }

  async deleteBefore(time: Date): Promise<number> {
    const result = await this.#db.deleteFrom(AUDIT_TABLE).where('occurred_at', '<', time.getTime()).executeTakeFirst()
    return Number(result.numDeletedRows)
  }
}
