/**
 * What the SQL access-token databases (Kysely, Drizzle) share around their own queries: the
 * oldest creation time a token may have, and the record a row gives.
 */
import type { AccessTokenRecord } from '../types.ts'

/** The oldest `created_at` a token of `maxAgeSeconds` may have; `null` when age does not matter. */
export function oldestCreation(maxAgeSeconds: number | null | undefined): Date | null {
  return maxAgeSeconds === undefined || maxAgeSeconds === null ? null : new Date(Date.now() - maxAgeSeconds * 1000)
}

/**
 * The record of a stored token, or `null` when its time cannot be read: such a row has no age,
 * so it cannot pass for a fresh token.
 *
 * @example
 * ```ts
 * accessTokenRecord(token, 'D35D213E-F3D8-4F08-954A-7E0D1BEA286F', new Date()) // user_id lower-cased
 * ```
 */
export function accessTokenRecord(token: string, userId: unknown, createdAt: unknown): AccessTokenRecord | null {
  if (!(createdAt instanceof Date) || Number.isNaN(createdAt.getTime())) return null
  return { token, user_id: String(userId).toLowerCase(), created_at: createdAt }
}
