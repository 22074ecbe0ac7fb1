/**
 * Ending one session of a user (issue 15, docs/sessions.md): its refresh family, through the
 * refresh tokens of the backend that started it, and the access token it issued last, through
 * that backend's strategy (`revokeTokenKey`: the database row or Redis key deleted, a JWT
 * denied in the revocation store, so through the auth cache and on every instance as a logout
 * is). Then its record goes. A store failing on the way leaves the record, so the request can
 * be repeated.
 */
import type { RefreshTokens } from '../refresh/refresh-tokens.ts'
import type { Sessions } from '../sessions/sessions.ts'
import type { AuthenticationBackend } from './backend.ts'
import type { Strategy } from './strategy.ts'

/**
 * Ends the session `id` of `userId`; `false` when the user has no such session (another
 * user's included).
 *
 * @example
 * if (!(await endSession(sessions, backends, user.id, id))) throw new NotFoundError()
 */
export async function endSession(
  sessions: Sessions,
  backends: readonly AuthenticationBackend[],
  userId: string,
  id: string,
): Promise<boolean> {
  const session = await sessions.get(userId, id)
  if (session === null) return false
  // A backend renamed or removed since the login: every backend tries, since a key or a family
  // that is not theirs ends nothing.
  const own = backends.filter((backend) => backend.name === session.backend)
  const enders = own.length > 0 ? own : backends
  const families = new Set<RefreshTokens>()
  const strategies = new Set<Strategy>()
  for (const backend of enders) {
    if (backend.refresh !== null) families.add(backend.refresh)
    strategies.add(backend.strategy)
  }
  if (session.familyId !== null) for (const refresh of families) await refresh.endFamily(session.familyId)
  if (session.accessTokenKey !== null) {
    for (const strategy of strategies) await strategy.revokeTokenKey?.(session.accessTokenKey, userId)
  }
  await sessions.forget(userId, id)
  return true
}
