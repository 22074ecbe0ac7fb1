/**
 * A session record and its row of `fastify_users_session`, both ways, for the SQL session stores
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

/** The row a session record is stored as. */
export function sessionRowOfRecord(session: SessionRecord) {
  return {
    id: session.id,
    user_id: session.userId,
    backend: session.backend,
    access_token_hash: session.accessTokenHash,
    access_token_key: session.accessTokenKey,
    family_id: session.familyId,
    created_at: session.createdAt,
    last_used_at: session.lastUsedAt,
    expires_at: session.expiresAt,
    user_agent: session.userAgent,
    client_address: session.clientAddress,
  }
}
