/**
 * An API key (src/api-keys/store.ts) as a row of the SQL adapters, Kysely and Drizzle alike:
 * times in Unix milliseconds (BIGINT), the permissions a JSON array in a TEXT column.
 */
import type { ApiKeyRecord } from '../../api-keys/store.ts'

export interface ApiKeyRow {
  id: string
  user_id: string
  name: string
  secret_hash: string
  permissions: string
  created_at: number
  expires_at: number
  last_used_at: number | null
}

export function apiKeyRow(record: ApiKeyRecord): ApiKeyRow {
  return {
    id: record.id,
    user_id: record.userId,
    name: record.name,
    secret_hash: record.secretHash,
    permissions: JSON.stringify(record.permissions),
    created_at: record.createdAt.getTime(),
    expires_at: record.expiresAt.getTime(),
    last_used_at: record.lastUsedAt?.getTime() ?? null,
  }
}

/** The record of a row as a driver returns it (BIGINTs may come as strings). */
export function apiKeyRecord(row: Record<string, unknown>): ApiKeyRecord {
  return {
    id: String(row['id']),
    userId: String(row['user_id']),
    name: String(row['name']),
    secretHash: String(row['secret_hash']),
    permissions: parsePermissions(row['permissions']),
    createdAt: new Date(Number(row['created_at'])),
    expiresAt: new Date(Number(row['expires_at'])),
    lastUsedAt: row['last_used_at'] == null ? null : new Date(Number(row['last_used_at'])),
  }
}

/** Anything unreadable grants nothing. */
function parsePermissions(stored: unknown): string[] {
  if (typeof stored !== 'string') return []
  try {
    const value: unknown = JSON.parse(stored)
    return Array.isArray(value) ? value.filter((permission): permission is string => typeof permission === 'string') : []
  } catch {
    return []
  }
}
