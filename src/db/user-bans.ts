/**
 * Bans (issue 15), stored per user: an optional interface beside `UserDatabase`, which every
 * adapter of the library implements (SQL: the `user.ban` column, JSON; MongoDB: a `ban`
 * subdocument). A banned user is also made inactive (src/ban.ts), so that every guard refuses it
 * without reading the ban; the ban says why, until when, and what to restore.
 */
import type { UserRecord } from '../user.ts'

export interface UserBan {
  reason: string
  banned_at: Date
  /** When the ban ends by itself; `null`: until lifted. */
  expires_at: Date | null
  /** The superuser who banned, when known. */
  banned_by: string | null
  /** Whether the user was active before the ban: lifting it restores that. */
  was_active: boolean
}

export interface UserBanStorage<U extends UserRecord = UserRecord> {
  /** The user's ban, or `null`. */
  getBan(user: U): Promise<UserBan | null>
  /** Records (`null`: removes) the user's ban; `false` when the user does not exist. */
  setBan(user: U, ban: UserBan | null): Promise<boolean>
}

/** Whether a user database also stores bans. */
export function hasUserBans<U extends UserRecord>(db: object): db is UserBanStorage<U> {
  const candidate = db as Partial<UserBanStorage<U>>
  return typeof candidate.getBan === 'function' && typeof candidate.setBan === 'function'
}

/** A ban as stored in a document or a JSON column: instants as ISO text. */
export function banToJson(ban: UserBan): Record<string, unknown> {
  return {
    reason: ban.reason,
    banned_at: ban.banned_at.toISOString(),
    expires_at: ban.expires_at?.toISOString() ?? null,
    banned_by: ban.banned_by,
    was_active: ban.was_active,
  }
}

/** A stored ban (JSON text or an object) as a ban; anything unreadable is no ban. */
export function banFromJson(value: unknown): UserBan | null {
  let data: unknown = value
  if (typeof value === 'string') {
    try {
      data = JSON.parse(value)
    } catch {
      return null
    }
  }
  if (data === null || typeof data !== 'object') return null
  const stored = data as Record<string, unknown>
  const bannedAt = new Date(String(stored['banned_at']))
  if (typeof stored['reason'] !== 'string' || Number.isNaN(bannedAt.getTime())) return null
  const expires = stored['expires_at'] === null || stored['expires_at'] === undefined ? null : new Date(String(stored['expires_at']))
  return {
    reason: stored['reason'],
    banned_at: bannedAt,
    expires_at: expires !== null && Number.isNaN(expires.getTime()) ? null : expires,
    banned_by: typeof stored['banned_by'] === 'string' ? stored['banned_by'] : null,
    was_active: stored['was_active'] !== false,
  }
}
