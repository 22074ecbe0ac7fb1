/**
 * Bans on the users routes (issue 15), with `usersRoutes({ bans: true })`: superusers read,
 * set and lift a user's ban at `GET|PUT|DELETE /{id}/ban` (src/ban.ts for what a ban does).
 * The guard and the 404 run in `onRequest`, before the body is read.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { banHolds, banUser, liftBan } from '../../ban.ts'
import type { UserBan, UserBanStorage } from '../../db/user-bans.ts'
import { ConfigurationError, InvalidBanExpiryError, NotFoundError } from '../../errors.ts'
import type { RoutesContext } from '../context.ts'
import type { User } from '../request.ts'
import { ErrorResponse, ValidationErrorResponse } from '../schemas.ts'
import { ignoreBodies } from '../security/body-parsing.ts'

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>
type RouteCommon = { tags: string[]; security: Array<Record<string, string[]>> }

const IdParams = Type.Object({ id: Type.String() })
const instant = () => Type.String({ format: 'date-time', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$' })

const BanBody = Type.Object(
  {
    reason: Type.String({ minLength: 1, maxLength: 500 }),
    expires_at: Type.Optional(Type.Union([instant(), Type.Null()], { description: 'When the ban ends by itself; null or absent: until lifted' })),
  },
  { title: 'UserBanCreate' },
)

const BanStatus = Type.Object(
  {
    banned: Type.Boolean({ description: 'Whether the ban holds now (false once it expired)' }),
    reason: Type.Union([Type.String(), Type.Null()]),
    banned_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    expires_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    banned_by: Type.Union([Type.String(), Type.Null()]),
  },
  { title: 'UserBan' },
)

function status(ban: UserBan | null) {
  return {
    banned: ban !== null && banHolds(ban),
    reason: ban?.reason ?? null,
    banned_at: ban?.banned_at.toISOString() ?? null,
    expires_at: ban?.expires_at?.toISOString() ?? null,
    banned_by: ban?.banned_by ?? null,
  }
}

/**
 * The routes, to register on the users plugin's scope; the database is checked now.
 *
 * @throws ConfigurationError `BANS_UNSUPPORTED` when the user database does not store bans.
 */
export function banRoutes(context: RoutesContext, loadTarget: Hook): (app: FastifyInstance, common: RouteCommon) => Promise<void> {
  const bans: UserBanStorage<User> | null = context.bans
  if (bans === null) {
    throw new ConfigurationError('BANS_UNSUPPORTED', 'usersRoutes({ bans: true }) needs a user database that stores bans (getBan, setBan)')
  }
  const { manager } = context
  return async (app, common) => {
    app.get('/:id/ban', {
      schema: {
        ...common,
        operationId: 'users:user_ban',
        summary: "A user's ban (superuser)",
        params: IdParams,
        response: { 200: BanStatus, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
      onRequest: loadTarget,
    }, async (request) => status(await bans.getBan(request.targetUser!)))

    app.withTypeProvider<TypeBoxTypeProvider>().put('/:id/ban', {
      schema: {
        ...common,
        operationId: 'users:ban_user',
        summary: 'Ban a user: deactivated, its sessions ended (superuser)',
        params: IdParams,
        body: BanBody,
        response: { 200: BanStatus, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 422: ValidationErrorResponse },
      },
      onRequest: loadTarget,
    }, async (request) => {
      const body = request.body
      const expiresAt = body.expires_at === undefined || body.expires_at === null ? null : new Date(body.expires_at)
      if (expiresAt !== null && !(expiresAt.getTime() > Date.now())) throw new InvalidBanExpiryError()
      const ban = await banUser(manager, bans, request.targetUser!, { reason: body.reason, expiresAt, bannedBy: request.user.id }, request)
      if (ban === null) throw new NotFoundError()
      return status(ban)
    })

    await app.register(async function liftBanRoute(scope: FastifyInstance) {
      ignoreBodies(scope)
      scope.delete('/:id/ban', {
        schema: {
          ...common,
          operationId: 'users:unban_user',
          summary: "Lift a user's ban, restoring its former activity (superuser)",
          params: IdParams,
          response: { 204: Type.Null(), 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
        },
        onRequest: loadTarget,
      }, async (request, reply) => {
        if (!(await liftBan(manager, bans, request.targetUser!, request))) throw new NotFoundError()
        return reply.code(204).send()
      })
    })
  }
}
