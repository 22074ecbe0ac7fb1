/**
 * Banning users (issue 15). A ban makes the user inactive, so every guard refuses it with no
 * further lookup, and ends its sessions (`revokeAllTokens`); the stored ban (src/db/user-bans.ts)
 * says why and until when, and whether the user was active before, which lifting it restores.
 * A login with the right password then answers `LOGIN_USER_BANNED` instead of the inactive
 * user's `LOGIN_BAD_CREDENTIALS`; once the ban has expired, that login lifts it.
 */
import type { UserBan, UserBanStorage } from './db/user-bans.ts'
import { UserBannedError } from './errors.ts'
import type { UserManager } from './manager.ts'
import type { UserRecord, UserUpdateData } from './user.ts'

export interface BanInput {
  reason: string
  /** When the ban ends by itself; omitted or `null`: until lifted. */
  expiresAt?: Date | null
  /** Who bans (a superuser's id), for the record. */
  bannedBy?: string | null
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyManager<U extends UserRecord> = UserManager<U, any, any>

/** Whether the ban still holds at `now`. */
export function banHolds(ban: UserBan, now = new Date()): boolean {
  return ban.expires_at === null || ban.expires_at.getTime() > now.getTime()
}

/**
 * Bans the user (replacing any ban, keeping what the first one restores), deactivates it and
 * ends its sessions; audited as `user.banned`. Returns the ban, or `null` when the user no
 * longer exists. `request` is handed to the audit log.
 */
export async function banUser<U extends UserRecord>(
  manager: AnyManager<U>,
  bans: UserBanStorage<U>,
  user: U,
  input: BanInput,
  request?: unknown,
): Promise<UserBan | null> {
  const previous = await bans.getBan(user)
  const ban: UserBan = {
    reason: input.reason,
    banned_at: new Date(),
    expires_at: input.expiresAt ?? null,
    banned_by: input.bannedBy ?? null,
    was_active: previous?.was_active ?? user.is_active,
  }
  if (!(await bans.setBan(user, ban))) return null
  if (user.is_active) await manager.db.update(user, { is_active: false } as UserUpdateData)
  await manager.revokeAllTokens(user)
  manager.audit.emit({ type: 'user.banned', user_id: user.id, data: { reason: ban.reason, expires_at: ban.expires_at?.toISOString() ?? null } }, request)
  return ban
}

/** Lifts the user's ban, restoring its former activity; `false` when it had none. Audited as `user.unbanned`. */
export async function liftBan<U extends UserRecord>(manager: AnyManager<U>, bans: UserBanStorage<U>, user: U, request?: unknown): Promise<boolean> {
  const ban = await bans.getBan(user)
  if (ban === null) return false
  await bans.setBan(user, null)
  if (ban.was_active && !user.is_active) await manager.db.update(user, { is_active: true } as UserUpdateData)
  manager.audit.emit({ type: 'user.unbanned', user_id: user.id, data: { expired: !banHolds(ban) } }, request)
  return true
}

/**
 * For an inactive user who gave the right password: refuses a banned one with
 * `UserBannedError`, lifts an expired ban and returns the user as it now is, and returns any
 * other user as it is.
 */
export async function checkLoginBan<U extends UserRecord>(manager: AnyManager<U>, bans: UserBanStorage<U>, user: U, request?: unknown): Promise<U> {
  const ban = await bans.getBan(user)
  if (ban === null) return user
  if (banHolds(ban)) {
    manager.audit.emit({ type: 'login.failed', user_id: user.id, data: { reason: 'banned' } }, request)
    throw new UserBannedError()
  }
  await liftBan(manager, bans, user, request)
  return (await manager.db.get(user.id)) ?? user
}
