/**
 * The session record a row of `fastify_users_session` gives, for the SQL session stores
 * (Kysely, Drizzle): the drivers hand back numbers as strings or bigints and NULLs as null.
 */
import type { SessionRecord } from '../../sessions/store.ts'

export function sessionRecordOfRow(row: Record<string, unknown>): SessionRecord {
  const text = (value: unknown): string | null => (value == null ? null : String(value))
  return {
    id: String(row['id']),
    userId: String(row['user_id']),
    backend: String(row['backend']),
    accessTokenHash: String(row['access_token_hash']),
    accessTokenKey: text(row['access_token_key']),
    familyId: text(row['family_id']),
    createdAt: Number(row['created_at']),
    lastUsedAt: Number(row['last_used_at']),
    expiresAt: row['expires_at'] == null ? null : Number(row['expires_at']),
    userAgent: text(row['user_agent']),
    clientAddress: text(row['client_address']),
  }
}
