/**
 * An audit event as the SQL adapters store it (a row of migration 11, or of Drizzle's audit
 * table): the time in Unix milliseconds and `data` as JSON text; and back.
 */
import type { AuditEvent } from './events.ts'

export interface AuditEventRow {
  id: string
  type: string
  user_id: string | null
  actor_id: string | null
  occurred_at: number
  ip: string | null
  user_agent: string | null
  data: string
}

export function auditEventRow(event: AuditEvent): AuditEventRow {
  return {
    id: event.id,
    type: event.type,
    user_id: event.user_id,
    actor_id: event.actor_id,
    occurred_at: event.occurred_at.getTime(),
    ip: event.ip,
    user_agent: event.user_agent,
    data: JSON.stringify(event.data),
  }
}

/** A stored row read back; drivers may answer BIGINT as text. */
export function auditEventOfRow(row: Record<string, unknown>): AuditEvent {
  const text = (value: unknown) => (value === null || value === undefined ? null : String(value))
  // The row was written from an AuditEvent: its type and data belong together.
  return {
    id: String(row.id),
    type: String(row.type),
    user_id: text(row.user_id),
    actor_id: text(row.actor_id),
    occurred_at: new Date(Number(row.occurred_at)),
    ip: text(row.ip),
    user_agent: text(row.user_agent),
    data: JSON.parse(String(row.data)),
  } as AuditEvent
}
