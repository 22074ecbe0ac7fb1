/**
 * The opt-in "a password change logs out the other sessions". A `PATCH /users/me` (or a
 * superuser's `PATCH /users/{id}`) that changes a password keeps every token by default, as
 * FastAPI Users does and its clients expect (CONTRACT, deliberate difference 10). With the
 * option, the change ends every other token of that user; the token that made the request,
 * when it is the user's own, keeps working so the client is not logged out by its own change.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { UserManager } from '../manager.ts'
import type { UserManagerHooks } from '../hooks.ts'
import type { User } from './request.ts'

type OnAfterUpdate = NonNullable<UserManagerHooks<User, FastifyRequest, FastifyReply>['onAfterUpdate']>

/**
 * An `onAfterUpdate` hook that revokes the other tokens of a user whose password changed,
 * then runs the application's own hook.
 *
 * @example
 * onAfterUpdate: revokeOthersOnPasswordChange(() => manager, options.manager.onAfterUpdate)
 */
export function revokeOthersOnPasswordChange(
  manager: () => UserManager<User, FastifyRequest, FastifyReply>,
  next: OnAfterUpdate | undefined,
): OnAfterUpdate {
  return async (user, updated, request) => {
    if (updated.password === true) {
      const own = request?.authentication && request.user?.id === user.id ? request.authentication.token : undefined
      await manager().revokeAllTokens(user, { except: own })
    }
    await next?.(user, updated, request)
  }
}
